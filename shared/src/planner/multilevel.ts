import { coarsen, type Level, projectDown } from './coarsen.js';
import type { Deadline } from './deadline.js';
import type { Hypergraph } from './hypergraph.js';
import { type Blocks, initialPartition } from './initial-partition.js';
import { PartitionState } from './partition-state.js';
import { deriveSeed, mulberry32 } from './prng.js';
import { lowerMax } from './refine-max.js';

export interface MultilevelOptions {
  readonly seed: number;
  readonly moveCost: number;
  readonly maxMoves: number;
  /** A lower bound on the maximum: the min-max phase never aims below it. */
  readonly floor: number;
  /** Most restarts of the coarsest-level portfolio; fewer when coarsest vertices × clusters is large. */
  readonly initialAttempts: number;
}

/** Vertices per block on the coarsest level: enough freedom to balance, few enough to restart cheaply. */
const COARSEST_PER_BLOCK = 24;
const MAX_LEVELS = 16;
/** Coarsest vertices × clusters the portfolio may spend on restarts (one restart at 10,000 apps, k = 64). */
const PORTFOLIO_WORK = 170_000;

function autoCount(blocks: Blocks): number {
  let count = 0;
  for (let b = 0; b < blocks.k; b++) count += blocks.auto[b] as number;
  return Math.max(1, count);
}

function hierarchy(hg: Hypergraph, blocks: Blocks, seed: number, part?: Int32Array): Level[] {
  let weight = 0;
  for (let v = 0; v < hg.n; v++) weight += hg.weight[v] as number;
  const contractionLimit = COARSEST_PER_BLOCK * autoCount(blocks);
  return coarsen(
    hg,
    {
      contractionLimit,
      // Small enough that balance stays reachable, but a tenth of an even share at least, so that on small
      // inputs groups still move as one.
      maxVertexWeight: Math.max(1, (1.5 * weight) / contractionLimit, (0.1 * weight) / autoCount(blocks)),
      maxLevels: MAX_LEVELS,
      ...(part ? { part } : {}),
    },
    mulberry32(deriveSeed(seed, 7)),
  );
}

/** Uncoarsening: project the partition one level down at a time and run the min-max refinement on each. */
function refineDown(
  levels: Level[],
  coarsestPart: Int32Array,
  blocks: Blocks,
  options: MultilevelOptions,
  deadline: Deadline,
): Int32Array {
  let part = coarsestPart;
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i] as Level;
    if (i < levels.length - 1) part = projectDown(part, (levels[i + 1] as Level).fromFiner as Int32Array);
    const state = new PartitionState(level.hg, blocks.k, blocks.capacity, blocks.auto, part);
    lowerMax(state, options, deadline);
    part = state.part;
  }
  return part;
}

/** A fresh partition: coarsen, place the coarsest level with a portfolio, refine on the way back. */
export function partitionFresh(
  hg: Hypergraph,
  blocks: Blocks,
  options: MultilevelOptions,
  deadline: Deadline,
): Int32Array {
  const levels = hierarchy(hg, blocks, options.seed);
  const coarsest = (levels[levels.length - 1] as Level).hg;
  const initial = initialPartition(
    coarsest,
    blocks,
    coarsest.fixed,
    {
      ...options,
      attempts: Math.max(
        1,
        Math.min(options.initialAttempts, Math.floor(PORTFOLIO_WORK / (coarsest.n * autoCount(blocks)))),
      ),
    },
    deadline,
  );
  return refineDown(levels, initial, blocks, options, deadline);
}

/**
 * A V-cycle: coarsen again without merging across blocks (so the partition survives), then refine from the
 * coarsest level down. Coarse vertices are whole groups, so a single move relocates a tenant.
 */
export function vCycle(
  hg: Hypergraph,
  blocks: Blocks,
  part: Int32Array,
  options: MultilevelOptions,
  deadline: Deadline,
): Int32Array {
  const levels = hierarchy(hg, blocks, options.seed, part);
  const coarsestPart = (levels[levels.length - 1] as Level).part as Int32Array;
  return refineDown(levels, coarsestPart, blocks, options, deadline);
}
