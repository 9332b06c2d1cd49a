import { durationMs, labelLimits, publishedHttpsPort, type SignalboxConfig } from '../config/index.js';
import { LabelKey } from '../labels/index.js';
import type { AppRoute, ClusterModel } from '../model/index.js';
import type { Assignment, Plan } from '../planner/index.js';
import {
  applyNetworkChoices,
  assembleCluster,
  buildRoutes,
  keptOnJoinedNetworks,
  type Routes,
  routesForCluster,
} from '../routing/index.js';
import type { SwarmSnapshot } from '../swarm/index.js';
import { claimHosts, type HostClaimError, type TenantSummary } from '../tenancy/index.js';
import { admitApps, type UnplacedApp } from './admit-apps.js';
import {
  admitCertificates,
  type CertificatePair,
  type CertificateVerdicts,
} from './certificate-admission.js';
import { clusterEntries } from './cluster-entries.js';
import { limitClusterLocations } from './cluster-size.js';
import { versionOf } from './cluster-version.js';
import { admitByFixedNetworks, onFixedNetwork, resolveFixedNetworks } from './fixed-networks.js';
import { planOrLeaveOut } from './plan-or-leave-out.js';
import type { Rejection } from './rejections.js';
import { limitServicesPerTenant } from './tenant-quota.js';

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
  /**
   * With tenancy, each route narrowed to the hosts its tenant may have; without the services over a tenant's
   * quota or with a certificate nginx refuses (or has not checked yet).
   */
  routes: Routes;
  clusters: DesiredCluster[];
  plan: Plan;
  unplaced: UnplacedApp[];
  /** Every service turned away, whole or in part, by any stage: what status, explain, logs and metrics show. */
  rejections: Rejection[];
  /** TLS secret pairs the routes name that have no verdict yet (only when verdicts were asked for). */
  uncheckedCertificates: CertificatePair[];
  /** Only with `[Tenancy]`. */
  tenancy?: TenancyReport;
}

export interface DesiredOptions {
  /** The assignment in force: the planner moves as few apps from it as it can. */
  previous?: Assignment | undefined;
  now?: () => number;
  /** service → clusters that keep a moving app's routes until it is served anew. */
  keep?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Which TLS secret pairs nginx accepts; without it certificates are not checked (offline rendering). */
  certificates?: CertificateVerdicts;
}

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
  options: DesiredOptions = {},
): DesiredState {
  const { previous, now, keep } = options;
  const built = buildRoutes(
    snapshot,
    config.Tenancy?.TenantLabel,
    labelLimits(config.Limits),
    config.Planner.ChooseNetworks,
  );
  const claimed = config.Tenancy ? claimHosts(built.routes, config.Tenancy) : undefined;
  const quota = limitServicesPerTenant(claimed?.routes ?? built.routes, config.Limits.ServicesPerTenant);
  const certified = options.certificates
    ? admitCertificates(quota.routes, snapshot.secrets, options.certificates)
    : { routes: quota.routes, rejections: [], unchecked: [] };
  const routes: Routes = { ...built, routes: certified.routes };
  const entries = clusterEntries(config);
  const known = new Set(entries.map((e) => e.cluster));
  const auto = entries.filter((e) => e.ext.AutoAssign ?? e.cluster === '');
  const unplaced: UnplacedApp[] = [];
  const placeable: AppRoute[] = [];
  // Interlock 3's `Networks`: such a cluster's proxy joins exactly those, and serves only what they reach.
  const fixed = resolveFixedNetworks(
    entries.map((e) => ({ cluster: e.cluster, extension: e.extension, networks: e.ext.Networks })),
    snapshot,
  );
  routes.warnings = [...routes.warnings, ...fixed.warnings];
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
  const planClusters = entries.map((e) => {
    const nets = fixed.byCluster.get(e.cluster);
    return {
      name: e.cluster,
      auto: e.ext.AutoAssign ?? e.cluster === '',
      capacity: e.ext.Capacity,
      ...(nets ? { networks: nets.map((n) => n.name) } : {}),
    };
  });
  const reachable = admitByFixedNetworks(placeable, fixed, planClusters);
  unplaced.push(...reachable.unplaced);
  const admission = admitApps(
    reachable.admitted,
    { balance: config.Planner.Balance, clusters: planClusters },
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
  routes.routes = applyNetworkChoices(routes.routes, result.networks);
  const assignment = new Map(Object.entries(result.assignment));
  const placed = routes.routes.filter((r) => assignment.has(r.service));
  const trustedProxies = edgeSubnets(snapshot, config);
  // Proxies reach the coordinator for their targets over the front door's edge network.
  const runtimeTargets = config.RuntimeTargets && config.FrontDoor.Enabled;
  const oversize: Rejection[] = [];
  const clusters = entries.map(({ cluster, extension, ext }) => {
    // An app moving between clusters stays in the one the front door still sends its hosts to (`keep`)
    // until the front door sends them to the new one: make before break.
    const mine = new Set(routesForCluster(placed, cluster, assignment));
    // In seniority order, as assembleCluster resolves conflicts by it.
    const joined = keptOnJoinedNetworks(
      placed.filter((r) => mine.has(r) || keep?.get(r.service)?.has(cluster)),
      mine,
    );
    // A fixed cluster reaches its routes on its networks only; one kept for a move that it cannot reach
    // there is served by the cluster it moves to alone.
    const nets = fixed.byCluster.get(cluster);
    const onNets = nets
      ? joined.flatMap((r) => {
          const on = onFixedNetwork(r, nets);
          return on ? [on] : [];
        })
      : joined;
    const sized = limitClusterLocations(onNets, cluster, config.Limits.LocationsPerCluster);
    oversize.push(...sized.rejections);
    const assembled = assembleCluster(cluster, sized.routes, ext.Config.IPHash);
    // The proxy joins exactly its fixed networks, used or not, as Interlock 3 connects them all at start.
    const model = nets ? { ...assembled, networks: nets } : assembled;
    const version = versionOf(model, ext, publishedHttpsPort(config, ext), trustedProxies, runtimeTargets);
    return { cluster, extension, model, trustedProxies, runtimeTargets, version };
  });
  const tenantOf = tenantOfService(snapshot, config.Tenancy?.TenantLabel);
  const rejections: Rejection[] = [
    ...built.rejected.flatMap((r) =>
      r.errors.map((e) => ({
        service: r.service,
        ...tenantOf(r.service),
        stage: 'labels' as const,
        code: e.code,
        message: e.message,
      })),
    ),
    ...(claimed?.rejections ?? []).map((r) => ({
      service: r.details.service as string,
      tenant: r.details.tenant as string,
      stage: 'tenancy' as const,
      code: r.code,
      message: r.message,
    })),
    ...quota.rejections,
    ...certified.rejections,
    ...unplaced.map((u) => ({
      service: u.service,
      ...tenantOf(u.service),
      stage: 'placement' as const,
      code: 'SERVICE_UNPLACED' as const,
      message: u.reason,
    })),
    ...oversize,
  ];
  const state: DesiredState = {
    routes,
    clusters,
    plan: result,
    unplaced,
    rejections,
    uncheckedCertificates: certified.unchecked,
  };
  if (claimed) state.tenancy = { rejections: claimed.rejections, tenants: claimed.tenants };
  return state;
}

/** The tenant field of a rejection, for a service that may not have reached the routes. */
function tenantOfService(
  snapshot: SwarmSnapshot,
  tenantLabel: string | undefined,
): (service: string) => { tenant?: string } {
  if (tenantLabel === undefined) return () => ({});
  const labels = new Map(snapshot.services.map((s) => [s.name, s.labels]));
  return (service) => ({ tenant: (labels.get(service)?.[tenantLabel] ?? '').trim() });
}
