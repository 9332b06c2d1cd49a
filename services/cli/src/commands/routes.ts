import { unary } from '#coordinator-client/coordinator-client.js';
import type { ListRoutesResponse__Output } from '#shared/gen/signalbox/v1/ListRoutesResponse.js';
import type { CliIo } from '../cli-io.js';
import { NotFoundError, printJson, runRemote } from '../remote.js';
import { formatTable } from '../table.js';

/** `signalbox routes [--cluster NAME]`: every host and path, its cluster, services and targets. */
export function runRoutesCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  return runRemote(
    'routes',
    args,
    io,
    env,
    { options: { cluster: { type: 'string' } } },
    async ({ client, values }) => {
      const cluster = values.cluster as string | undefined;
      const res = await unary<object, ListRoutesResponse__Output>(client.ListRoutes.bind(client), {
        cluster: cluster ?? '',
      });
      if (cluster !== undefined && res.routes.length === 0)
        throw new NotFoundError(`no routes in cluster ${JSON.stringify(cluster)} (see signalbox status)`);
      if (values.json) return printJson(io, res);
      // The tenant column only where the coordinator runs with [Tenancy].
      const tenancy = res.routes.some((r) => r.tenants.length > 0);
      io.stdout(
        formatTable(
          ['HOST', 'PATH', 'CLUSTER', ...(tenancy ? ['TENANT'] : []), 'SERVICES', 'TARGETS', 'TLS'],
          res.routes.map((r) => [
            r.host,
            r.path,
            r.cluster || '(default)',
            ...(tenancy ? [r.tenants.join(',') || '-'] : []),
            r.services.join(','),
            r.targets.length > 0 ? r.targets.join(',') : 'none (503)',
            r.passthrough ? 'passthrough' : r.tls ? 'terminated' : '-',
          ]),
        ),
      );
      if (res.rejected.length > 0) io.stdout(`\nrejected:\n${res.rejected.map((m) => `  ${m}\n`).join('')}`);
    },
  );
}
