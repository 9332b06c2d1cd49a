import { type Random, randomInt } from '#shared/planner/prng.js';

/**
 * `count` positive integers summing to `total`, proportional to 1/rank^exponent (largest remainder rounding),
 * each at least `minimum[i]`; what they need is taken from the largest ones.
 */
export function zipfSizes(
  count: number,
  total: number,
  exponent: number,
  minimum: readonly number[],
): number[] {
  const raw = Array.from({ length: count }, (_, i) => 1 / (i + 1) ** exponent);
  const sum = raw.reduce((a, b) => a + b, 0);
  const exact = raw.map((r) => (r / sum) * total);
  const sizes = exact.map(Math.floor);
  let missing = total - sizes.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => ({ i, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    sizes[i] = (sizes[i] as number) + 1;
    missing--;
  }
  for (let i = count - 1; i >= 0; i--) {
    const need = (minimum[i] ?? 1) - (sizes[i] as number);
    for (let j = 0; j < need; j++) {
      const donor = sizes.indexOf(Math.max(...sizes));
      sizes[donor] = (sizes[donor] as number) - 1;
      sizes[i] = (sizes[i] as number) + 1;
    }
  }
  return sizes;
}

/** `size` distinct items of `items`, uniformly. */
export function pickSubset<T>(random: Random, items: readonly T[], size: number): T[] {
  const pool = [...items];
  for (let i = 0; i < size && i < pool.length; i++) {
    const j = i + randomInt(random, pool.length - i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, size);
}

/** 1..max, uniformly. */
export const between = (random: Random, min: number, max: number): number =>
  min + randomInt(random, max - min + 1);
