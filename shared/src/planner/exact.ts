import type { Hypergraph } from './hypergraph.js';
import type { Blocks } from './initial-partition.js';

const EPS = 1e-9;
/** Search nodes before giving up; a dozen units over a handful of clusters needs far fewer. */
const NODE_LIMIT = 3_000_000;

export interface ExactOptions {
  readonly moveCost: number;
  readonly maxMoves: number;
}

/**
 * Branch and bound over every assignment of the level-0 vertices, minimising
 * (Σ nets + 1)·max + total + moveCost·moved, which orders plans exactly as (max, total, moves) with hysteresis.
 * All three terms only grow as vertices are placed, so a partial assignment already as bad as the best
 * complete one is cut. Without a previous plan, empty interchangeable clusters are tried once.
 * `complete` is false if the search hit its node limit; a complete search without `part` proves that no
 * assignment fits the capacities.
 */
export function solveExactly(
  hg: Hypergraph,
  blocks: Blocks,
  options: ExactOptions,
): { part: Int32Array | undefined; complete: boolean } {
  const { k, capacity, auto } = blocks;
  let netSum = 0;
  for (let e = 0; e < hg.m; e++) netSum += hg.netWeight[e] as number;
  for (let v = 0; v < hg.n; v++) netSum += hg.inner[v] as number;
  const maxWeight = netSum + 1;
  const hasHomes = hg.home.some((h) => h >= 0);
  const pinnedTo = new Uint8Array(k);
  for (let v = 0; v < hg.n; v++) if ((hg.fixed[v] as number) >= 0) pinnedTo[hg.fixed[v] as number] = 1;
  const order = Int32Array.from({ length: hg.n }, (_, v) => v).sort((a, b) => {
    const fa = (hg.fixed[a] as number) >= 0 ? 0 : 1;
    const fb = (hg.fixed[b] as number) >= 0 ? 0 : 1;
    const na = (hg.vStart[a + 1] as number) - (hg.vStart[a] as number);
    const nb = (hg.vStart[b + 1] as number) - (hg.vStart[b] as number);
    return fa - fb || nb - na || (hg.weight[b] as number) - (hg.weight[a] as number) || a - b;
  });
  const phi = new Int32Array(hg.m * k);
  const deg = new Int32Array(k);
  const load = new Float64Array(k);
  const part = new Int32Array(hg.n).fill(-1);
  let best: Int32Array | undefined;
  let bestValue = Infinity;
  let total = 0;
  let moved = 0;
  let nodes = 0;

  const place = (v: number, b: number, sign: 1 | -1) => {
    load[b] = (load[b] as number) + sign * (hg.weight[v] as number);
    deg[b] = (deg[b] as number) + sign * (hg.inner[v] as number);
    total += sign * (hg.inner[v] as number);
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      const slot = e * k + b;
      if (sign < 0) phi[slot] = (phi[slot] as number) - 1;
      if (phi[slot] === 0) {
        const w = sign * (hg.netWeight[e] as number);
        deg[b] = (deg[b] as number) + w;
        total += w;
      }
      if (sign > 0) phi[slot] = (phi[slot] as number) + 1;
    }
    const home = hg.home[v] as number;
    if (home >= 0 && home !== b) moved += sign * (hg.homeApps[v] as number);
    part[v] = sign > 0 ? b : -1;
  };

  const search = (i: number, max: number): void => {
    if (++nodes > NODE_LIMIT) return;
    const value = maxWeight * max + total + options.moveCost * moved;
    if (value >= bestValue - EPS || moved > options.maxMoves + EPS) return;
    if (i === hg.n) {
      bestValue = value;
      best = part.slice();
      return;
    }
    const v = order[i] as number;
    const fixed = hg.fixed[v] as number;
    for (let b = 0; b < k; b++) {
      if (fixed >= 0 ? b !== fixed : !auto[b]) continue;
      if ((load[b] as number) + (hg.weight[v] as number) > (capacity[b] as number) + EPS) continue;
      if (!hasHomes && fixed < 0 && !pinnedTo[b] && load[b] === 0 && firstEmpty(b) < b) continue;
      place(v, b, 1);
      search(i + 1, Math.max(max, deg[b] as number));
      place(v, b, -1);
    }
  };
  // The first empty, unpinned auto block with b's capacity; when it precedes b, trying it covered b.
  const firstEmpty = (b: number): number => {
    for (let c = 0; c < b; c++)
      if (auto[c] && !pinnedTo[c] && load[c] === 0 && capacity[c] === capacity[b]) return c;
    return b;
  };

  search(0, 0);
  return { part: best, complete: nodes <= NODE_LIMIT };
}
