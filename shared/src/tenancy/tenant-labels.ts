import { tenantName } from '../config/tenancy-schema.js';

/**
 * Set by the service that owns a host, naming the other tenants whose services may pool on it (canary or
 * blue-green across stacks). Only the owning service's value counts, so no one can grant themselves in.
 */
export const SHARE_WITH_LABEL = 'io.signalbox.share_with';

export interface TenantLabels {
  tenant: string;
  shareWith: string[];
  warning?: string;
}

/** Reads a service's tenant and grants; a malformed grant names no one rather than failing the service. */
export function readTenantLabels(
  service: string,
  labels: Readonly<Record<string, string>>,
  tenantLabel: string,
): TenantLabels {
  const tenant = (labels[tenantLabel] ?? '').trim();
  const raw = labels[SHARE_WITH_LABEL];
  if (raw === undefined) return { tenant, shareWith: [] };
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const bad = names.filter((n) => !tenantName.safeParse(n).success);
  const shareWith = [...new Set(names.filter((n) => !bad.includes(n) && n !== tenant))].sort();
  return bad.length === 0
    ? { tenant, shareWith }
    : {
        tenant,
        shareWith,
        warning: `service ${service}: label ${SHARE_WITH_LABEL} names ${bad.length} invalid tenant name(s), ignored: ${JSON.stringify(bad.slice(0, 5).map((b) => b.slice(0, 64)))}`,
      };
}
