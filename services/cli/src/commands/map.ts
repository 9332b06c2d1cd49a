import { unary } from '#coordinator-client/coordinator-client.js';
import type { ListRoutesResponse__Output } from '#shared/gen/signalbox/v1/ListRoutesResponse.js';
import type { CliIo } from '../cli-io.js';
import { printJson, runRemote } from '../remote.js';

/**
 * `signalbox map`: host → service cluster, as JSON, for operators who run their own external load
 * balancer in front of the cluster proxies. Always JSON; `--json` is accepted like on every read command.
 */
export function runMapCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  return runRemote('map', args, io, env, {}, async ({ client }) => {
    const res = await unary<object, ListRoutesResponse__Output>(client.ListRoutes.bind(client), {});
    const map: Record<string, string> = {};
    for (const r of [...res.routes].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0)))
      map[r.host] = r.cluster;
    printJson(io, map);
  });
}
