/** A seeded generator returning floats in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough to shuffle; the planner must not depend on Math.random. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives independent streams from one seed, so adding a phase does not shift another phase's draws. */
export const deriveSeed = (seed: number, stream: number): number =>
  Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);

export const randomInt = (random: Random, below: number): number => Math.floor(random() * below);

export function shuffleInPlace<T extends Int32Array | number[]>(random: Random, items: T): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const swap = items[i] as number;
    items[i] = items[j] as number;
    items[j] = swap;
  }
  return items;
}
