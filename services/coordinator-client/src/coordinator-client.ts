import * as grpc from '@grpc/grpc-js';
import { type ClientTls, COORDINATOR_TLS_NAME } from '#platform/grpc/grpc-tls.js';
import { ERROR_CODE_METADATA, type ErrorCode } from '#shared/errors/index.js';
import { AUTH_METADATA, GRPC_MAX_MESSAGE_BYTES } from '#shared/grpc-contract.js';
import { loadCoordinatorProto } from './load-coordinator-proto.js';

export type CoordinatorClient = InstanceType<
  ReturnType<typeof loadCoordinatorProto>['signalbox']['v1']['Coordinator']
>;

/**
 * A typed client, for workers, the CLI and tests; over TLS when `tls` is given, verifying the coordinator's
 * certificate against `tls.ca` under COORDINATOR_TLS_NAME. The token rides on every call through an
 * interceptor: grpc-js will not compose call credentials with an insecure channel.
 */
export function coordinatorClient(address: string, token: string, tls?: ClientTls): CoordinatorClient {
  const proto = loadCoordinatorProto();
  const withToken: grpc.Interceptor = (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (token) metadata.set(AUTH_METADATA, `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  // Round robin over every address the target resolves to (`dns:///tasks.coordinator:8080`, or
  // `ipv4:a:p,b:p`), so a call a standby refuses can be repeated on another coordinator.
  const channel = tls
    ? grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null)
    : grpc.credentials.createInsecure();
  return new proto.signalbox.v1.Coordinator(address, channel, {
    interceptors: [withToken],
    ...(tls ? { 'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME } : {}),
    'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  });
}

/**
 * Every unary call ends by this deadline: a coordinator that accepts a call and never answers (wedged on a
 * hung dockerd, or gone without a FIN) costs the caller one deadline, then DEADLINE_EXCEEDED, never a hang.
 */
export const UNARY_DEADLINE_MS = 30_000;

type UnaryMethod<Req, Res> = (
  req: Req,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, res?: Res) => void,
) => unknown;

/** Promise form of a unary call with a deadline; gRPC errors keep their `code`. */
export const unary = <Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  deadlineMs = UNARY_DEADLINE_MS,
): Promise<Res> =>
  new Promise((resolve, reject) => {
    method(request, { deadline: Date.now() + deadlineMs }, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  });

/** The SignalboxError code a failed call carries in its trailing metadata; clients branch on it. */
export function errorCodeOf(e: unknown): ErrorCode | undefined {
  const value = (e as Partial<grpc.ServiceError>)?.metadata?.get(ERROR_CODE_METADATA)[0];
  return typeof value === 'string' ? (value as ErrorCode) : undefined;
}

/**
 * How long a call that only the leader answers keeps asking while every coordinator says it is a standby:
 * two lease TTLs, the longest an election takes (the old leader's lease runs out, a standby takes it).
 */
export const ELECTION_WAIT_MS = 15_000;

/**
 * A unary call that only the leader answers: a standby's UNAVAILABLE (NOT_LEADER) is repeated, and round
 * robin sends the repeat to the next coordinator, for as long as an election may take. Other errors are
 * the caller's.
 */
export async function leaderUnary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  waitMs = ELECTION_WAIT_MS,
): Promise<Res> {
  const until = Date.now() + waitMs;
  for (let i = 1; ; i++) {
    try {
      return await unary(method, request);
    } catch (e) {
      if (Date.now() >= until || errorCodeOf(e) !== 'NOT_LEADER') throw e;
      await new Promise((r) => setTimeout(r, Math.min(1_000, 100 * i)));
    }
  }
}
