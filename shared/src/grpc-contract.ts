import { fileURLToPath } from 'node:url';

/** Where the coordinator's gRPC contract lives; both the server and its clients load it from here. */
export const COORDINATOR_PROTO = fileURLToPath(
  new URL('../../proto/signalbox/v1/coordinator.proto', import.meta.url),
);

export const PROTO_LOADER_OPTIONS = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** Metadata key for the bearer token every call carries. */
export const AUTH_METADATA = 'authorization';

/** The UNAVAILABLE details a standby coordinator answers with; workers then try another coordinator. */
export const NOT_LEADER = 'this coordinator is a standby; ask the leader';

/**
 * The largest message either side sends or accepts. A cluster at `[Limits] LocationsPerCluster`'s default
 * (20,000) has a model of about 8 MB as JSON and a config of about 7 MB (measured: docs/labels.md, Limits),
 * over gRPC's 4 MB default; the limit keeps clusters well under this.
 */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
