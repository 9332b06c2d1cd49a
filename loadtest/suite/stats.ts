export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample; NaN for an empty one. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const summarize = (xs: readonly number[]): Summary => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  p99: percentile(xs, 99),
  max: xs.length === 0 ? Number.NaN : Math.max(...xs),
});

/** Sorted values against their cumulative share: the points of an empirical CDF. */
export const cdfPoints = (xs: readonly number[]): [number, number][] =>
  [...xs].sort((a, b) => a - b).map((x, i) => [x, (i + 1) / xs.length]);

/** Samples bucketed by time: per bucket of `bucketMs` from `start`, the p99 of `ms` and the failures. */
export function overTime(
  samples: readonly { at: number; ms: number; ok: boolean }[],
  start: number,
  bucketMs: number,
): { t: number; p99: number; failed: number; requests: number }[] {
  const buckets = new Map<number, { ms: number[]; failed: number }>();
  for (const s of samples) {
    const k = Math.floor((s.at - start) / bucketMs);
    const b = buckets.get(k) ?? { ms: [], failed: 0 };
    b.ms.push(s.ms);
    if (!s.ok) b.failed += 1;
    buckets.set(k, b);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([k, b]) => ({
      t: (k * bucketMs) / 1000,
      p99: percentile(b.ms, 99),
      failed: b.failed,
      requests: b.ms.length,
    }));
}
