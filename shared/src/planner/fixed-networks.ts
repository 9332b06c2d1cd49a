import { SignalboxError } from '../errors/index.js';
import { byString } from '../util/compare.js';
import { buildProblem, listNames, type Problem, unitAppIds } from './problem.js';
import type { AppSpec, Assignment, ClusterSpec, Plan, PlanOptions, Topology } from './types.js';

/**
 * Clusters with fixed networks (`ClusterSpec.networks`, Interlock 3's `Networks` per extension): the proxy
 * joins exactly those, whatever its apps, so
 *
 * - an app can be in such a cluster only when it is reachable on one of them (its network, or one of its
 *   network choices, which is then narrowed to those); a pin to a cluster it cannot be reached from, or an
 *   unpinned app that fits no cluster it can be reached from, is infeasible (`constraint: network`);
 * - a fixed cluster's networks cost the same whatever it serves, so an unpinned app reachable there adds
 *   nothing to any proxy by going there: it prefers that cluster. Host groups are placed whole: one is reachable
 *   in a cluster when every app of it is. Oldest first (input order), a group the previous plan had in such a
 *   cluster first, each group goes to the reachable auto cluster with fixed networks and the most room left,
 *   while capacity lasts. The rest is the usual planner's, over the clusters without fixed networks; for it
 *   the fixed clusters' networks are joined anyway (each holds a weightless stand-in app on them), which the
 *   metrics and the choice of networks count.
 */

/** The stand-in app per fixed cluster; no service name can start with NUL. */
const STAND_IN = '\u0000networks:';
/** A stand-in weighs next to nothing; its cluster's capacity grows by as much. */
const STAND_IN_WEIGHT = 1e-6;

export type PlanInner = (topology: Topology, previous: Assignment | undefined, options: PlanOptions) => Plan;

export const hasFixedNetworks = (topology: Topology): boolean =>
  topology.clusters.some((c) => c.networks !== undefined);

const infeasible = (message: string, apps: string[], cluster?: string): SignalboxError =>
  new SignalboxError('PLAN_INFEASIBLE', `network: ${message}`, {
    constraint: 'network',
    apps: apps.slice(0, 50),
    ...(cluster === undefined ? {} : { cluster }),
  });

/** The networks an app can be reached on: its choices, else the networks its proxy must join. */
const reachableOn = (app: AppSpec): string[] =>
  (app.networkChoices?.length ?? 0) > 0 ? [...new Set(app.networkChoices)] : [...new Set(app.networks)];

/** Whether the proxy of a cluster with these fixed networks reaches the app. */
function reaches(fixed: ReadonlySet<string>, app: AppSpec): boolean {
  if (!app.networks.every((n) => fixed.has(n))) return false;
  const choices = app.networkChoices ?? [];
  return choices.length === 0 || choices.some((n) => fixed.has(n));
}

/** The app as the inner planner sees it in fixed cluster `cluster`: its choices narrowed to what it joins. */
function narrowed(app: AppSpec, cluster: string, fixed: ReadonlySet<string>): AppSpec {
  const choices = app.networkChoices?.filter((n) => fixed.has(n));
  return { ...app, cluster, ...(choices && choices.length > 0 ? { networkChoices: choices } : {}) };
}

const describeFixed = (cluster: string): string =>
  cluster === ''
    ? 'the proxy joins by its Networks setting'
    : `the ${cluster} proxy joins by its Networks setting`;

export function planWithFixedNetworks(
  topology: Topology,
  previous: Assignment | undefined,
  options: PlanOptions,
  inner: PlanInner,
): Plan {
  const problem = buildProblem(topology);
  const k = problem.clusterNames.length;
  const fixed = topology.clusters.map((c) => (c.networks === undefined ? undefined : new Set(c.networks)));
  const units = problem.unitWeight.length;
  const appsOf = (u: number): number[] => {
    const out: number[] = [];
    for (let i = problem.unitAppStart[u] as number; i < (problem.unitAppStart[u + 1] as number); i++)
      out.push(problem.unitApps[i] as number);
    return out;
  };
  const unitReaches = (u: number, b: number): boolean => {
    const nets = fixed[b];
    return nets === undefined || appsOf(u).every((a) => reaches(nets, topology.apps[a] as AppSpec));
  };
  const room = Float64Array.from(problem.capacity);
  for (let u = 0; u < units; u++) {
    const pin = problem.unitPin[u] as number;
    if (pin < 0) continue;
    room[pin] = (room[pin] as number) - (problem.unitWeight[u] as number);
    if (!unitReaches(u, pin)) throw unreachable(problem, topology, u, pin, fixed);
  }
  const openAuto = topology.clusters.some((c) => c.auto && c.networks === undefined);
  // Without any auto cluster the usual planner says so (constraint: auto).
  const anyAuto = topology.clusters.some((c) => c.auto);
  const homeOf = (u: number): number => {
    if (!previous) return -1;
    const homes = new Set(appsOf(u).map((a) => previous[topology.apps[a]?.id ?? '']));
    const [home, ...more] = [...homes];
    return more.length === 0 && home !== undefined ? problem.clusterNames.indexOf(home) : -1;
  };
  // Unpinned units a fixed auto cluster reaches: those the previous plan had in one first, then oldest first.
  const candidates: number[] = [];
  for (let u = 0; u < units; u++) {
    if ((problem.unitPin[u] as number) >= 0) continue;
    let any = false;
    for (let b = 0; b < k; b++) if (problem.auto[b] && fixed[b] && unitReaches(u, b)) any = true;
    if (any) candidates.push(u);
    else if (!openAuto && anyAuto) throw unreachable(problem, topology, u, -1, fixed);
  }
  const home = Int32Array.from({ length: units }, (_, u) => homeOf(u));
  const first = (u: number): number =>
    (home[u] as number) >= 0 && fixed[home[u] as number] !== undefined ? 1 : 0;
  candidates.sort((x, y) => first(y) - first(x) || x - y);
  const placedIn = new Int32Array(units).fill(-1);
  for (const u of candidates) {
    const weight = problem.unitWeight[u] as number;
    const fits = (b: number): boolean =>
      problem.auto[b] === 1 &&
      fixed[b] !== undefined &&
      unitReaches(u, b) &&
      (room[b] as number) >= weight - 1e-9;
    let best = fits(home[u] as number) ? (home[u] as number) : -1;
    if (best < 0)
      for (let b = 0; b < k; b++)
        if (fits(b) && (best < 0 || (room[b] as number) > (room[best] as number))) best = b;
    if (best < 0) {
      if (openAuto) continue;
      const apps = unitAppIds(problem, u);
      throw new SignalboxError(
        'PLAN_INFEASIBLE',
        `capacity: ${listNames(apps)} can be reached only from clusters with fixed networks, which have no room left`,
        { constraint: 'capacity', apps: apps.slice(0, 50) },
      );
    }
    placedIn[u] = best;
    room[best] = (room[best] as number) - weight;
  }

  const clusters: ClusterSpec[] = topology.clusters.map((c, b) => {
    const cap = problem.capacity[b] as number;
    const { networks: _fixed, ...rest } = c;
    if (fixed[b] === undefined) return c.auto ? { ...rest, capacity: cap } : rest;
    // Only what its networks reach goes to a fixed cluster, and it is placed above; the stand-in's weight
    // is on top of the capacity.
    return Number.isFinite(cap)
      ? { ...rest, auto: false, capacity: cap + STAND_IN_WEIGHT }
      : { ...rest, auto: false };
  });
  const apps: AppSpec[] = topology.apps.map((app, a) => {
    const u = problem.appUnit[a] as number;
    const b = (problem.unitPin[u] as number) >= 0 ? (problem.unitPin[u] as number) : (placedIn[u] as number);
    const nets = b >= 0 ? fixed[b] : undefined;
    return nets === undefined ? app : narrowed(app, problem.clusterNames[b] as string, nets);
  });
  for (const c of topology.clusters)
    if (c.networks !== undefined && c.networks.length > 0)
      apps.push({
        id: `${STAND_IN}${c.name}`,
        networks: [...new Set(c.networks)].sort(byString),
        cluster: c.name,
        weight: STAND_IN_WEIGHT,
      });
  const result = inner({ ...topology, clusters, apps }, previous, options);
  return withoutStandIns(result, topology, fixed, placedIn, problem, previous);
}

/** The inner plan without the stand-ins, each app in a fixed cluster explained by its networks. */
function withoutStandIns(
  result: Plan,
  topology: Topology,
  fixed: readonly (ReadonlySet<string> | undefined)[],
  placedIn: Int32Array,
  problem: Problem,
  previous: Assignment | undefined,
): Plan {
  const real = (id: string): boolean => !id.startsWith(STAND_IN);
  const keep = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).filter(([id]) => real(id)));
  const explanations = keep(result.explanations);
  const index = new Map(problem.clusterNames.map((name, b) => [name, b]));
  topology.apps.forEach((app, a) => {
    const cluster = result.assignment[app.id] as string;
    const b = index.get(cluster) ?? -1;
    const nets = fixed[b];
    if (nets === undefined) return;
    const net = result.networks[app.id] ?? app.networks.find((n) => nets.has(n)) ?? '';
    const options = reachableOn(app).sort(byString);
    const u = problem.appUnit[a] as number;
    const why =
      app.cluster != null
        ? `pinned to ${cluster} (com.docker.lb.service_cluster)`
        : (placedIn[u] as number) >= 0
          ? `in ${cluster}, which adds no network to reach it`
          : `in ${cluster} because an app it shares a host with is pinned there`;
    const of = options.length > 1 ? ` (of ${options.join(', ')})` : '';
    const before = previous && Object.hasOwn(previous, app.id) ? previous[app.id] : undefined;
    const history = !previous
      ? ''
      : before === undefined
        ? '; new since the previous plan'
        : before === cluster
          ? '; kept from the previous plan'
          : `; moved from ${before}`;
    const reached =
      net === ''
        ? '; needs no network (published in host mode)'
        : `; reached on ${net}${of}, which ${describeFixed(cluster)}`;
    explanations[app.id] = `${why}${reached}${history}`;
  });
  const standIns = new Map<string, number>();
  for (const c of topology.clusters)
    if (c.networks !== undefined && c.networks.length > 0) standIns.set(c.name, 1);
  return {
    ...result,
    assignment: keep(result.assignment),
    explanations,
    networks: keep(result.networks),
    metrics: {
      ...result.metrics,
      perCluster: result.metrics.perCluster.map((m) =>
        standIns.has(m.name)
          ? {
              ...m,
              apps: m.apps - 1,
              weight: Math.max(0, Math.round((m.weight - STAND_IN_WEIGHT) * 1e6) / 1e6),
            }
          : m,
      ),
    },
  };
}

function unreachable(
  problem: Problem,
  topology: Topology,
  u: number,
  pin: number,
  fixed: readonly (ReadonlySet<string> | undefined)[],
): SignalboxError {
  const apps = unitAppIds(problem, u);
  const where = (b: number): string =>
    `${JSON.stringify(problem.clusterNames[b])} (joins only ${[...(fixed[b] ?? [])].sort(byString).join(', ') || 'no network'})`;
  const on = (id: string): string => {
    const app = topology.apps.find((x) => x.id === id);
    return app ? reachableOn(app).sort(byString).join(', ') || 'no network' : '';
  };
  const who = apps.length > 1 ? `host group ${listNames(apps)}` : `app ${apps[0]} (on ${on(apps[0] ?? '')})`;
  if (pin >= 0)
    return infeasible(
      `${who} is pinned to ${where(pin)}, whose proxy cannot reach it`,
      apps,
      problem.clusterNames[pin],
    );
  const candidates = topology.clusters.flatMap((c, b) => (c.auto ? [where(b)] : []));
  return infeasible(
    `${who} cannot be reached from any cluster that takes unpinned apps: ${candidates.join(', ') || 'none'}`,
    apps,
  );
}
