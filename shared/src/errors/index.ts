export { type ErrorCode, type ErrorDetails, isSignalboxError, SignalboxError } from './signalbox-error.js';
