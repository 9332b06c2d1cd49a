import {
  defaultExtension,
  durationMs,
  type ExtensionConfig,
  labelLimits,
  publishedHttpsPort,
  type SignalboxConfig,
} from '../config/index.js';
import { isSignalboxError } from '../errors/index.js';
import { LabelKey } from '../labels/index.js';
import type { AppRoute, ClusterModel } from '../model/index.js';
import { type Assignment, type Plan, type PlanOptions, plan, type Topology } from '../planner/index.js';
import { assembleCluster, buildRoutes, type Routes, routesForCluster } from '../routing/index.js';
import type { SwarmSnapshot } from '../swarm/index.js';
import { claimHosts, type HostClaimError, type TenantSummary } from '../tenancy/index.js';
import { byKey } from '../util/compare.js';
import { shortHash } from '../util/stable-hash.js';
import { admitApps, appSpecs, type UnplacedApp } from './admit-apps.js';

export interface DesiredCluster {
  /** The ServiceCluster value apps name in their label. */
  cluster: string;
  /** The `[Extensions.<name>]` table that configures this cluster's proxy. */
  extension: string;
  model: ClusterModel;
  /** Address ranges whose X-Forwarded-For the proxy believes: the front door's edge network. */
  trustedProxies: string[];
  /** HTTP targets reach the proxy at run time; they are then not part of `version`. */
  runtimeTargets: boolean;
  /** Content hash of everything the cluster's proxy config depends on; equal versions need no job. */
  version: string;
}

export interface TenancyReport {
  /** Host claims refused between tenants; the service keeps the hosts it may have. */
  rejections: HostClaimError[];
  tenants: TenantSummary[];
}

export interface DesiredState {
  /** With tenancy, each route narrowed to the hosts its tenant may have. */
  routes: Routes;
  clusters: DesiredCluster[];
  plan: Plan;
  unplaced: UnplacedApp[];
  /** Only with `[Tenancy]`. */
  tenancy?: TenancyReport;
}

interface ClusterEntry {
  cluster: string;
  extension: string;
  ext: ExtensionConfig;
}

/** Without any `[Extensions.*]`, Interlock ran one default cluster; so does Signalbox. */
function clusterEntries(config: SignalboxConfig): ClusterEntry[] {
  const entries = Object.entries(config.Extensions).map(([extension, ext]) => ({
    cluster: ext.ServiceCluster,
    extension,
    ext,
  }));
  if (entries.length === 0) return [{ cluster: '', extension: 'default', ext: defaultExtension() }];
  return entries.sort(byKey((e) => e.extension));
}

/**
 * The version covers the model and the proxy settings, but not conflict reports, which change no config, nor
 * (with run-time targets) the HTTP pools' targets, which reach the proxy without one. Whether a pool has
 * targets still counts in static mode only: there an empty pool renders as `return 503`.
 */
const versionOf = (
  model: ClusterModel,
  ext: ExtensionConfig,
  publishedHttps: number,
  trustedProxies: string[],
  runtimeTargets: boolean,
): string => {
  const { conflicts: _reports, ...routing } = model;
  const httpPools = runtimeTargets
    ? routing.httpPools.map((p) => ({ ...p, targets: [] }))
    : routing.httpPools;
  const ports = [ext.TargetPort, ext.TargetSSLPort, publishedHttps];
  return shortHash(
    JSON.stringify({
      routing: { ...routing, httpPools },
      settings: ext.Config,
      ports,
      trustedProxies,
      runtimeTargets,
    }),
    16,
  );
};

/** Behind the front door every request comes from the edge network; its subnets are the proxies to trust. */
const edgeSubnets = (snapshot: SwarmSnapshot, config: SignalboxConfig): string[] =>
  config.FrontDoor.Enabled
    ? [...(snapshot.networks.find((n) => n.name === config.FrontDoor.Network)?.subnets ?? [])].sort()
    : [];

/**
 * Snapshot → routes → plan → one cluster model per service cluster, each with a content version. Pure: the
 * coordinator calls it on every change and enqueues a job only for clusters whose version moved. `keep`
 * (service → clusters) also places a moving app's routes in the clusters it leaves, until it is served anew.
 */
export function buildDesiredState(
  snapshot: SwarmSnapshot,
  config: SignalboxConfig,
  previous?: Assignment,
  now?: () => number,
  keep?: ReadonlyMap<string, ReadonlySet<string>>,
): DesiredState {
  const built = buildRoutes(snapshot, config.Tenancy?.TenantLabel, labelLimits(config.Limits));
  const claimed = config.Tenancy ? claimHosts(built.routes, config.Tenancy) : undefined;
  const routes: Routes = claimed ? { ...built, routes: claimed.routes } : built;
  const entries = clusterEntries(config);
  const known = new Set(entries.map((e) => e.cluster));
  const auto = entries.filter((e) => e.ext.AutoAssign ?? e.cluster === '');
  const unplaced: UnplacedApp[] = [];
  const placeable: AppRoute[] = [];
  for (const route of routes.routes) {
    if (route.pinnedCluster !== null && !known.has(route.pinnedCluster)) {
      unplaced.push({
        service: route.service,
        constraint: 'cluster',
        reason: `service ${route.service}: label ${LabelKey.serviceCluster}=${JSON.stringify(route.pinnedCluster)} names no service cluster (known: ${[...known].map((k) => JSON.stringify(k)).join(', ') || 'none'})`,
      });
    } else if (route.pinnedCluster === null && auto.length === 0) {
      unplaced.push({
        service: route.service,
        constraint: 'auto',
        reason: `service ${route.service}: has no ${LabelKey.serviceCluster} label and no cluster takes unlabelled apps`,
      });
    } else {
      placeable.push(route);
    }
  }
  const admission = admitApps(
    placeable,
    {
      balance: config.Planner.Balance,
      clusters: entries.map((e) => ({
        name: e.cluster,
        auto: e.ext.AutoAssign ?? e.cluster === '',
        capacity: e.ext.Capacity,
      })),
    },
    claimed !== undefined,
  );
  unplaced.push(...admission.unplaced);
  const result = planOrLeaveOut(
    { balance: config.Planner.Balance, clusters: admission.clusters, apps: [] },
    admission.admitted,
    unplaced,
    previous,
    {
      seed: config.Planner.Seed,
      timeBudgetMs: durationMs(config.Planner.TimeBudget),
      ...(config.Planner.MoveCost !== undefined ? { moveCost: config.Planner.MoveCost } : {}),
      ...(config.Planner.MaxMoves !== undefined ? { maxMoves: config.Planner.MaxMoves } : {}),
      ...(now ? { now } : {}),
    },
  );
  const assignment = new Map(Object.entries(result.assignment));
  const placed = routes.routes.filter((r) => assignment.has(r.service));
  const trustedProxies = edgeSubnets(snapshot, config);
  // Proxies reach the coordinator for their targets over the front door's edge network.
  const runtimeTargets = config.RuntimeTargets && config.FrontDoor.Enabled;
  const clusters = entries.map(({ cluster, extension, ext }) => {
    // An app moving between clusters stays in the one the front door still sends its hosts to (`keep`)
    // until the front door sends them to the new one: make before break.
    const mine = new Set(routesForCluster(placed, cluster, assignment));
    // In seniority order, as assembleCluster resolves conflicts by it.
    const routes = placed.filter((r) => mine.has(r) || keep?.get(r.service)?.has(cluster));
    const model = assembleCluster(cluster, routes, ext.Config.IPHash);
    const version = versionOf(model, ext, publishedHttpsPort(config, ext), trustedProxies, runtimeTargets);
    return { cluster, extension, model, trustedProxies, runtimeTargets, version };
  });
  const state: DesiredState = { routes, clusters, plan: result, unplaced };
  if (claimed) state.tenancy = { rejections: claimed.rejections, tenants: claimed.tenants };
  return state;
}

/** Packing attempts after the capacity checks passed: the last one leaves out every app it names. */
const PACKING_ATTEMPTS = 3;

/**
 * The capacity checks admitApps runs are necessary, not sufficient (packing is bin packing), so the planner
 * can still fail to fit the groups it names; then the youngest of them is left out and the plan retried.
 */
function planOrLeaveOut(
  base: Topology,
  admitted: AppRoute[],
  unplaced: UnplacedApp[],
  previous: Assignment | undefined,
  options: PlanOptions,
): Plan {
  let apps = admitted;
  for (let attempt = 1; ; attempt++) {
    try {
      return plan({ ...base, apps: appSpecs(apps) }, previous, options);
    } catch (e) {
      const named = isSignalboxError(e, 'PLAN_INFEASIBLE')
        ? new Set(e.details.apps as string[] | undefined)
        : undefined;
      const stuck = apps.filter((r) => named?.has(r.service));
      if (stuck.length === 0) throw e;
      // Seniority order: the youngest named app is the last.
      const out = new Set(attempt < PACKING_ATTEMPTS ? stuck.slice(-1) : stuck);
      for (const r of stuck)
        if (out.has(r))
          unplaced.push({
            service: r.service,
            constraint: 'capacity',
            reason: `service ${r.service}: ${e instanceof Error ? e.message : String(e)}; the younger service gives way`,
          });
      apps = apps.filter((r) => !out.has(r));
    }
  }
}
