import { SignalboxError } from '../errors/index.js';

const shown = (value: string): string =>
  JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);

/** A label value that was refused; the service it belongs to is left out of routing. */
export class LabelError extends SignalboxError {
  constructor(d: { service: string; label: string; value: string; reason: string }) {
    super('LABEL_INVALID', `service ${d.service}: label ${d.label}=${shown(d.value)} ${d.reason}`, {
      service: d.service,
      label: d.label,
      value: d.value.length > 1024 ? `${d.value.slice(0, 1024)}…` : d.value,
      reason: d.reason,
    });
  }
}
