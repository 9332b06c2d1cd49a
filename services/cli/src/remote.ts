import { type ParseArgsConfig, parseArgs } from 'node:util';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  type CoordinatorClient,
  coordinatorClient,
  errorCodeOf,
} from '#coordinator-client/coordinator-client.js';
import { type ClientTls, clientTlsFromEnv } from '#platform/grpc/grpc-tls.js';
import { type CliIo, ExitCode } from './cli-io.js';

/** Options every command that talks to a running coordinator takes. */
const REMOTE_OPTIONS = {
  coordinator: { type: 'string' },
  'token-file': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

type RemoteValues = { coordinator?: string; 'token-file'?: string; json: boolean };

export interface RemoteCall<V> {
  client: CoordinatorClient;
  values: V & RemoteValues;
  positionals: string[];
}

/** A usage problem the command found in its own arguments; one line, exit 2. */
export class UsageError extends Error {}
/** An answer that is not the one asked for (no route for a host, an unknown cluster); one line, exit 1. */
export class NotFoundError extends Error {}

/**
 * Parses a remote command's arguments, connects to the coordinator (address from --coordinator,
 * SIGNALBOX_COORDINATOR or 127.0.0.1:8080; token from --token-file or SIGNALBOX_GRPC_TOKEN; TLS from
 * SIGNALBOX_GRPC_CA_FILE and, for mutual TLS, SIGNALBOX_GRPC_CERT_FILE and SIGNALBOX_GRPC_KEY_FILE), runs `body`,
 * and turns every failure into one line on stderr and a documented exit code.
 */
export async function runRemote<O extends ParseArgsConfig['options']>(
  command: string,
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  spec: { options?: O; positionals?: { min: number; max: number; usage: string } },
  body: (call: RemoteCall<Record<string, unknown>>) => Promise<void>,
): Promise<number> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...REMOTE_OPTIONS, ...spec.options },
      allowPositionals: spec.positionals !== undefined,
      strict: true,
    });
    const count = parsed.positionals.length;
    if (spec.positionals && (count < spec.positionals.min || count > spec.positionals.max))
      throw new UsageError(`usage: signalbox ${command} ${spec.positionals.usage}`);
  } catch (e) {
    io.stderr(`signalbox ${command}: ${(e as Error).message}\n`);
    return ExitCode.usage;
  }
  const values = parsed.values as RemoteValues;
  const address = values.coordinator ?? env.SIGNALBOX_COORDINATOR ?? '127.0.0.1:8080';
  let token = env.SIGNALBOX_GRPC_TOKEN ?? '';
  if (values['token-file']) {
    try {
      token = (await io.readFile(values['token-file'])).trim();
    } catch (e) {
      io.stderr(`signalbox ${command}: cannot read --token-file: ${(e as Error).message}\n`);
      return ExitCode.badInput;
    }
  }
  let tls: ClientTls | undefined;
  try {
    tls = clientTlsFromEnv(env);
  } catch (e) {
    io.stderr(`signalbox ${command}: ${(e as Error).message}\n`);
    return ExitCode.badInput;
  }
  const client = coordinatorClient(address, token, tls);
  try {
    await body({
      client,
      values: parsed.values as Record<string, unknown> & RemoteValues,
      positionals: parsed.positionals,
    });
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`signalbox ${command}: ${e.message}\n`);
      return ExitCode.usage;
    }
    if (e instanceof NotFoundError) {
      io.stderr(`signalbox ${command}: ${e.message}\n`);
      return ExitCode.badInput;
    }
    const err = e as ServiceError;
    const detail = (err.details || err.message).split('\n')[0];
    // A TLS coordinator asked in plain text just closes the connection (no error code from a coordinator,
    // unlike a standby's NOT_LEADER): say what is most likely missing.
    const hint =
      err.code === grpcStatus.UNAVAILABLE && !tls && errorCodeOf(err) === undefined
        ? ' (if the API runs TLS, as the stack does, set SIGNALBOX_GRPC_CA_FILE to its CA)'
        : '';
    io.stderr(`signalbox ${command}: coordinator ${address}: ${detail}${hint}\n`);
    return ExitCode.coordinator;
  } finally {
    client.close();
  }
}

/** Prints `value` as indented JSON, the `--json` form of every read command. */
export const printJson = (io: CliIo, value: unknown): void =>
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
