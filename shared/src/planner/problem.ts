import { SignalboxError } from '../errors/index.js';
import type { Topology } from './types.js';

export const DEFAULT_BALANCE = 0.1;

/**
 * The topology with names replaced by indices. A unit is a host group: apps that share a host name and
 * so must share a proxy. Units are what the optimiser places; apps only reappear in metrics and output.
 */
export interface Problem {
  readonly topology: Topology;
  readonly clusterNames: readonly string[];
  readonly auto: Uint8Array;
  readonly capacity: Float64Array;
  readonly netNames: readonly string[];
  /** CSR: networks of app a are appNets[appNetStart[a] .. appNetStart[a + 1]), deduplicated. */
  readonly appNetStart: Int32Array;
  readonly appNets: Int32Array;
  readonly appWeight: Float64Array;
  readonly appUnit: Int32Array;
  /** CSR: apps of unit u, in input order. */
  readonly unitAppStart: Int32Array;
  readonly unitApps: Int32Array;
  readonly unitWeight: Float64Array;
  /** Cluster index a unit is pinned to, or -1. */
  readonly unitPin: Int32Array;
}

export const listNames = (names: readonly string[], limit = 8): string =>
  names.length <= limit
    ? names.join(', ')
    : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;

const invalid = (message: string, details: Record<string, unknown> = {}): SignalboxError =>
  new SignalboxError('PLAN_INPUT_INVALID', message, details);

function indexNames(kind: string, names: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (index.has(n)) throw invalid(`plan input: duplicate ${kind} ${JSON.stringify(n)}`, { value: n });
    index.set(n, i);
  });
  return index;
}

function find(parent: Int32Array, x: number): number {
  let root = x;
  while (parent[root] !== root) root = parent[root] as number;
  let walk = x;
  while (parent[walk] !== root) {
    const next = parent[walk] as number;
    parent[walk] = root;
    walk = next;
  }
  return root;
}

/** Union-find over shared host names (case-insensitive, as DNS is); gives each app a dense unit id. */
function hostGroups(topology: Topology): { appUnit: Int32Array; unitCount: number } {
  const n = topology.apps.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const firstAppOfHost = new Map<string, number>();
  topology.apps.forEach((app, a) => {
    for (const host of app.hosts ?? []) {
      const key = host.toLowerCase();
      const first = firstAppOfHost.get(key);
      if (first === undefined) firstAppOfHost.set(key, a);
      else parent[find(parent, a)] = find(parent, first);
    }
  });
  const unitOfRoot = new Map<number, number>();
  const appUnit = Int32Array.from({ length: n }, (_, a) => {
    const root = find(parent, a);
    let unit = unitOfRoot.get(root);
    if (unit === undefined) {
      unit = unitOfRoot.size;
      unitOfRoot.set(root, unit);
    }
    return unit;
  });
  return { appUnit, unitCount: unitOfRoot.size };
}

function capacities(topology: Topology, clusterIndex: Map<string, number>): Float64Array {
  const balance = topology.balance ?? DEFAULT_BALANCE;
  if (!(balance >= 0) || !Number.isFinite(balance)) throw invalid('plan input: balance must be ≥ 0');
  const autoCount = topology.clusters.filter((c) => c.auto).length;
  // The weight the auto clusters share: everything except what is pinned to a manual cluster.
  let shared = 0;
  for (const app of topology.apps) {
    const pin = app.cluster == null ? undefined : clusterIndex.get(app.cluster);
    if (pin === undefined || topology.clusters[pin]?.auto) shared += app.weight ?? 1;
  }
  const even = autoCount > 0 ? Math.ceil(((1 + balance) * shared) / autoCount) : 0;
  return Float64Array.from(topology.clusters, (c) => c.capacity ?? (c.auto ? Math.max(even, 1) : Infinity));
}

export function buildProblem(topology: Topology): Problem {
  if (topology.clusters.length === 0) throw invalid('plan input: at least one cluster is required');
  const clusterNames = topology.clusters.map((c) => c.name);
  const clusterIndex = indexNames('cluster', clusterNames);
  indexNames(
    'app id',
    topology.apps.map((a) => a.id),
  );
  for (const c of topology.clusters) {
    if (c.capacity !== undefined && !(c.capacity > 0 && Number.isFinite(c.capacity)))
      throw invalid(`plan input: cluster ${c.name}: capacity must be a positive number`, { cluster: c.name });
  }
  const n = topology.apps.length;
  const appWeight = new Float64Array(n);
  const netIndex = new Map<string, number>();
  const appNetStart = new Int32Array(n + 1);
  const appNetList: number[] = [];
  topology.apps.forEach((app, a) => {
    const weight = app.weight ?? 1;
    if (!(weight > 0 && Number.isFinite(weight)))
      throw invalid(`plan input: app ${app.id}: weight must be a positive number`, { service: app.id });
    appWeight[a] = weight;
    const mine = new Set<number>();
    for (const net of app.networks) {
      let e = netIndex.get(net);
      if (e === undefined) {
        e = netIndex.size;
        netIndex.set(net, e);
      }
      mine.add(e);
    }
    appNetList.push(...[...mine].sort((x, y) => x - y));
    appNetStart[a + 1] = appNetList.length;
  });

  const { appUnit, unitCount } = hostGroups(topology);
  const unitAppStart = new Int32Array(unitCount + 1);
  for (const u of appUnit) (unitAppStart[u + 1] as number)++;
  for (let u = 0; u < unitCount; u++)
    unitAppStart[u + 1] = (unitAppStart[u + 1] as number) + (unitAppStart[u] as number);
  const fill = unitAppStart.slice(0, unitCount);
  const unitApps = new Int32Array(n);
  appUnit.forEach((u, a) => {
    unitApps[(fill[u] as number)++] = a;
  });

  const unitWeight = new Float64Array(unitCount);
  const unitPin = new Int32Array(unitCount).fill(-1);
  const pinnedBy = new Map<number, number>();
  topology.apps.forEach((app, a) => {
    const u = appUnit[a] as number;
    unitWeight[u] = (unitWeight[u] as number) + (appWeight[a] as number);
    if (app.cluster == null) return;
    const pin = clusterIndex.get(app.cluster);
    if (pin === undefined)
      throw new SignalboxError(
        'PLAN_INFEASIBLE',
        `pin: app ${app.id} is pinned to unknown cluster ${JSON.stringify(app.cluster)} (clusters: ${listNames(clusterNames)})`,
        { service: app.id, cluster: app.cluster, constraint: 'pin' },
      );
    const earlier = unitPin[u] as number;
    if (earlier >= 0 && earlier !== pin) {
      const other = topology.apps[pinnedBy.get(u) as number]?.id ?? '';
      throw new SignalboxError(
        'PLAN_INFEASIBLE',
        `host group: apps ${other} and ${app.id} share a host but are pinned to ${clusterNames[earlier]} and ${app.cluster}`,
        { service: app.id, apps: [other, app.id], constraint: 'host-group' },
      );
    }
    unitPin[u] = pin;
    pinnedBy.set(u, a);
  });

  return {
    topology,
    clusterNames,
    auto: Uint8Array.from(topology.clusters, (c) => (c.auto ? 1 : 0)),
    capacity: capacities(topology, clusterIndex),
    netNames: [...netIndex.keys()],
    appNetStart,
    appNets: Int32Array.from(appNetList),
    appWeight,
    appUnit,
    unitAppStart,
    unitApps,
    unitWeight,
    unitPin,
  };
}

export const unitAppIds = (problem: Problem, u: number): string[] => {
  const ids: string[] = [];
  for (let i = problem.unitAppStart[u] as number; i < (problem.unitAppStart[u + 1] as number); i++)
    ids.push(problem.topology.apps[problem.unitApps[i] as number]?.id ?? '');
  return ids;
};
