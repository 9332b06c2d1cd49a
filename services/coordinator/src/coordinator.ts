import { EventEmitter, once } from 'node:events';
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
import { LogField } from '#shared/log/fields.js';
import { renderTargets } from '#shared/nginx/index.js';
import type { Assignment } from '#shared/planner/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import type { AgentBackend } from './agent/agent-routes.js';
import { ClusterSettings } from './cluster-settings.js';
import type { ConfigCalls, DockerEngine, NetworkAndSecretCalls, TaskCalls } from './docker/docker-api.js';
import type { SwarmSource } from './docker/swarm-source.js';
import type { ChangeReason } from './docker/swarm-watcher.js';
import { FrontDoorRouting } from './front-door/front-door-routing.js';
import type { CoordinatorBackend, RolloutRequest } from './grpc/coordinator-handlers.js';
import type { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import { PassScheduler } from './pass-scheduler.js';
import type { CertificateChecks } from './proxy/certificate-checks.js';
import {
  epochOf,
  type ProxyReconcileResult,
  type ProxyServiceManager,
} from './proxy/proxy-service-manager.js';
import { ProxyWriter } from './proxy/proxy-writer.js';
import type { ConfigJobQueue } from './queue/config-job-queue.js';
import { RolloutController } from './rollout/rollout-controller.js';
import type { RolloutRecords } from './rollout/rollout-records.js';
import { comparePlans } from './views/operator-reports.js';
import { RejectionLog, rejectionsInForce } from './views/rejection-log.js';
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

export type TriggerReason =
  | ChangeReason
  | 'start'
  | 'leadership'
  | 'plan'
  | 'agent'
  | 'moving'
  | 'certificate';

export interface CoordinatorStats {
  passes: number;
  jobsEnqueued: number;
  jobsUnchanged: number;
  lastPassMs: number;
}

/**
 * The level-triggered core: any change signal schedules one pass that reads the whole swarm, rebuilds the
 * desired state, and (on the leader only) reconciles proxy services and enqueues a job for each cluster
 * whose version moved. Passes never overlap; a signal during a pass schedules exactly one more.
 */
export class Coordinator implements CoordinatorBackend, AgentBackend {
  private latest: DesiredState | undefined;
  private snapshot: SwarmSnapshot | undefined;
  /** Per cluster, the services a worker left out of the config of a version (nginx -t failed with them). */
  private readonly excluded = new Map<string, { version: string; services: string[]; reason: string }>();
  private readonly rejectionLog: RejectionLog;
  private readonly clusters: ClusterSettings;
  private readonly rollout: RolloutController;
  private readonly writer: ProxyWriter;
  /** Apps moving between clusters, and the front door's configs and host map. */
  private readonly edge: FrontDoorRouting;
  private readonly passScheduler: PassScheduler;
  /** When the oldest change signal not yet read by a pass arrived; the jobs of that pass carry it. */
  private pendingSince: number | undefined;
  /** A plan an operator applied; the next pass starts from it instead of the plan in force. */
  private forcedAssignment: Assignment | undefined;
  /** Per cluster, the desired version and since when it is wanted, for "how far behind" in status. */
  private readonly versionSince = new Map<string, { version: string; since: number }>();
  private lastPassAt: Date | undefined;
  /** Emits `pass` after every reconcile pass; agents' long polls wait on it. */
  private readonly passes = new EventEmitter().setMaxListeners(0);
  /** Run-time targets, rendered once per cluster state however many agents ask. */
  private readonly targetsText = new WeakMap<DesiredCluster, { version: string; text: string }>();
  readonly stats: CoordinatorStats = { passes: 0, jobsEnqueued: 0, jobsUnchanged: 0, lastPassMs: 0 };

  constructor(private readonly deps: CoordinatorDeps) {
    this.rejectionLog = new RejectionLog(deps.log);
    this.clusters = new ClusterSettings(deps.config);
    this.rollout = new RolloutController({
      ...deps,
      clusters: this.clusters,
      view: () => ({ desired: this.latest, snapshot: this.snapshot }),
      reconcileProxies: () => this.reconcileProxies(),
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
      view: () => ({ desired: this.latest, snapshot: this.snapshot }),
      trigger: (reason) => this.trigger(reason),
    });
    this.passScheduler = new PassScheduler(
      () => this.reconcileOnce(),
      (e) => {
        deps.metrics.passFailures.inc();
        deps.log.error({ err: e.message }, 'reconcile pass failed; the next signal retries');
      },
      deps.debounceMs,
    );
  }

  trigger(reason: TriggerReason): void {
    this.deps.log.debug({ [LogField.reason]: reason }, 'change signalled');
    this.deps.metrics.changeSignals.inc({ reason });
    this.pendingSince ??= Date.now();
    this.passScheduler.signal();
  }

  /** One full pass; resolves when it and any pass it had to queue are done. */
  pass(): Promise<void> {
    return this.passScheduler.pass();
  }

  stop(): void {
    this.passScheduler.stop();
    this.edge.stop();
  }

  private async reconcileOnce(): Promise<void> {
    const started = performance.now();
    const changedAt = this.pendingSince ?? Date.now();
    this.pendingSince = undefined;
    const endTimer = this.deps.metrics.passes.startTimer();
    // Before the read, so the first desired state already knows the edge network's subnets (the proxies'
    // trusted range) and the first rollout is not followed by a second one that only adds them.
    if (this.deps.lease.isLeader) await this.writer.edgePrerequisites();
    const { snapshot } = await this.deps.source.readSnapshot();
    // Earlier leaders' epochs outlive Redis on the services they wrote: the next leader's must be higher.
    for (const svc of snapshot.services) this.deps.lease.raiseFloor(epochOf(svc.labels));
    const previous = this.forcedAssignment ?? this.latest?.plan.assignment;
    this.forcedAssignment = undefined;
    const certificates = this.deps.certificates?.verdictsFor(
      this.deps.lease.isLeader,
      this.latest,
      this.snapshot?.secrets,
    );
    const desired = await this.edge.desired(snapshot, previous, certificates);
    this.snapshot = snapshot;
    this.latest = desired;
    this.deps.metrics.observeDesired(desired);
    const rejections = this.rejections();
    this.deps.metrics.observeRejections(rejections);
    this.rejectionLog.update(rejections);
    this.deps.metrics.leader.set(this.deps.lease.isLeader ? 1 : 0);
    for (const c of desired.clusters) {
      if (this.versionSince.get(c.cluster)?.version !== c.version)
        this.versionSince.set(c.cluster, { version: c.version, since: changedAt });
    }
    this.stats.passes += 1;
    if (this.deps.lease.isLeader) {
      await this.rollout.restore(this.deps.lease.epoch);
      await this.reconcileProxies(desired, snapshot);
      for (const c of desired.clusters) {
        const result = await this.deps.jobs.enqueue(c.cluster, c.version, this.deps.lease.epoch, changedAt);
        this.deps.metrics.jobs.inc({ cluster: c.cluster, outcome: result });
        if (result === 'unchanged' || result === 'backoff') {
          this.stats.jobsUnchanged += 1;
        } else {
          this.stats.jobsEnqueued += 1;
          this.deps.log.info(
            { [LogField.cluster]: c.cluster, [LogField.version]: c.version, outcome: result },
            result === 'retried' ? 'config job queued again' : 'config job enqueued',
          );
        }
      }
    }
    this.stats.lastPassMs = performance.now() - started;
    this.lastPassAt = new Date();
    endTimer();
    this.passes.emit('pass');
  }

  /** Every rejection in force: the desired state's, and the services workers left out of desired versions. */
  rejections(): Rejection[] {
    return rejectionsInForce(this.latest, this.excluded);
  }

  /** Passes and rollouts both write the proxies, in turn; a rollout writes the state in force when its turn comes. */
  private reconcileProxies(desired?: DesiredState, snapshot?: SwarmSnapshot): Promise<ProxyReconcileResult> {
    return this.writer.write(() => ({
      desired: desired ?? this.latest,
      snapshot: snapshot ?? this.snapshot,
    }));
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

  async nextPass(ms: number, signal: AbortSignal): Promise<void> {
    await once(this.passes, 'pass', {
      signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, ms))]),
    }).catch(() => undefined);
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
      wantedSince: (cluster) => this.versionSince.get(cluster)?.since ?? Date.now(),
      lastPass: { ms: this.stats.lastPassMs, at: this.lastPassAt },
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
      this.forcedAssignment = fresh.plan.assignment;
      this.deps.log.info({ moves: change.moves?.length ?? 0 }, 'operator applied a fresh plan');
      this.trigger('plan');
    }
    return change;
  }
}
