import type { Hypergraph } from './hypergraph.js';

/**
 * What the local searches minimise, as one scalar per move:
 *   overloadPenalty·overload + excessPenalty·Σ_b max(0, deg_b − maxTarget) + total + moveCost·moved.
 * `excessPenalty` exceeds any change of `total` one move can make, so with `maxTarget` just under the current
 * maximum this is the lexicographic objective (max first, then total) in a form local search can climb.
 */
export interface Objective {
  readonly maxTarget: number;
  readonly excessPenalty: number;
  readonly overloadPenalty: number;
  readonly moveCost: number;
  readonly maxMoves: number;
}

/** Every net's weight plus each vertex's inner weight: the most any partition can cost in networks. */
export function totalNetWeight(hg: Hypergraph): number {
  let sum = 0;
  for (let e = 0; e < hg.m; e++) sum += hg.netWeight[e] as number;
  for (let v = 0; v < hg.n; v++) sum += hg.inner[v] as number;
  return sum;
}

export function objectiveFor(
  hg: Hypergraph,
  k: number,
  maxTarget: number,
  moveCost: number,
  maxMoves: number,
): Objective {
  const netSum = totalNetWeight(hg);
  const excessPenalty = netSum + 1;
  return {
    maxTarget,
    excessPenalty,
    overloadPenalty: excessPenalty * (netSum * k + 1),
    moveCost,
    maxMoves,
  };
}
