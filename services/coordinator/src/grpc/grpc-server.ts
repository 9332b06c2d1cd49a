import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { type CoordinatorBackend, coordinatorHandlers } from './coordinator-handlers.js';
import { loadCoordinatorProto } from './load-coordinator-proto.js';

/** Largest message accepted: a rendered config of a few thousand services, well under Swarm's config limit. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Starts the Coordinator gRPC service on `address` (`host:port`; port 0 picks a free one). */
export async function startGrpcServer(
  backend: CoordinatorBackend,
  options: { address: string; token: string; log: Logger },
): Promise<{ port: number; stop: () => Promise<void> }> {
  const proto = loadCoordinatorProto();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(
    proto.signalbox.v1.Coordinator.service,
    coordinatorHandlers(backend, options.token, options.log),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  options.log.info({ port }, 'gRPC API listening');
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/**
 * A typed client, for workers, the CLI and tests. The token rides on every call through an interceptor:
 * grpc-js will not compose call credentials with an insecure channel.
 */
export function coordinatorClient(address: string, token: string) {
  const proto = loadCoordinatorProto();
  const withToken: grpc.Interceptor = (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (token) metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  return new proto.signalbox.v1.Coordinator(address, grpc.credentials.createInsecure(), {
    interceptors: [withToken],
  });
}
