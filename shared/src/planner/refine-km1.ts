import type { Deadline } from './deadline.js';
import { MinHeap } from './min-heap.js';
import type { Objective } from './objective.js';
import type { PartitionState } from './partition-state.js';

const EPS = 1e-9;
/** Nets larger than this do not push their pins back into the queue after a move; they are re-scored lazily. */
const LARGE_NET = 64;
/** How often a popped vertex whose score got worse may go back into the queue before it is taken anyway. */
const MAX_REQUEUE = 2;

/** Pins of nets around v whose gains a move of v from s to t may have changed. */
function requeueNeighbours(
  state: PartitionState,
  v: number,
  s: number,
  t: number,
  obj: Objective,
  locked: Uint8Array,
  heap: MinHeap,
  out: Float64Array,
): void {
  const { hg, k, phi } = state;
  for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
    const e = hg.vNets[i] as number;
    const start = hg.eStart[e] as number;
    const end = hg.eStart[e + 1] as number;
    if (end - start > LARGE_NET) continue;
    const fromS = phi[e * k + s] as number;
    const inT = phi[e * k + t] as number;
    if (fromS > 1 && inT > 2) continue;
    for (let p = start; p < end; p++) {
      const u = hg.ePins[p] as number;
      if (locked[u]) continue;
      const target = state.bestTarget(u, obj, out);
      if (target >= 0) heap.push(out[0] as number, u);
    }
  }
}

/**
 * One k-way Fiduccia–Mattheyses pass: repeatedly make the best move (even a worsening one), lock the vertex,
 * and at the end roll back to the best prefix. Negative steps let it carry a whole group across when only
 * the last app of the group pays off. Returns the score change it kept (≤ 0).
 */
function fmPass(state: PartitionState, obj: Objective, deadline: Deadline, stallLimit: number): number {
  const { hg } = state;
  const heap = new MinHeap(hg.n * 2);
  const out = new Float64Array(1);
  const locked = new Uint8Array(hg.n);
  const requeued = new Uint8Array(hg.n);
  for (let v = 0; v < hg.n; v++) {
    if (!state.isCandidate(v, obj)) continue;
    const t = state.bestTarget(v, obj, out);
    if (t >= 0) heap.push(out[0] as number, v);
  }
  const movedVertex: number[] = [];
  const movedFrom: number[] = [];
  let current = 0;
  let best = 0;
  let bestLength = 0;
  let stall = 0;
  while (heap.size > 0 && stall < stallLimit) {
    if ((movedVertex.length & 63) === 63 && deadline.expired()) break;
    const v = heap.pop();
    if (locked[v]) continue;
    const t = state.bestTarget(v, obj, out);
    if (t < 0) continue;
    const d = out[0] as number;
    if (heap.size > 0 && d > heap.topKey() + EPS && (requeued[v] as number) < MAX_REQUEUE) {
      requeued[v] = (requeued[v] as number) + 1;
      heap.push(d, v);
      continue;
    }
    const s = state.part[v] as number;
    state.move(v, t);
    locked[v] = 1;
    movedVertex.push(v);
    movedFrom.push(s);
    current += d;
    if (current < best - EPS) {
      best = current;
      bestLength = movedVertex.length;
      stall = 0;
    } else stall++;
    requeueNeighbours(state, v, s, t, obj, locked, heap, out);
  }
  for (let i = movedVertex.length - 1; i >= bestLength; i--)
    state.move(movedVertex[i] as number, movedFrom[i] as number);
  return best;
}

/** FM passes until one gains nothing (or `maxPasses`); returns the total score change. */
export function fmRefine(
  state: PartitionState,
  obj: Objective,
  deadline: Deadline,
  maxPasses: number,
): number {
  const stallLimit = Math.max(50, Math.min(400, state.hg.n >> 3));
  let gained = 0;
  for (let pass = 0; pass < maxPasses && !deadline.expired(); pass++) {
    const g = fmPass(state, obj, deadline, stallLimit);
    gained += g;
    if (g > -EPS) break;
  }
  return gained;
}
