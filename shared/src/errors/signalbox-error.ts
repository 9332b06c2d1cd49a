/**
 * Every error Signalbox raises on purpose. Callers branch on `code` or `instanceof`, never on message text;
 * `name` is the class name so the check also works after an error crossed a JSON, BullMQ or gRPC boundary.
 */
export type ErrorCode =
  | 'LABEL_INVALID'
  | 'LABEL_LIMIT'
  | 'ROUTE_CONFLICT'
  | 'CONFIG_INVALID'
  | 'SNAPSHOT_INVALID'
  | 'DOCKER_UNAVAILABLE'
  | 'PLAN_INFEASIBLE'
  | 'PLAN_INPUT_INVALID'
  | 'HOST_CLAIM_REJECTED'
  | 'SECRET_FORBIDDEN'
  | 'PROXY_CONFIG_CONFLICT'
  | 'TENANT_LIMIT'
  | 'CLUSTER_LIMIT'
  | 'CERTIFICATE_UNUSABLE'
  | 'CERTIFICATE_PENDING'
  | 'SERVICE_UNPLACED'
  | 'NGINX_REJECTED'
  | 'NOT_LEADER'
  | 'NOT_READY'
  | 'NOT_FOUND'
  | 'STALE_VERSION'
  | 'STALE_LEADER'
  | 'LOCK_SUPERSEDED'
  | 'NOT_MANAGED'
  | 'PROXY_SPEC_REFUSED';

export interface ErrorDetails {
  service?: string;
  cluster?: string;
  label?: string;
  value?: string;
  [key: string]: unknown;
}

export class SignalboxError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  toJSON(): { name: string; code: ErrorCode; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export const isSignalboxError = (e: unknown, code?: ErrorCode): e is SignalboxError =>
  e instanceof SignalboxError && (code === undefined || e.code === code);
