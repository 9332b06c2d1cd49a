import type { Deadline } from './deadline.js';
import { type Objective, objectiveFor } from './objective.js';
import type { PartitionState } from './partition-state.js';
import { isBetter, qualityOf } from './quality.js';
import { fmRefine } from './refine-km1.js';

const EPS = 1e-9;
/** Candidates per side of a block pair whose swaps are tried; 6 × 6 pairs found nearly all useful swaps. */
const SWAP_CANDIDATES = 6;
/** Bounds the min-max descent; each kept step lowers the maximum by at least one network. */
const MAX_STEPS = 400;

export interface MaxPhaseOptions {
  readonly moveCost: number;
  readonly maxMoves: number;
  /** Never aim below this maximum (a lower bound, or 1). */
  readonly floor: number;
}

function movableMembers(state: PartitionState): number[][] {
  const members: number[][] = Array.from({ length: state.k }, () => []);
  for (let v = 0; v < state.hg.n; v++)
    if ((state.hg.fixed[v] as number) < 0) members[state.part[v] as number]?.push(v);
  return members;
}

/** Vertices ranked by the objective change of moving them to `to` (capacity ignored), best first. */
function ranked(state: PartitionState, vertices: number[], to: number, obj: Objective): number[] {
  const scored = vertices.map((v) => ({ v, d: state.delta(v, to, obj) }));
  scored.sort((x, y) => x.d - y.d || x.v - y.v);
  return scored.map((x) => x.v);
}

/** Blocks a source block trades with: the ones whose proxies join the fewest networks. */
const SWAP_TARGETS = 8;

function swapTargets(state: PartitionState, s: number): number[] {
  const targets: number[] = [];
  for (let t = 0; t < state.k; t++) if (t !== s && state.auto[t]) targets.push(t);
  targets.sort((a, b) => (state.deg[a] as number) - (state.deg[b] as number) || a - b);
  return targets.slice(0, SWAP_TARGETS);
}

/** Tries u ↔ v for the best-ranked partners v whose weight keeps both blocks within capacity. */
function trySwap(
  state: PartitionState,
  obj: Objective,
  u: number,
  s: number,
  t: number,
  partners: number[],
): boolean {
  const { load, capacity, hg } = state;
  const wu = hg.weight[u] as number;
  // Partner weights that keep s and t within capacity (or no fuller than now, if already over).
  const most = Math.max(capacity[s] as number, load[s] as number) - (load[s] as number) + wu;
  const least = (load[t] as number) + wu - Math.max(capacity[t] as number, load[t] as number);
  const du = state.delta(u, t, obj);
  let tried = 0;
  for (const v of partners) {
    if (tried === SWAP_CANDIDATES) break;
    const wv = hg.weight[v] as number;
    if (wv > most + EPS || wv < least - EPS) continue;
    const movedAfter = state.moved + state.movedDelta(u, s, t) + state.movedDelta(v, t, s);
    if (movedAfter > state.moved + EPS && movedAfter > obj.maxMoves + EPS) continue;
    tried++;
    state.move(u, t);
    if (du + state.delta(v, s, obj) < -EPS) {
      state.move(v, s);
      return true;
    }
    state.move(u, s);
  }
  return false;
}

/**
 * Pair exchanges between each block in `sources` and the quietest other blocks. With tight capacity a full
 * block cannot take a vertex before giving one back, which single moves (and so FM) cannot express; trading a
 * few network-heavy light apps for a network-light chunk of a big tenant is what lowers the busiest proxy.
 */
function swapPass(state: PartitionState, obj: Objective, sources: number[], deadline: Deadline): number {
  const ranking: Objective = { ...obj, overloadPenalty: 0 };
  let members = movableMembers(state);
  let swaps = 0;
  for (const s of sources) {
    if (!state.auto[s]) continue;
    for (const t of swapTargets(state, s)) {
      if (deadline.expired()) return swaps;
      const partners = ranked(state, members[t] ?? [], s, ranking);
      const movers = ranked(state, members[s] ?? [], t, ranking).slice(0, SWAP_CANDIDATES);
      if (movers.some((u) => trySwap(state, obj, u, s, t, partners))) {
        swaps++;
        members = movableMembers(state);
      }
    }
  }
  return swaps;
}

const blocksAbove = (state: PartitionState, limit: number): number[] => {
  const blocks: number[] = [];
  for (let b = 0; b < state.k; b++) if ((state.deg[b] as number) > limit) blocks.push(b);
  return blocks;
};

/** One round of FM then swaps under `obj`; true if either changed something. */
function round(state: PartitionState, obj: Objective, deadline: Deadline): boolean {
  const gained = fmRefine(state, obj, deadline, 4);
  const sources = blocksAbove(state, Math.min(obj.maxTarget, state.maxDeg() - 1));
  const swaps = swapPass(state, obj, sources, deadline);
  return gained < -EPS || swaps > 0;
}

/** Local search under `obj` until nothing improves (bounded). */
function improve(state: PartitionState, obj: Objective, deadline: Deadline): void {
  for (let i = 0; i < 8 && !deadline.expired(); i++) if (!round(state, obj, deadline)) break;
}

/** Local search towards `obj.maxTarget`, given up as soon as a round no longer shrinks the excess over it. */
function reach(state: PartitionState, obj: Objective, deadline: Deadline): boolean {
  let excess = state.excess(obj.maxTarget);
  for (let i = 0; i < 8 && excess > 0 && !deadline.expired(); i++) {
    round(state, obj, deadline);
    const now = state.excess(obj.maxTarget);
    if (now >= excess) break;
    excess = now;
  }
  return excess === 0;
}

/**
 * The min-max phase: repeatedly ask the local search for a partition whose busiest proxy joins one network
 * fewer (the excess above the target costs more than any total-attachment saving), keep each success, and
 * stop at the first target it cannot reach. Then lower the total without letting the maximum rise again.
 */
/**
 * Descent on the maximum: ask the local search for a partition whose busiest proxy joins fewer networks
 * (the excess above the target costs more than any total-attachment saving), keep each success, shrink the
 * step after a failure and stop when a step of one fails. Then lower the total at the maximum reached.
 */
function descend(state: PartitionState, options: MaxPhaseOptions, deadline: Deadline): void {
  const { moveCost, maxMoves } = options;
  const objective = (target: number) => objectiveFor(state.hg, state.k, target, moveCost, maxMoves);
  let best = state.part.slice();
  let bestQuality = qualityOf(state, moveCost);
  // Big steps first while the gap to the floor is wide; a failed step is retried at half the size.
  let step = Math.max(1, Math.floor((bestQuality.max - options.floor) / 4));
  for (let attempt = 0; attempt < MAX_STEPS && !deadline.expired(); attempt++) {
    const target = Math.max(options.floor, bestQuality.max - step);
    if (target >= bestQuality.max) break;
    const reached = reach(state, objective(target), deadline);
    const quality = qualityOf(state, moveCost);
    if (reached && quality.max < bestQuality.max && quality.overload <= bestQuality.overload + EPS) {
      best = state.part.slice();
      bestQuality = quality;
      step = Math.min(step, Math.max(1, Math.floor((bestQuality.max - options.floor) / 4)));
      continue;
    }
    state.assign(best);
    if (step === 1) break;
    step = Math.max(1, step >> 1);
  }
  state.assign(best);
  improve(state, objective(bestQuality.max), deadline);
  if (!isBetter(qualityOf(state, moveCost), bestQuality)) state.assign(best);
}

/** Kicks per min-max phase; the phase ends at the first kick that does not pay off. */
const MAX_KICKS = 4;

/**
 * The min-max phase: a descent, then iterated kicks. A kick lets the maximum rise by about a tenth while the
 * local search lowers the total, and a new descent follows; the result is kept only if it is better
 * lexicographically. Without kicks the search stalls where every attachment-saving move would push a proxy
 * that is already at the maximum above it.
 */
export function lowerMax(state: PartitionState, options: MaxPhaseOptions, deadline: Deadline): void {
  descend(state, options, deadline);
  let best = state.part.slice();
  let bestQuality = qualityOf(state, options.moveCost);
  for (let kick = 0; kick < MAX_KICKS && !deadline.expired(); kick++) {
    const relaxed = bestQuality.max + Math.max(1, Math.round(bestQuality.max / 10));
    improve(state, objectiveFor(state.hg, state.k, relaxed, options.moveCost, options.maxMoves), deadline);
    descend(state, options, deadline);
    const quality = qualityOf(state, options.moveCost);
    if (!isBetter(quality, bestQuality)) break;
    best = state.part.slice();
    bestQuality = quality;
  }
  state.assign(best);
}
