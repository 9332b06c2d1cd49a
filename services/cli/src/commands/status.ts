import { unary } from '#coordinator-client/coordinator-client.js';
import type { StatusReport__Output } from '#shared/gen/signalbox/v1/StatusReport.js';
import type { CliIo } from '../cli-io.js';
import { printJson, runRemote } from '../remote.js';
import { formatTable } from '../table.js';

/**
 * `signalbox status`: clusters, their proxies, desired and live config versions, rollouts, the job queue, and
 * every service turned away with its stage and reason.
 */
export function runStatusCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  return runRemote('status', args, io, env, {}, async ({ client, values }) => {
    const s = await unary<object, StatusReport__Output>(client.GetStatus.bind(client), {});
    if (values.json) return printJson(io, s);
    const q = s.queue;
    io.stdout(
      `coordinator ${s.instance} (${s.leader ? 'leader' : 'standby'}) · last pass ${s.lastPassAt || 'never'} (${Math.round(s.lastPassMillis)} ms)\n` +
        (s.plan
          ? `plan: max networks per proxy ${s.plan.maxNetworksPerProxy} (lower bound ${s.plan.lowerBoundMax}) · attachments ${s.plan.totalAttachments}\n`
          : '') +
        `jobs: waiting ${q?.waiting ?? 0} · active ${q?.active ?? 0} · delayed ${q?.delayed ?? 0} · failed ${q?.failed ?? 0} · completed ${q?.completed ?? 0}\n` +
        `services: ${s.rejectedServices} rejected · ${s.unplacedServices} unplaced\n\n`,
    );
    io.stdout(
      formatTable(
        ['CLUSTER', 'PROXY', 'DESIRED', 'LIVE', 'SYNC', 'ROLLOUT', 'NETWORKS', 'ROUTES', 'SERVICES'],
        s.clusters.map((c) => [
          c.name || '(default)',
          c.proxyService,
          c.desiredVersion,
          c.liveVersion || '-',
          c.inSync
            ? 'in sync'
            : `behind ${Math.round(c.behindSeconds)}s${c.jobRetry ? ` (${c.jobRetry})` : ''}`,
          c.rollout
            ? `${c.rollout.state || 'idle'} ${c.rollout.tasksServing}/${c.rollout.tasksDesired}${c.rollout.stuck ? ' STUCK' : ''}`
            : 'no proxy yet',
          String(c.networks),
          String(c.routes),
          String(c.services),
        ]),
      ),
    );
    if (s.rejections.length > 0) {
      io.stdout('\nrejected:\n');
      io.stdout(
        formatTable(
          ['SERVICE', 'TENANT', 'STAGE', 'CODE', 'REASON'],
          s.rejections.map((r) => [r.service, r.tenant || '-', r.stage, r.code, r.message]),
        ),
      );
    }
  });
}
