import type { Deadline } from './deadline.js';
import type { Hypergraph } from './hypergraph.js';
import { totalNetWeight } from './objective.js';
import { PartitionState } from './partition-state.js';
import { deriveSeed, mulberry32, type Random, shuffleInPlace } from './prng.js';
import { isBetter, type Quality, qualityOf } from './quality.js';
import { lowerMax } from './refine-max.js';

const EPS = 1e-9;

export interface Blocks {
  readonly k: number;
  readonly capacity: Float64Array;
  readonly auto: Uint8Array;
}

/** How greedy placement weighs a block's networks against the networks a vertex would add to it. */
export interface PlacementBias {
  /** Networks per proxy the placement aims at; beyond it each network costs `overTargetWeight` more. */
  readonly degTarget: number;
  readonly overTargetWeight: number;
}

/**
 * Places every vertex with `partial[v] < 0`, in `order`: each goes to the block with room that it adds the
 * fewest networks to, penalised once that block's proxy is over `degTarget`. With no room anywhere it goes to
 * the roomiest auto block, and the refinement's overload penalty moves things out again.
 */
export function greedyPlace(
  hg: Hypergraph,
  blocks: Blocks,
  partial: Int32Array,
  order: Int32Array,
  bias: PlacementBias,
): Int32Array {
  const { k, capacity, auto } = blocks;
  const part = partial.slice();
  const phi = new Int32Array(hg.m * k);
  const deg = new Float64Array(k);
  const load = new Float64Array(k);
  const place = (v: number, b: number) => {
    part[v] = b;
    load[b] = (load[b] as number) + (hg.weight[v] as number);
    deg[b] = (deg[b] as number) + (hg.inner[v] as number);
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      if (phi[e * k + b] === 0) deg[b] = (deg[b] as number) + (hg.netWeight[e] as number);
      phi[e * k + b] = (phi[e * k + b] as number) + 1;
    }
  };
  for (let v = 0; v < hg.n; v++) if ((partial[v] as number) >= 0) place(v, partial[v] as number);
  for (const v of order) {
    if ((part[v] as number) >= 0) continue;
    const w = hg.weight[v] as number;
    let best = -1;
    let bestScore = Infinity;
    let roomiest = -1;
    for (let b = 0; b < k; b++) {
      if (!auto[b]) continue;
      const room = (capacity[b] as number) - (load[b] as number);
      if (roomiest < 0 || room > (capacity[roomiest] as number) - (load[roomiest] as number)) roomiest = b;
      if (w > room + EPS) continue;
      let added = hg.inner[v] as number;
      for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
        const e = hg.vNets[i] as number;
        if (phi[e * k + b] === 0) added += hg.netWeight[e] as number;
      }
      const over = Math.max(0, (deg[b] as number) + added - bias.degTarget);
      const score = added + bias.overTargetWeight * over + (load[b] as number) / (capacity[b] as number) / 4;
      if (score < bestScore - EPS) {
        best = b;
        bestScore = score;
      }
    }
    place(v, best >= 0 ? best : roomiest);
  }
  return part;
}

/** Heaviest first, with jitter so restarts differ; ties keep vertices of one tenant next to each other. */
function heavyFirstOrder(hg: Hypergraph, random: Random, jitter: number): Int32Array {
  const keys = Float64Array.from(
    { length: hg.n },
    (_, v) => (hg.weight[v] as number) * (1 + jitter * random()),
  );
  return Int32Array.from({ length: hg.n }, (_, v) => v).sort(
    (a, b) => (keys[b] as number) - (keys[a] as number) || a - b,
  );
}

/** Breadth-first from random vertices over shared nets, so whole groups are placed one after another. */
function breadthFirstOrder(hg: Hypergraph, random: Random): Int32Array {
  const order = new Int32Array(hg.n);
  const seen = new Uint8Array(hg.n);
  const starts = shuffleInPlace(
    random,
    Int32Array.from({ length: hg.n }, (_, v) => v),
  );
  let head = 0;
  let tail = 0;
  for (const start of starts) {
    if (seen[start]) continue;
    seen[start] = 1;
    order[tail++] = start;
    while (head < tail) {
      const v = order[head++] as number;
      for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
        const e = hg.vNets[i] as number;
        for (let p = hg.eStart[e] as number; p < (hg.eStart[e + 1] as number); p++) {
          const u = hg.ePins[p] as number;
          if (!seen[u]) {
            seen[u] = 1;
            order[tail++] = u;
          }
        }
      }
    }
  }
  return order;
}

export interface InitialOptions {
  readonly attempts: number;
  readonly seed: number;
  readonly moveCost: number;
  readonly maxMoves: number;
  readonly floor: number;
}

/**
 * A portfolio on the coarsest level: greedy placements in different orders and with different pressure
 * towards even networks per proxy, each refined with the min-max phase; the lexicographically best wins.
 */
export function initialPartition(
  hg: Hypergraph,
  blocks: Blocks,
  fixedPart: Int32Array,
  options: InitialOptions,
  deadline: Deadline,
): Int32Array {
  const netSum = totalNetWeight(hg);
  let autoBlocks = 0;
  for (let b = 0; b < blocks.k; b++) autoBlocks += blocks.auto[b] as number;
  const evenShare = netSum / Math.max(1, autoBlocks);
  let best: Int32Array | undefined;
  let bestQuality: Quality | undefined;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (best && deadline.expired()) break;
    const random = mulberry32(deriveSeed(options.seed, attempt));
    const order = attempt % 2 === 0 ? heavyFirstOrder(hg, random, 0.5) : breadthFirstOrder(hg, random);
    const bias: PlacementBias = {
      degTarget: evenShare * (1.05 + 0.1 * (attempt % 3)),
      overTargetWeight: [2, 0.5, 8][attempt % 3] as number,
    };
    const part = greedyPlace(hg, blocks, fixedPart, order, bias);
    const state = new PartitionState(hg, blocks.k, blocks.capacity, blocks.auto, part);
    lowerMax(state, options, deadline);
    const quality = qualityOf(state, options.moveCost);
    if (!bestQuality || isBetter(quality, bestQuality)) {
      best = state.part.slice();
      bestQuality = quality;
    }
  }
  return best ?? fixedPart;
}
