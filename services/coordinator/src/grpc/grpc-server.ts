import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { loadCoordinatorProto } from '#coordinator-client/load-coordinator-proto.js';
import type { ServerTls } from '#platform/grpc/grpc-tls.js';
import { GRPC_MAX_MESSAGE_BYTES } from '#shared/grpc-contract.js';
import { type CallObserver, type CoordinatorBackend, coordinatorHandlers } from './coordinator-handlers.js';

/** Plain text without `tls`; with `tls.clientCa`, a client must show a certificate that CA signed. */
const credentials = (tls: ServerTls | undefined): grpc.ServerCredentials =>
  tls
    ? grpc.ServerCredentials.createSsl(
        tls.clientCa ?? null,
        [{ cert_chain: tls.cert, private_key: tls.key }],
        tls.clientCa !== undefined,
      )
    : grpc.ServerCredentials.createInsecure();

/** Starts the Coordinator gRPC service on `address` (`host:port`; port 0 picks a free one). */
export async function startGrpcServer(
  backend: CoordinatorBackend,
  options: { address: string; token: string; tls?: ServerTls; log: Logger; observe?: CallObserver },
): Promise<{ port: number; stop: () => Promise<void> }> {
  const proto = loadCoordinatorProto();
  const draining = new AbortController();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  });
  server.addService(
    proto.signalbox.v1.Coordinator.service,
    coordinatorHandlers(backend, options.token, options.log, options.observe, draining.signal),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, credentials(options.tls), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  options.log.info(
    { port, tls: options.tls ? (options.tls.clientCa ? 'mutual' : 'server') : 'off' },
    'gRPC API listening',
  );
  return {
    port,
    // Open rollout watches are ended first (NOT_LEADER: the worker watches on elsewhere); tryShutdown
    // would otherwise wait for them, up to a watch's 15 minutes.
    stop: () => {
      draining.abort();
      return new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
