export { ERROR_CODE_METADATA, GRPC_INTERNAL, GRPC_STATUS } from './grpc-status.js';
export { type ErrorCode, type ErrorDetails, isSignalboxError, SignalboxError } from './signalbox-error.js';
