import { buildHypergraph, type Hypergraph } from './hypergraph.js';
import { type Random, shuffleInPlace } from './prng.js';

export interface Clustering {
  readonly clusterOf: Int32Array;
  readonly count: number;
}

export interface Level {
  readonly hg: Hypergraph;
  /** Maps each vertex of the next finer level to its vertex here; absent on level 0. */
  readonly fromFiner?: Int32Array;
  /** The V-cycle's partition projected to this level. */
  readonly part?: Int32Array;
}

export interface CoarsenOptions {
  /** Stop once a level has at most this many vertices. */
  readonly contractionLimit: number;
  readonly maxVertexWeight: number;
  readonly maxLevels: number;
  /** During a V-cycle, vertices in different blocks of this partition are never merged. */
  readonly part?: Int32Array;
}

/** Nets with more pins than this are ignored when rating neighbours: they say little about affinity. */
const RATING_NET_LIMIT = 400;

/**
 * Whether v may join a cluster with representative u: pinned and free vertices never mix (a free vertex
 * contracted into a pinned one could be carried into a cluster that only takes pinned apps), homes agree (a
 * vertex without a home, such as a new app, may join any cluster) and, in a V-cycle, so does the block.
 */
const compatible = (
  hg: Hypergraph,
  part: Int32Array | undefined,
  u: number,
  clusterFixed: number,
  clusterHome: number,
  v: number,
): boolean => {
  const fixed = hg.fixed[v] as number;
  const home = hg.home[v] as number;
  return (
    clusterFixed === fixed &&
    (clusterHome < 0 || home < 0 || clusterHome === home) &&
    (part === undefined || part[u] === part[v])
  );
};

/** Relabels cluster representatives densely, in vertex order, so contraction is deterministic. */
function densify(clusterOf: Int32Array): Clustering {
  const dense = new Int32Array(clusterOf.length).fill(-1);
  let count = 0;
  for (let v = 0; v < clusterOf.length; v++) {
    const root = clusterOf[v] as number;
    if (dense[root] === -1) dense[root] = count++;
  }
  return { clusterOf: clusterOf.map((root) => dense[root] as number), count };
}

/**
 * Apps with the same networks (and pin, home and block) are interchangeable, so they are grouped first,
 * into chunks no heavier than `maxVertexWeight`: 2,000 multi-tenant apps have only ~700 distinct network sets.
 */
export function groupIdentical(hg: Hypergraph, maxVertexWeight: number, part?: Int32Array): Clustering {
  const clusterOf = Int32Array.from({ length: hg.n }, (_, v) => v);
  const open = new Map<string, { root: number; weight: number }>();
  for (let v = 0; v < hg.n; v++) {
    const nets = hg.vNets.subarray(hg.vStart[v] as number, hg.vStart[v + 1] as number);
    const key = `${hg.fixed[v]}|${hg.home[v]}|${part ? part[v] : -1}|${nets.join(',')}`;
    const w = hg.weight[v] as number;
    const group = open.get(key);
    if (group && group.weight + w <= maxVertexWeight) {
      clusterOf[v] = group.root;
      group.weight += w;
    } else open.set(key, { root: v, weight: w });
  }
  return densify(clusterOf);
}

/**
 * One round of size-constrained clustering by the heavy-edge rating r(u, C) = Σ_{e ∋ u, e ∩ C ≠ ∅} ω(e)/(|e|−1)
 * (KaHyPar's rating): every vertex still alone joins the neighbouring cluster it rates highest.
 */
export function clusterByRating(
  hg: Hypergraph,
  maxVertexWeight: number,
  random: Random,
  part?: Int32Array,
): Clustering {
  const clusterOf = Int32Array.from({ length: hg.n }, (_, v) => v);
  const clusterWeight = hg.weight.slice();
  const clusterFixed = hg.fixed.slice();
  const clusterHome = hg.home.slice();
  const clusterSize = new Int32Array(hg.n).fill(1);
  const rating = new Float64Array(hg.n);
  const touched: number[] = [];
  const order = shuffleInPlace(
    random,
    Int32Array.from({ length: hg.n }, (_, v) => v),
  );
  for (const v of order) {
    if (clusterSize[v] !== 1 || clusterOf[v] !== v) continue;
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      const start = hg.eStart[e] as number;
      const size = (hg.eStart[e + 1] as number) - start;
      if (size > RATING_NET_LIMIT) continue;
      const r = (hg.netWeight[e] as number) / (size - 1);
      for (let p = start; p < start + size; p++) {
        const u = hg.ePins[p] as number;
        if (u === v) continue;
        const c = clusterOf[u] as number;
        if (rating[c] === 0) touched.push(c);
        rating[c] = (rating[c] as number) + r;
      }
    }
    let best = -1;
    let bestRating = 0;
    const w = hg.weight[v] as number;
    for (const c of touched) {
      const r = rating[c] as number;
      rating[c] = 0;
      if ((clusterWeight[c] as number) + w > maxVertexWeight) continue;
      if (!compatible(hg, part, c, clusterFixed[c] as number, clusterHome[c] as number, v)) continue;
      if (
        r > bestRating ||
        (r === bestRating && best >= 0 && (clusterWeight[c] as number) < (clusterWeight[best] as number))
      ) {
        best = c;
        bestRating = r;
      }
    }
    touched.length = 0;
    if (best < 0) continue;
    clusterOf[v] = best;
    clusterSize[v] = 0;
    clusterSize[best] = (clusterSize[best] as number) + 1;
    clusterWeight[best] = (clusterWeight[best] as number) + w;
    if ((hg.fixed[v] as number) >= 0) clusterFixed[best] = hg.fixed[v] as number;
    if ((hg.home[v] as number) >= 0) clusterHome[best] = hg.home[v] as number;
  }
  return densify(clusterOf);
}

/** The coarse level: vertex data summed per cluster, pins mapped through `clusterOf`. */
export function contract(hg: Hypergraph, { clusterOf, count }: Clustering): Hypergraph {
  const weight = new Float64Array(count);
  const inner = new Int32Array(count);
  const fixed = new Int32Array(count).fill(-1);
  const home = new Int32Array(count).fill(-1);
  const homeApps = new Float64Array(count);
  for (let v = 0; v < hg.n; v++) {
    const c = clusterOf[v] as number;
    weight[c] = (weight[c] as number) + (hg.weight[v] as number);
    inner[c] = (inner[c] as number) + (hg.inner[v] as number);
    if ((hg.fixed[v] as number) >= 0) fixed[c] = hg.fixed[v] as number;
    if ((hg.home[v] as number) >= 0) home[c] = hg.home[v] as number;
    homeApps[c] = (homeApps[c] as number) + (hg.homeApps[v] as number);
  }
  const netPins: number[][] = [];
  const netWeights: number[] = [];
  for (let e = 0; e < hg.m; e++) {
    const pins: number[] = [];
    for (let p = hg.eStart[e] as number; p < (hg.eStart[e + 1] as number); p++)
      pins.push(clusterOf[hg.ePins[p] as number] as number);
    netPins.push(pins);
    netWeights.push(hg.netWeight[e] as number);
  }
  return buildHypergraph({ weight, inner, fixed, home, homeApps }, netPins, netWeights);
}

/** Identical vertices first, then rating rounds until the level is small enough or stops shrinking. */
export function coarsen(hg: Hypergraph, options: CoarsenOptions, random: Random): Level[] {
  let part = options.part;
  const levels: Level[] = [part ? { hg, part } : { hg }];
  let current = hg;
  // Identical vertices are grouped even on small inputs: it is what lets a whole group move at once.
  for (
    let round = 0;
    round < options.maxLevels && (round === 0 || current.n > options.contractionLimit);
    round++
  ) {
    const clustering =
      round === 0
        ? groupIdentical(current, options.maxVertexWeight, part)
        : clusterByRating(current, options.maxVertexWeight, random, part);
    if (clustering.count > current.n * 0.95) {
      if (round === 0) continue;
      break;
    }
    current = contract(current, clustering);
    if (part) part = projectUp(part, clustering);
    levels.push(
      part
        ? { hg: current, fromFiner: clustering.clusterOf, part }
        : { hg: current, fromFiner: clustering.clusterOf },
    );
  }
  return levels;
}

/** The block of each coarse vertex, given its members' blocks (all equal during a V-cycle). */
function projectUp(part: Int32Array, { clusterOf, count }: Clustering): Int32Array {
  const coarse = new Int32Array(count);
  clusterOf.forEach((c, v) => {
    coarse[c] = part[v] as number;
  });
  return coarse;
}

/** The finer level's partition from the coarser one. */
export const projectDown = (coarsePart: Int32Array, fromFiner: Int32Array): Int32Array =>
  fromFiner.map((c) => coarsePart[c] as number);
