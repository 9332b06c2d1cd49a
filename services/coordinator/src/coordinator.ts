import type { Logger } from 'pino';
import type { SignalboxConfig } from '#shared/config/index.js';
import {
  buildDesiredState,
  type DesiredCluster,
  type DesiredState,
  type Rejection,
  renderDesiredCluster,
} from '#shared/desired/index.js';
import { SignalboxError } from '#shared/errors/index.js';
import type { ExplainHostResponse } from '#shared/gen/signalbox/v1/ExplainHostResponse.js';
import type { PlanChange } from '#shared/gen/signalbox/v1/PlanChange.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import { renderTargets } from '#shared/nginx/index.js';
import type { AgentBackend } from './agent/agent-routes.js';
import { ClusterSettings } from './cluster-settings.js';
import type { ConfigCalls, DockerEngine, NetworkAndSecretCalls, TaskCalls } from './docker/docker-api.js';
import type { SwarmSource } from './docker/swarm-source.js';
import { FrontDoorRouting } from './front-door/front-door-routing.js';
import type { CoordinatorBackend, RolloutRequest } from './grpc/coordinator-handlers.js';
import type { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import type { CertificateChecks } from './proxy/certificate-checks.js';
import type { ProxyServiceManager } from './proxy/proxy-service-manager.js';
import { ProxyWriter } from './proxy/proxy-writer.js';
import type { ConfigJobQueue } from './queue/config-job-queue.js';
import { Reconciler, type ReconcilerStats, type TriggerReason } from './reconciler.js';
import { RolloutController } from './rollout/rollout-controller.js';
import type { RolloutRecords } from './rollout/rollout-records.js';
import { comparePlans } from './views/operator-reports.js';
import { rejectionsInForce } from './views/rejection-log.js';
import { explainHost } from './views/route-views.js';
import { statusReport } from './views/status-report.js';

export interface CoordinatorDeps {
  docker: Pick<DockerEngine, 'getService'> & TaskCalls & ConfigCalls & NetworkAndSecretCalls;
  source: SwarmSource;
  proxies: ProxyServiceManager;
  jobs: ConfigJobQueue;
  lease: {
    readonly isLeader: boolean;
    readonly epoch: number;
    raiseFloor(epoch: number): void;
    stepDown(reason: string): void;
  };
  config: SignalboxConfig;
  metrics: CoordinatorMetrics;
  /** This coordinator's name in status reports (the Swarm task name in the stack). */
  instance: string;
  /**
   * The agents' read-only tokens: the front door's, and one per cluster, each stored as a Docker secret only
   * its own proxy service mounts.
   */
  agentTokens: { frontDoor: string; cluster: (cluster: string) => string };
  /** Keys the names of stored proxy configs, so nobody else can predict them (see proxy-configs.ts). */
  configNameKey: string;
  /** Where each cluster's rollout is kept, so a new leader continues it. */
  rolloutRecords: RolloutRecords;
  /** Verdicts on TLS secret pairs; without it certificates are taken as they are (tests of other parts). */
  certificates?: CertificateChecks;
  log: Logger;
  /** Changes arriving within this window are handled by one pass. */
  debounceMs?: number;
}

/**
 * The composition of the coordinator's parts (the passes are the Reconciler's), and the one object that
 * answers gRPC (CoordinatorBackend) and the agents (AgentBackend) from the desired state in force.
 */
export class Coordinator implements CoordinatorBackend, AgentBackend {
  /** Per cluster, the services a worker left out of the config of a version (nginx -t failed with them). */
  private readonly excluded = new Map<string, { version: string; services: string[]; reason: string }>();
  private readonly clusters: ClusterSettings;
  private readonly rollout: RolloutController;
  private readonly writer: ProxyWriter;
  /** Apps moving between clusters, and the front door's configs and host map. */
  private readonly edge: FrontDoorRouting;
  private readonly reconciler: Reconciler;
  /** Run-time targets, rendered once per cluster state however many agents ask. */
  private readonly targetsText = new WeakMap<DesiredCluster, { version: string; text: string }>();

  constructor(private readonly deps: CoordinatorDeps) {
    this.clusters = new ClusterSettings(deps.config);
    this.rollout = new RolloutController({
      ...deps,
      clusters: this.clusters,
      view: () => this.reconciler.view(),
      reconcileProxies: () => this.reconciler.reconcileProxies(),
      trigger: (reason) => this.trigger(reason),
      records: deps.rolloutRecords,
    });
    this.writer = new ProxyWriter({ ...deps, clusters: this.clusters, rollout: this.rollout });
    this.edge = new FrontDoorRouting({
      ...deps,
      clusters: this.clusters,
      liveVersions: () => deps.jobs.liveVersions(),
      serving: (cluster, name, hostnames) => this.rollout.serving(cluster, name, hostnames),
      edgeNetworkId: () => this.writer.edgeNetworkId,
      view: () => this.reconciler.view(),
      trigger: (reason) => this.trigger(reason),
    });
    this.reconciler = new Reconciler({
      ...deps,
      writer: this.writer,
      edge: this.edge,
      rollout: this.rollout,
      rejections: () => this.rejections(),
    });
  }

  private get latest(): DesiredState | undefined {
    return this.reconciler.view().desired;
  }

  private get snapshot() {
    return this.reconciler.view().snapshot;
  }

  get stats(): ReconcilerStats {
    return this.reconciler.stats;
  }

  trigger(reason: TriggerReason): void {
    this.reconciler.trigger(reason);
  }

  /** One full pass; resolves when it and any pass it had to queue are done. */
  pass(): Promise<void> {
    return this.reconciler.pass();
  }

  stop(): void {
    this.reconciler.stop();
    this.edge.stop();
  }

  /** Every rejection in force: the desired state's, and the services workers left out of desired versions. */
  rejections(): Rejection[] {
    return rejectionsInForce(this.latest, this.excluded);
  }

  desired(): DesiredState | undefined {
    return this.latest;
  }

  isLeader(): boolean {
    return this.deps.lease.isLeader;
  }

  servesAgents(): boolean {
    return this.deps.lease.isLeader && this.writer.termMarked();
  }

  epoch(): number {
    return this.deps.lease.epoch;
  }

  clusterTargets(cluster: string): { version: string; text: string } | undefined {
    const c = this.latest?.clusters.find((x) => x.cluster === cluster);
    if (!c) return undefined;
    let rendered = this.targetsText.get(c);
    if (!rendered) {
      rendered = renderTargets(c.model);
      this.targetsText.set(c, rendered);
    }
    return rendered;
  }

  nextPass(ms: number, signal: AbortSignal): Promise<void> {
    return this.reconciler.nextPass(ms, signal);
  }

  /** A front door agent says what it runs: the version of its host map or the sha256 of its config. */
  frontDoorReport(agent: string, kind: 'hosts' | 'tls', id: string): void {
    this.edge.report(agent, kind, id);
  }

  frontDoorConfig(): { text: string; sha: string } | undefined {
    return this.edge.httpConfig();
  }

  frontDoorTlsConfig(): { text: string; sha: string } | undefined {
    return this.edge.tlsConfig();
  }

  frontDoorHosts(): { version: string; text: string } | undefined {
    return this.edge.hosts();
  }

  settingsOf(cluster: string) {
    return this.clusters.view(this.latest, cluster);
  }

  async storeConfig(
    cluster: string,
    version: string,
    nginxConf: string,
    excluded: { services: string[]; reason: string } = { services: [], reason: '' },
  ) {
    if (excluded.services.length > 0) this.excluded.set(cluster, { version, ...excluded });
    else this.excluded.delete(cluster);
    return this.rollout.storeConfig(cluster, nginxConf);
  }

  startRollout(r: RolloutRequest): Promise<Rollout> {
    return this.rollout.startRollout(r);
  }

  agentConfig(
    cluster: string,
    task: string,
    live: string,
    refused: string,
  ): Promise<{ text: string; sha: string } | 'wait' | undefined> {
    return this.rollout.agentConfig(cluster, task, live, refused);
  }

  rolloutStatus(cluster: string): Promise<Rollout> {
    return this.rollout.rolloutStatus(cluster);
  }

  rollback(cluster: string): Promise<Rollout> {
    return this.rollout.rollback(cluster);
  }

  explain(host: string, path: string): ExplainHostResponse {
    return explainHost(
      this.latest,
      this.snapshot,
      host,
      path,
      (c) => renderDesiredCluster(c, this.deps.config, 'signalbox'),
      this.rejections(),
    );
  }

  /** What `signalbox status` and the dashboard show: per cluster, how far the proxy is from the desired state. */
  status(): Promise<StatusReport> {
    return statusReport({
      instance: this.deps.instance,
      leader: this.deps.lease.isLeader,
      desired: this.latest,
      rejections: this.rejections(),
      jobs: this.deps.jobs,
      rolloutStatus: (cluster) => this.rolloutStatus(cluster),
      proxyService: (cluster) => this.clusters.proxyService(this.latest, cluster),
      wantedSince: (cluster) => this.reconciler.wantedSince(cluster),
      lastPass: this.reconciler.lastPass(),
    });
  }

  /**
   * A plan made from scratch for the swarm as it is, against the plan in force (which warm starts keep
   * close to earlier ones). With `apply`, the next pass starts from the fresh plan and the clusters it
   * changes get config jobs.
   */
  planChange(apply: boolean): PlanChange {
    const current = this.latest;
    if (!current || !this.snapshot)
      throw new SignalboxError('NOT_READY', 'no desired state yet; try again after the first pass');
    const fresh = buildDesiredState(this.snapshot, this.deps.config);
    const change = comparePlans(current, fresh, apply);
    if (apply) {
      this.reconciler.startNextPassFrom(fresh.plan.assignment);
      this.deps.log.info({ moves: change.moves?.length ?? 0 }, 'operator applied a fresh plan');
      this.trigger('plan');
    }
    return change;
  }
}
