import type { Problem } from './problem.js';
import type { Assignment, ClusterMetrics, PlanMetrics } from './types.js';

export type Evaluation = Omit<PlanMetrics, 'millis'>;

/** Clusters that can hold an app at all: every auto cluster and each manual one with a pinned app. */
function usableClusters(problem: Problem): number {
  const used = new Uint8Array(problem.clusterNames.length);
  for (let u = 0; u < problem.unitPin.length; u++)
    if ((problem.unitPin[u] as number) >= 0) used[problem.unitPin[u] as number] = 1;
  let count = 0;
  for (let b = 0; b < used.length; b++) if (used[b] || problem.auto[b]) count++;
  return Math.max(1, count);
}

/**
 * λ(e) ≥ ⌈weight(e) / largest capacity⌉ and ≥ the number of clusters its pinned apps are pinned to, whatever
 * the plan; summed over networks this bounds total attachments from below.
 */
function lowerBoundTotal(problem: Problem): number {
  const m = problem.netNames.length;
  const weight = new Float64Array(m);
  const pinnedTo: Set<number>[] = Array.from({ length: m }, () => new Set());
  for (let a = 0; a < problem.appUnit.length; a++) {
    const pin = problem.unitPin[problem.appUnit[a] as number] as number;
    for (let i = problem.appNetStart[a] as number; i < (problem.appNetStart[a + 1] as number); i++) {
      const e = problem.appNets[i] as number;
      weight[e] = (weight[e] as number) + (problem.appWeight[a] as number);
      if (pin >= 0) pinnedTo[e]?.add(pin);
    }
  }
  let largest = 0;
  for (let b = 0; b < problem.capacity.length; b++)
    largest = Math.max(largest, problem.capacity[b] as number);
  let bound = 0;
  for (let e = 0; e < m; e++)
    bound += Math.max(1, pinnedTo[e]?.size ?? 0, Math.ceil((weight[e] as number) / largest - 1e-9));
  return bound;
}

/** Networks of the unit with the most: some proxy must join all of them. */
function largestUnit(problem: Problem): number {
  let largest = 0;
  const seen = new Int32Array(problem.netNames.length).fill(-1);
  for (let u = 0; u < problem.unitPin.length; u++) {
    let count = 0;
    for (let i = problem.unitAppStart[u] as number; i < (problem.unitAppStart[u + 1] as number); i++) {
      const a = problem.unitApps[i] as number;
      for (let j = problem.appNetStart[a] as number; j < (problem.appNetStart[a + 1] as number); j++) {
        const e = problem.appNets[j] as number;
        if (seen[e] !== u) {
          seen[e] = u;
          count++;
        }
      }
    }
    largest = Math.max(largest, count);
  }
  return largest;
}

/** Networks each cluster must join because of the apps pinned to it. */
function pinnedNetworks(problem: Problem): number {
  const k = problem.clusterNames.length;
  const nets: Set<number>[] = Array.from({ length: k }, () => new Set());
  for (let a = 0; a < problem.appUnit.length; a++) {
    const pin = problem.unitPin[problem.appUnit[a] as number] as number;
    if (pin < 0) continue;
    for (let i = problem.appNetStart[a] as number; i < (problem.appNetStart[a + 1] as number); i++)
      nets[pin]?.add(problem.appNets[i] as number);
  }
  return Math.max(0, ...nets.map((s) => s.size));
}

/**
 * Metrics computed from scratch on the app level, independent of the optimiser's own counters, for a plan
 * given as a cluster index per app.
 */
export function evaluate(problem: Problem, clusterOfApp: Int32Array, previous?: Assignment): Evaluation {
  const k = problem.clusterNames.length;
  const m = problem.netNames.length;
  const joined = new Uint8Array(m * k);
  const perCluster: ClusterMetrics[] = problem.clusterNames.map((name) => ({
    name,
    apps: 0,
    weight: 0,
    networks: 0,
  }));
  let total = 0;
  let moves = 0;
  problem.topology.apps.forEach((app, a) => {
    const b = clusterOfApp[a] as number;
    const cluster = perCluster[b] as ClusterMetrics;
    cluster.apps++;
    cluster.weight += problem.appWeight[a] as number;
    for (let i = problem.appNetStart[a] as number; i < (problem.appNetStart[a + 1] as number); i++) {
      const slot = (problem.appNets[i] as number) * k + b;
      if (joined[slot]) continue;
      joined[slot] = 1;
      cluster.networks++;
      total++;
    }
    const before = previous ? Object.hasOwn(previous, app.id) && previous[app.id] : undefined;
    if (typeof before === 'string' && before !== cluster.name) moves++;
  });
  const max = Math.max(0, ...perCluster.map((c) => c.networks));
  return {
    maxNetworksPerProxy: max,
    totalAttachments: total,
    lowerBoundMax: Math.max(
      Math.ceil(total / usableClusters(problem)),
      largestUnit(problem),
      pinnedNetworks(problem),
    ),
    lowerBoundTotal: lowerBoundTotal(problem),
    moves,
    perCluster,
  };
}

/** The same bound without a plan: what the min-max phase may stop at. */
export const maxFloor = (problem: Problem): number =>
  Math.max(
    1,
    Math.ceil(lowerBoundTotal(problem) / usableClusters(problem)),
    largestUnit(problem),
    pinnedNetworks(problem),
  );
