import type { Logger } from 'pino';
import { type DesiredState, type Rejection, rejectionKey } from '#shared/desired/index.js';
import { LogField } from '#shared/log/fields.js';

/**
 * Logs each rejection once, when it appears, and says when it is gone: every pass recomputes them all, and a
 * line per rejection per pass would bury the one that is new.
 */
export class RejectionLog {
  private seen = new Map<string, Rejection>();

  constructor(private readonly log: Logger) {}

  update(rejections: readonly Rejection[]): void {
    const now = new Map(rejections.map((r) => [rejectionKey(r), r]));
    for (const [key, r] of now) {
      if (this.seen.has(key)) continue;
      // A pending certificate check is a wait, not a fault.
      const level = r.code === 'CERTIFICATE_PENDING' ? 'info' : 'warn';
      this.log[level](this.fields(r), r.message);
    }
    for (const [key, r] of this.seen)
      if (!now.has(key)) this.log.info(this.fields(r), `no longer rejected: ${r.message}`);
    this.seen = now;
  }

  private fields(r: Rejection) {
    return {
      [LogField.service]: r.service,
      ...(r.tenant !== undefined ? { [LogField.tenant]: r.tenant } : {}),
      [LogField.stage]: r.stage,
      [LogField.code]: r.code,
    };
  }
}

/** Per cluster, the services a worker left out of the config of a version (nginx -t failed with them). */
export type LeftOut = ReadonlyMap<string, { version: string; services: string[]; reason: string }>;

/**
 * Every rejection in force: the desired state's, and the services workers left out of desired versions
 * (a version no longer desired says nothing about the services it left out).
 */
export function rejectionsInForce(desired: DesiredState | undefined, leftOut: LeftOut): Rejection[] {
  const out = [...(desired?.rejections ?? [])];
  const tenants = new Map((desired?.routes.routes ?? []).map((r) => [r.service, r.tenant]));
  for (const c of desired?.clusters ?? []) {
    const left = leftOut.get(c.cluster);
    if (left?.version !== c.version) continue;
    for (const service of left.services) {
      const tenant = tenants.get(service);
      out.push({
        service,
        ...(tenant !== undefined ? { tenant } : {}),
        stage: 'nginx',
        code: 'NGINX_REJECTED',
        message: `service ${service}: left out of cluster ${c.cluster}'s config, which nginx -t fails with its routes: ${left.reason}`,
      });
    }
  }
  return out;
}
