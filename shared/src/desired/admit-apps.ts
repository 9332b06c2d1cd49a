import { isSignalboxError } from '../errors/index.js';
import type { AppRoute } from '../model/index.js';
import { buildProblem, type ClusterSpec, checkFeasible, type Topology } from '../planner/index.js';

/** Why a service has no cluster. Every one of these leaves only that service out of the pass. */
export type UnplacedConstraint = 'cluster' | 'auto' | 'pin' | 'tenant' | 'capacity' | 'network';

export interface UnplacedApp {
  service: string;
  constraint: UnplacedConstraint;
  reason: string;
}

export interface Admission {
  /** Seniority order kept. */
  admitted: AppRoute[];
  unplaced: UnplacedApp[];
  /**
   * The clusters to plan with. When capacity turned services away their capacities are explicit, so the
   * planner does not shrink its even share for the services left out and then find the rest no longer fit.
   */
  clusters: ClusterSpec[];
}

interface Group {
  pin: string | null;
  /** The service whose pin the group carries, for the refusal message. */
  pinnedBy: string;
  weight: number;
  tenants: Set<string>;
}

/** Services that share a host form a group the planner places whole; this keeps the groups as services join. */
class HostGroups {
  private readonly parent: number[] = [];
  private readonly groups: Group[] = [];
  private readonly groupOfHost = new Map<string, number>();

  private find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root] as number;
    this.parent[x] = root;
    return root;
  }

  /** The groups a route's hosts already belong to, each with one of its hosts that leads there. */
  touched(route: AppRoute): Map<number, string> {
    const out = new Map<number, string>();
    for (const host of route.hosts) {
      const g = this.groupOfHost.get(host.toLowerCase());
      if (g !== undefined && !out.has(this.find(g))) out.set(this.find(g), host);
    }
    return out;
  }

  group(root: number): Group {
    return this.groups[root] as Group;
  }

  join(route: AppRoute, roots: Iterable<number>): void {
    const id = this.parent.length;
    const own: Group = {
      pin: route.pinnedCluster,
      pinnedBy: route.service,
      weight: 1,
      tenants: new Set([route.tenant ?? '']),
    };
    this.parent.push(id);
    this.groups.push(own);
    for (const r of roots) {
      const g = this.group(r);
      this.parent[r] = id;
      own.weight += g.weight;
      for (const t of g.tenants) own.tenants.add(t);
      if (g.pin !== null) {
        own.pin = g.pin;
        own.pinnedBy = g.pinnedBy;
      }
    }
    for (const host of route.hosts) this.groupOfHost.set(host.toLowerCase(), id);
  }
}

/**
 * Pins and shared hosts, oldest service first: a service whose pin contradicts the cluster its hosts already
 * put it in, or whose hosts join groups pinned to different clusters, gives way; so, with tenancy, does one
 * whose pin would carry another tenant's unpinned apps into a cluster. Interlock failed the whole update here.
 */
function admitByPins(
  routes: readonly AppRoute[],
  tenancy: boolean,
): { admitted: AppRoute[]; unplaced: UnplacedApp[] } {
  const groups = new HostGroups();
  const admitted: AppRoute[] = [];
  const unplaced: UnplacedApp[] = [];
  for (const route of routes) {
    const touched = groups.touched(route);
    const pins = new Map<string, { by: string; host: string }>();
    if (route.pinnedCluster !== null) pins.set(route.pinnedCluster, { by: route.service, host: '' });
    for (const [root, host] of touched) {
      const g = groups.group(root);
      if (g.pin !== null && !pins.has(g.pin)) pins.set(g.pin, { by: g.pinnedBy, host });
    }
    if (pins.size > 1) {
      const [first, second] = [...pins].filter(([, p]) => p.by !== route.service);
      const reason =
        route.pinnedCluster !== null && first
          ? `is pinned to ${JSON.stringify(route.pinnedCluster)}, but host ${first[1].host} is served with ${first[1].by}, pinned to ${JSON.stringify(first[0])}`
          : `has hosts ${first?.[1].host} and ${second?.[1].host}, served with ${first?.[1].by} (pinned to ${JSON.stringify(first?.[0])}) and ${second?.[1].by} (pinned to ${JSON.stringify(second?.[0])})`;
      unplaced.push({
        service: route.service,
        constraint: 'pin',
        reason: `service ${route.service}: ${reason}; the younger service gives way`,
      });
      continue;
    }
    const pin = [...pins.keys()][0];
    const tenant = route.tenant ?? '';
    const dragged = tenancy
      ? [...touched].find(([root]) => {
          const g = groups.group(root);
          return g.pin === null && pin !== undefined && [...g.tenants].some((t) => t !== tenant);
        })
      : undefined;
    if (dragged) {
      const others = [...groups.group(dragged[0]).tenants].filter((t) => t !== tenant);
      unplaced.push({
        service: route.service,
        constraint: 'tenant',
        reason: `service ${route.service}: shares host ${dragged[1]} with tenant ${others.join(', ')}, whose unpinned apps would follow it to ${JSON.stringify(pin)}; one tenant's labels never move another's apps`,
      });
      continue;
    }
    groups.join(route, touched.keys());
    admitted.push(route);
  }
  return { admitted, unplaced };
}

/**
 * The planner's cheap capacity checks (feasibility.ts), kept up to date as groups form: pinned weight within
 * each cluster, and every unpinned group, whole, within the room the auto clusters have left.
 */
class CapacityLedger {
  private readonly index: Map<string, number>;
  private readonly pinned: number[];
  private free = 0;
  /** Weight → how many unpinned groups weigh that much; the largest must fit somewhere. */
  private readonly freeWeights = new Map<number, number>();

  constructor(
    private readonly clusters: readonly ClusterSpec[],
    private readonly capacity: readonly number[],
  ) {
    this.index = new Map(clusters.map((c, i) => [c.name, i]));
    this.pinned = clusters.map(() => 0);
  }

  private count(g: Pick<Group, 'pin' | 'weight'>, sign: 1 | -1): void {
    const b = g.pin === null ? undefined : this.index.get(g.pin);
    if (b !== undefined) {
      this.pinned[b] = (this.pinned[b] as number) + sign * g.weight;
      return;
    }
    this.free += sign * g.weight;
    const n = (this.freeWeights.get(g.weight) ?? 0) + sign;
    if (n === 0) this.freeWeights.delete(g.weight);
    else this.freeWeights.set(g.weight, n);
  }

  private holds(): boolean {
    let largestRoom = 0;
    let room = 0;
    for (const [b, c] of this.clusters.entries()) {
      const left = (this.capacity[b] as number) - (this.pinned[b] as number);
      if (left < 0) return false;
      if (!c.auto) continue;
      largestRoom = Math.max(largestRoom, left);
      room += left;
    }
    return Math.max(0, ...this.freeWeights.keys()) <= largestRoom && this.free <= room;
  }

  /** Replaces `parts` by `merged` if the result still fits; otherwise changes nothing. */
  merge(parts: readonly Group[], merged: Pick<Group, 'pin' | 'weight'>): boolean {
    for (const g of parts) this.count(g, -1);
    this.count(merged, 1);
    if (this.holds()) return true;
    this.count(merged, -1);
    for (const g of parts) this.count(g, 1);
    return false;
  }
}

/**
 * Capacity, oldest service first, against the capacities the planner derives for every service that passed
 * the pin check: a service is left out when the group it would form or join no longer fits, e.g. one that
 * lists the hosts of half the apps to weld them into one group bigger than any cluster.
 */
function admitByCapacity(routes: readonly AppRoute[], topology: Topology): Admission {
  const problem = buildProblem(topology);
  try {
    checkFeasible(problem);
    return { admitted: [...routes], unplaced: [], clusters: [...topology.clusters] };
  } catch (e) {
    if (!isSignalboxError(e, 'PLAN_INFEASIBLE')) throw e;
  }
  const capacity = [...problem.capacity];
  const clusters = topology.clusters.map((c, b) => ({
    ...c,
    capacity: Number.isFinite(capacity[b]) ? (capacity[b] as number) : undefined,
  }));
  const ledger = new CapacityLedger(clusters, capacity);
  const groups = new HostGroups();
  const admitted: AppRoute[] = [];
  const unplaced: UnplacedApp[] = [];
  for (const route of routes) {
    const parts = [...groups.touched(route).keys()].map((r) => groups.group(r));
    const merged = {
      pin: route.pinnedCluster ?? parts.find((g) => g.pin !== null)?.pin ?? null,
      weight: 1 + parts.reduce((w, g) => w + g.weight, 0),
    };
    if (!ledger.merge(parts, merged)) {
      const where = merged.pin === null ? 'any cluster that takes unpinned apps' : JSON.stringify(merged.pin);
      unplaced.push({
        service: route.service,
        constraint: 'capacity',
        reason: `service ${route.service}: ${parts.length > 0 ? `with the ${merged.weight - 1} apps it shares hosts with, it` : 'it'} does not fit in ${where} (capacity ${clusters.map((c) => `${JSON.stringify(c.name)}: ${c.capacity ?? 'unlimited'}`).join(', ')}); the younger service gives way`,
      });
      continue;
    }
    groups.join(route, groups.touched(route).keys());
    admitted.push(route);
  }
  return { admitted, unplaced, clusters };
}

/** Routes the planner can place together; everything else is unplaced with its reason, never a failed pass. */
export function admitApps(
  routes: readonly AppRoute[],
  topology: Omit<Topology, 'apps'>,
  tenancy: boolean,
): Admission {
  const pinned = admitByPins(routes, tenancy);
  const byCapacity = admitByCapacity(pinned.admitted, { ...topology, apps: appSpecs(pinned.admitted) });
  return { ...byCapacity, unplaced: [...pinned.unplaced, ...byCapacity.unplaced] };
}

export const appSpecs = (routes: readonly AppRoute[]): Topology['apps'] =>
  routes.map((r) => ({
    id: r.service,
    // A host-mode app (network null) makes its proxy join no network.
    networks: r.networkChoices || !r.network ? [] : [r.network.name],
    networkChoices: r.networkChoices?.map((n) => n.name),
    cluster: r.pinnedCluster,
    hosts: r.hosts,
  }));
