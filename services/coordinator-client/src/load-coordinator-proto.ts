import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '#shared/gen/coordinator.js';
import { COORDINATOR_PROTO, PROTO_LOADER_OPTIONS } from '#shared/grpc-contract.js';

/** The loaded, typed gRPC package; generated types come from `npm run gen:proto`. */
export function loadCoordinatorProto(): ProtoGrpcType {
  const definition = protoLoader.loadSync(COORDINATOR_PROTO, PROTO_LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}
