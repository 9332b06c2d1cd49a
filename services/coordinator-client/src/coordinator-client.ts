import * as grpc from '@grpc/grpc-js';
import { AUTH_METADATA } from '#shared/grpc-contract.js';
import { loadCoordinatorProto } from './load-coordinator-proto.js';

export type CoordinatorClient = InstanceType<
  ReturnType<typeof loadCoordinatorProto>['signalbox']['v1']['Coordinator']
>;

/**
 * A typed client, for workers, the CLI and tests. The token rides on every call through an interceptor:
 * grpc-js will not compose call credentials with an insecure channel.
 */
export function coordinatorClient(address: string, token: string): CoordinatorClient {
  const proto = loadCoordinatorProto();
  const withToken: grpc.Interceptor = (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (token) metadata.set(AUTH_METADATA, `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  return new proto.signalbox.v1.Coordinator(address, grpc.credentials.createInsecure(), {
    interceptors: [withToken],
  });
}

/** Promise form of a unary call; gRPC errors keep their `code`. */
export const unary = <Req, Res>(
  method: (req: Req, callback: (err: grpc.ServiceError | null, res?: Res) => void) => unknown,
  request: Req,
): Promise<Res> =>
  new Promise((resolve, reject) => {
    method(request, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
