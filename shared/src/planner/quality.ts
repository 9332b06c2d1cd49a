import type { PartitionState } from './partition-state.js';

const EPS = 1e-9;

/** Lexicographic quality of a state: overload (must be 0), then the maximum, then total plus move cost. */
export interface Quality {
  readonly overload: number;
  readonly max: number;
  readonly cost: number;
}

export const qualityOf = (state: PartitionState, moveCost: number): Quality => ({
  overload: state.overload(),
  max: state.maxDeg(),
  cost: state.total + moveCost * state.moved,
});

export function isBetter(a: Quality, b: Quality): boolean {
  if (Math.abs(a.overload - b.overload) > EPS) return a.overload < b.overload;
  if (a.max !== b.max) return a.max < b.max;
  return a.cost < b.cost - EPS;
}
