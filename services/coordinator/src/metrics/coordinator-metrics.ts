import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DesiredState, Rejection } from '#shared/desired/index.js';
import { routeCount } from '#shared/model/index.js';

/**
 * The coordinator's Prometheus metrics. One registry per coordinator instead of prom-client's global one,
 * so tests can run several coordinators in one process and each scrape shows only its own numbers.
 */
export class CoordinatorMetrics {
  readonly registry = new Registry();
  readonly changeSignals = new Counter({
    name: 'signalbox_change_signals_total',
    help: 'Change signals by source: Docker events, task polls that saw a change, periodic resyncs, event stream reconnects',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly passes = new Histogram({
    name: 'signalbox_reconcile_pass_seconds',
    help: 'Duration of one reconcile pass: read the swarm, plan, reconcile proxies, enqueue jobs',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly passFailures = new Counter({
    name: 'signalbox_reconcile_pass_failures_total',
    help: 'Reconcile passes that failed (the next change signal or resync retries)',
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'signalbox_config_jobs_total',
    help: 'Config job enqueue outcomes per cluster: enqueued, coalesced (replaced a waiting job), unchanged',
    labelNames: ['cluster', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly grpcCalls = new Counter({
    name: 'signalbox_grpc_requests_total',
    help: 'gRPC calls served, by method and status code name',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });
  readonly rollouts = new Counter({
    name: 'signalbox_proxy_rollouts_total',
    help: 'Config rollouts per cluster by mode: in_place (agents reload), replace (Swarm replaces tasks), reverted',
    labelNames: ['cluster', 'mode'] as const,
    registers: [this.registry],
  });
  readonly proxyReloads = new Counter({
    name: 'signalbox_proxy_reloads_total',
    help: "Graceful nginx reloads proxies' agents reported (one per replica per in-place config change)",
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'signalbox_coordinator_leader',
    help: '1 while this coordinator holds the leader lease',
    registers: [this.registry],
  });
  readonly networksPerProxy = new Gauge({
    name: 'signalbox_proxy_networks',
    help: "Overlay networks a cluster's proxy joins for its apps",
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });
  readonly routesPerCluster = new Gauge({
    name: 'signalbox_cluster_routes',
    help: 'Routes (host and path) a cluster serves',
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });
  readonly servicesPerCluster = new Gauge({
    name: 'signalbox_cluster_services',
    help: 'Labelled services assigned to a cluster',
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });
  readonly rejectedServices = new Gauge({
    name: 'signalbox_rejected_services',
    help: 'Services whose labels were rejected',
    registers: [this.registry],
  });
  readonly rejections = new Gauge({
    name: 'signalbox_rejections',
    help: 'Services turned away, whole or in part, by pipeline stage, error code and tenant',
    labelNames: ['stage', 'code', 'tenant'] as const,
    registers: [this.registry],
  });
  readonly tenantServices = new Gauge({
    name: 'signalbox_tenant_services',
    help: 'With [Tenancy]: services routed, per tenant',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });
  readonly tenantRefusals = new Gauge({
    name: 'signalbox_tenant_host_claims_refused',
    help: 'With [Tenancy]: host claims refused because another tenant owns or reserves the host, per claiming tenant',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });
  readonly planMaxNetworks = new Gauge({
    name: 'signalbox_plan_max_networks_per_proxy',
    help: "The planner's objective: the most networks any one proxy joins",
    registers: [this.registry],
  });
  readonly planAttachments = new Gauge({
    name: 'signalbox_plan_network_attachments',
    help: 'Network attachments summed over all proxies',
    registers: [this.registry],
  });
  readonly planMoves = new Counter({
    name: 'signalbox_plan_moves_total',
    help: 'Apps the planner moved to another cluster',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Every rejection in force, from the desired state and from the workers; gone ones lose their series. */
  observeRejections(rejections: readonly Rejection[]): void {
    this.rejections.reset();
    for (const r of rejections) this.rejections.inc({ stage: r.stage, code: r.code, tenant: r.tenant ?? '' });
  }

  /** Gauges follow the newest desired state; clusters that disappeared lose their series. */
  observeDesired(desired: DesiredState): void {
    this.networksPerProxy.reset();
    this.routesPerCluster.reset();
    this.servicesPerCluster.reset();
    for (const c of desired.clusters) {
      this.networksPerProxy.set({ cluster: c.cluster }, c.model.networks.length);
      this.routesPerCluster.set({ cluster: c.cluster }, routeCount(c.model));
      this.servicesPerCluster.set({ cluster: c.cluster }, c.model.services.length);
    }
    this.rejectedServices.set(desired.routes.rejected.length);
    this.tenantServices.reset();
    this.tenantRefusals.reset();
    for (const t of desired.tenancy?.tenants ?? [])
      this.tenantServices.set({ tenant: t.tenant }, t.services.length);
    for (const r of desired.tenancy?.rejections ?? [])
      this.tenantRefusals.inc({ tenant: String(r.details.tenant ?? '') });
    this.planMaxNetworks.set(desired.plan.metrics.maxNetworksPerProxy);
    this.planAttachments.set(desired.plan.metrics.totalAttachments);
    this.planMoves.inc(desired.plan.metrics.moves);
  }
}
