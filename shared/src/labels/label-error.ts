import { type ErrorCode, SignalboxError } from '../errors/index.js';

const shown = (value: string): string =>
  JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);

/** A label value that was refused; the service it belongs to is left out of routing. */
export class LabelError extends SignalboxError {
  constructor(
    d: { service: string; label: string; value: string; reason: string },
    code: Extract<ErrorCode, 'LABEL_INVALID' | 'LABEL_LIMIT' | 'SECRET_FORBIDDEN'> = 'LABEL_INVALID',
    extra: Record<string, unknown> = {},
  ) {
    super(code, `service ${d.service}: label ${d.label}=${shown(d.value)} ${d.reason}`, {
      service: d.service,
      label: d.label,
      value: d.value.length > 1024 ? `${d.value.slice(0, 1024)}…` : d.value,
      reason: d.reason,
      ...extra,
    });
  }
}

/**
 * A well-formed label that asks for more than one service may have (see limits.ts). Its own code lets status
 * and alerts tell "over a limit" from "malformed"; `count` and `limit` say by how much.
 */
export class LabelLimitError extends LabelError {
  constructor(d: {
    service: string;
    label: string;
    value: string;
    what: string;
    count: number;
    limit: number;
  }) {
    super(
      { ...d, reason: `asks for ${d.count} ${d.what}, more than the limit of ${d.limit}` },
      'LABEL_LIMIT',
      { count: d.count, limit: d.limit },
    );
  }
}

/**
 * `ssl_cert`/`ssl_key` naming a secret the service may not have mounted into its proxy: one of Signalbox's
 * own (tokens), or, with tenancy, another tenant's. Its own code lets status and alerts tell an attempt to
 * read someone else's key from a typo.
 */
export class SecretForbiddenError extends LabelError {
  constructor(d: { service: string; label: string; value: string; reason: string }) {
    super(d, 'SECRET_FORBIDDEN', { secret: d.value });
  }
}
