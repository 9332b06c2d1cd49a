import { unary } from '#coordinator-client/coordinator-client.js';
import type { ExplainHostResponse__Output } from '#shared/gen/signalbox/v1/ExplainHostResponse.js';
import type { CliIo } from '../cli-io.js';
import { NotFoundError, printJson, runRemote } from '../remote.js';

/** `app.example.org/api/v1` → host and path; a bare host means `/`. */
export function splitHostPath(target: string): { host: string; path: string } {
  const slash = target.indexOf('/');
  return slash < 0
    ? { host: target, path: '/' }
    : { host: target.slice(0, slash), path: target.slice(slash) || '/' };
}

/**
 * `signalbox explain HOST[/PATH]`: the route that serves it, its cluster and why, the tasks behind it and
 * whether each gets traffic, and the nginx server block. Exit 1 when nothing serves the host.
 */
export function runExplainCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  return runRemote(
    'explain',
    args,
    io,
    env,
    { positionals: { min: 1, max: 1, usage: 'HOST[/PATH] [--json]' } },
    async ({ client, values, positionals }) => {
      const { host, path } = splitHostPath(positionals[0] ?? '');
      const res = await unary<object, ExplainHostResponse__Output>(client.ExplainHost.bind(client), {
        host,
        path,
      });
      if (values.json) return printJson(io, res);
      if (res.routes.length === 0) {
        const errors = res.labelErrors.length > 0 ? `; label errors: ${res.labelErrors.join('; ')}` : '';
        throw new NotFoundError(
          `no route serves ${host}${path}: it answers 503 (or the default backend)${errors}`,
        );
      }
      const out: string[] = [];
      for (const r of res.routes) {
        out.push(
          `${r.host}${r.path} → cluster ${r.cluster || '(default)'}${r.passthrough ? ' (TLS passthrough)' : r.tls ? ' (TLS terminated)' : ''}`,
        );
        for (const s of r.services) out.push(`  service ${s}: ${res.reasons[s] || 'no planner note'}`);
        out.push(`  targets: ${r.targets.length > 0 ? r.targets.join(', ') : 'none: the route answers 503'}`);
      }
      if (res.tasks.length > 0) {
        out.push('tasks:');
        for (const t of res.tasks)
          out.push(
            `  ${t.service} ${t.task.slice(0, 12)} ${t.state} (desired ${t.desiredState}) ${t.address || '-'} ${t.target ? 'gets traffic' : 'no traffic'}`,
          );
      }
      for (const e of res.labelErrors) out.push(`label error: ${e}`);
      if (res.serverBlock) out.push('nginx:', res.serverBlock.trimEnd());
      io.stdout(`${out.join('\n')}\n`);
    },
  );
}
