import { z } from 'zod';
import { DEFAULT_LABEL_LIMITS, type LabelLimits } from '../labels/limits.js';

const cap = (min: number, fallback: number) => z.number().int().min(min).max(1_000_000).default(fallback);

/**
 * Signalbox: `[Limits]`, how much routing one service's labels may ask for (see labels/limits.ts, which
 * holds the defaults; a service over one is rejected with LABEL_LIMIT naming the label), how many services
 * one tenant routes (TENANT_LIMIT) and how many nginx locations one cluster holds (CLUSTER_LIMIT). The
 * services over a limit are turned away by name; the others keep their routes.
 */
export const LimitSettings = z
  .object({
    LabelValueLength: cap(256, DEFAULT_LABEL_LIMITS.valueLength),
    HostsPerService: cap(1, DEFAULT_LABEL_LIMITS.hostsPerService),
    PathsPerService: cap(1, DEFAULT_LABEL_LIMITS.pathsPerService),
    LocationsPerService: cap(1, DEFAULT_LABEL_LIMITS.locationsPerService),
    RedirectsPerService: cap(1, DEFAULT_LABEL_LIMITS.redirectsPerService),
    // Not per service: these bound what many modest services add up to (desired/tenant-quota.ts and
    // desired/cluster-size.ts).
    ServicesPerTenant: cap(1, 1_000),
    LocationsPerCluster: cap(64, 20_000),
  })
  .strict();

export type LimitSettings = z.infer<typeof LimitSettings>;

export const labelLimits = (s: LimitSettings): LabelLimits => ({
  valueLength: s.LabelValueLength,
  hostsPerService: s.HostsPerService,
  pathsPerService: s.PathsPerService,
  locationsPerService: s.LocationsPerService,
  redirectsPerService: s.RedirectsPerService,
});
