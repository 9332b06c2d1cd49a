import { z } from 'zod';
import { DEFAULT_LABEL_LIMITS, type LabelLimits } from '../labels/limits.js';

const cap = (min: number, fallback: number) => z.number().int().min(min).max(1_000_000).default(fallback);

/**
 * Signalbox: `[Limits]`, how much routing one service's labels may ask for (see labels/limits.ts, which
 * holds the defaults). A service over a limit is rejected with LABEL_LIMIT naming the label; the others
 * keep their routes.
 */
export const LimitSettings = z
  .object({
    LabelValueLength: cap(256, DEFAULT_LABEL_LIMITS.valueLength),
    HostsPerService: cap(1, DEFAULT_LABEL_LIMITS.hostsPerService),
    PathsPerService: cap(1, DEFAULT_LABEL_LIMITS.pathsPerService),
    LocationsPerService: cap(1, DEFAULT_LABEL_LIMITS.locationsPerService),
    RedirectsPerService: cap(1, DEFAULT_LABEL_LIMITS.redirectsPerService),
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
