import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ServiceError } from '@grpc/grpc-js';
import { coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import type { ListRoutesResponse__Output } from '#shared/gen/signalbox/v1/ListRoutesResponse.js';
import { type CliIo, ExitCode } from '../cli-io.js';

/**
 * `signalbox map`: host → service cluster, as JSON, for operators who run their own external load
 * balancer in front of the cluster proxies. Reads the coordinator's gRPC API.
 */
export async function runMapCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let values: { coordinator?: string; 'token-file'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { coordinator: { type: 'string' }, 'token-file': { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    io.stderr(`signalbox map: ${(e as Error).message}\n`);
    return ExitCode.usage;
  }
  const address = values.coordinator ?? env.SIGNALBOX_COORDINATOR ?? '127.0.0.1:8080';
  const token = values['token-file']
    ? (await readFile(values['token-file'], 'utf8')).trim()
    : (env.SIGNALBOX_GRPC_TOKEN ?? '');
  const client = coordinatorClient(address, token);
  try {
    const res = await unary<object, ListRoutesResponse__Output>(client.ListRoutes.bind(client), {});
    const map: Record<string, string> = {};
    for (const r of [...res.routes].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0)))
      map[r.host] = r.cluster;
    io.stdout(`${JSON.stringify(map, null, 2)}\n`);
    return ExitCode.ok;
  } catch (e) {
    io.stderr(
      `signalbox map: coordinator ${address}: ${(e as ServiceError).details ?? (e as Error).message}\n`,
    );
    return ExitCode.badInput;
  } finally {
    client.close();
  }
}
