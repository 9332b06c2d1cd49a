import type { ErrorCode } from './signalbox-error.js';

/**
 * The one table from Signalbox's error codes to gRPC status codes (numbers, as in grpc's status.proto, so
 * the pure core needs no gRPC library). The code itself rides in the trailing metadata under
 * ERROR_CODE_METADATA, and clients branch on it, never on the details text. A code not here is INTERNAL.
 */
export const GRPC_STATUS: Partial<Record<ErrorCode, number>> = {
  NOT_LEADER: 14, // UNAVAILABLE: try another coordinator
  NOT_READY: 14, // UNAVAILABLE: try again after the first pass
  NOT_FOUND: 5,
  STALE_VERSION: 9, // FAILED_PRECONDITION: a newer version is desired; drop the job
  LOCK_SUPERSEDED: 9,
  PROXY_CONFIG_CONFLICT: 9,
  NOT_MANAGED: 7, // PERMISSION_DENIED
  PROXY_SPEC_REFUSED: 9, // Docker refused the cluster's proxy spec; the job is retried
  CONFIG_INVALID: 3, // INVALID_ARGUMENT
};

export const GRPC_INTERNAL = 13;

/** Trailing metadata key that carries the SignalboxError code of a failed call. */
export const ERROR_CODE_METADATA = 'signalbox-error-code';
