const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a config duration such as `3s` or `500ms`; a bare number is seconds, as in nginx. */
export function durationMs(text: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1_000);
}
