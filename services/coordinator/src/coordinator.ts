import { EventEmitter, once } from 'node:events';
import type { Logger } from 'pino';
import type { SignalboxConfig } from '#shared/config/index.js';
import {
  buildDesiredState,
  type CertificateVerdicts,
  certificatePairKey,
  type DesiredCluster,
  type DesiredState,
  type Rejection,
  renderDesiredCluster,
} from '#shared/desired/index.js';
import { SignalboxError } from '#shared/errors/index.js';
import { frontDoorChoice, frontDoorCluster, keepWhileMoving } from '#shared/front-door/index.js';
import type { ClusterStatus } from '#shared/gen/signalbox/v1/ClusterStatus.js';
import type { ExplainHostResponse } from '#shared/gen/signalbox/v1/ExplainHostResponse.js';
import type { PlanChange } from '#shared/gen/signalbox/v1/PlanChange.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import type { LiveVersion } from '#shared/jobs/config-job.js';
import { LogField } from '#shared/log/fields.js';
import { renderTargets } from '#shared/nginx/index.js';
import type { Assignment } from '#shared/planner/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import type { AgentBackend } from './agent/agent-routes.js';
import { ClusterSettings } from './cluster-settings.js';
import {
  type ConfigCalls,
  type DockerEngine,
  type NetworkAndSecretCalls,
  serviceTasks,
  type TaskCalls,
} from './docker/docker-api.js';
import type { SwarmSource } from './docker/swarm-source.js';
import type { ChangeReason } from './docker/swarm-watcher.js';
import { type FrontDoorInput, FrontDoorState } from './front-door/front-door-state.js';
import { MoveTracker } from './front-door/move-tracker.js';
import type { CoordinatorBackend, RolloutRequest } from './grpc/coordinator-handlers.js';
import type { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import type { CertificateChecks } from './proxy/certificate-checks.js';
import {
  epochOf,
  type ProxyReconcileResult,
  type ProxyServiceManager,
} from './proxy/proxy-service-manager.js';
import { proxyServiceName } from './proxy/proxy-service-spec.js';
import { ProxyWriter } from './proxy/proxy-writer.js';
import type { ConfigJobQueue } from './queue/config-job-queue.js';
import { RolloutController } from './rollout/rollout-controller.js';
import type { RolloutRecords } from './rollout/rollout-records.js';
import { clusterStatus, comparePlans, planMetrics } from './views/operator-reports.js';
import { RejectionLog } from './views/rejection-log.js';
import { taskHostname } from '#shared/rollout/index.js';
import { explainHost } from './views/route-views.js';

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
  /** What the front door's agents are handed and what they report running. */
  private readonly door = new FrontDoorState();
  /** Host → the cluster the front door sends it to (see moving-hosts.ts), chosen with `latest`. */
  private chosen = new Map<string, string>();
  /** Set by stop(): a pass still running then schedules no further look at moves. */
  private stopped = false;
  private moveTimer: NodeJS.Timeout | undefined;
  /** Cluster → the version (and config) every replica serves, as workers recorded it in Redis. */
  private liveVersionOf = new Map<string, LiveVersion>();
  private snapshot: SwarmSnapshot | undefined;
  /** Per cluster, the services a worker left out of the config of a version (nginx -t failed with them). */
  private readonly excluded = new Map<string, { version: string; services: string[]; reason: string }>();
  private readonly rejectionLog: RejectionLog;
  private readonly clusters: ClusterSettings;
  private readonly moves: MoveTracker;
  private readonly rollout: RolloutController;
  private readonly writer: ProxyWriter;
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
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: CoordinatorStats = { passes: 0, jobsEnqueued: 0, jobsUnchanged: 0, lastPassMs: 0 };

  constructor(private readonly deps: CoordinatorDeps) {
    this.rejectionLog = new RejectionLog(deps.log);
    this.clusters = new ClusterSettings(deps.config);
    this.moves = new MoveTracker(deps.log);
    this.rollout = new RolloutController({
      ...deps,
      clusters: this.clusters,
      view: () => ({ desired: this.latest, snapshot: this.snapshot }),
      reconcileProxies: () => this.reconcileProxies(),
      trigger: (reason) => this.trigger(reason),
      records: deps.rolloutRecords,
    });
    this.writer = new ProxyWriter({ ...deps, clusters: this.clusters, rollout: this.rollout });
  }

  trigger(reason: TriggerReason): void {
    this.deps.log.debug({ [LogField.reason]: reason }, 'change signalled');
    this.deps.metrics.changeSignals.inc({ reason });
    this.pendingSince ??= Date.now();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pass().catch((e: Error) => {
        this.deps.metrics.passFailures.inc();
        this.deps.log.error({ err: e.message }, 'reconcile pass failed; the next signal retries');
      });
    }, this.deps.debounceMs ?? 50);
  }

  /** One full pass; resolves when it and any pass it had to queue are done. */
  async pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.reconcileOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.moveTimer) clearTimeout(this.moveTimer);
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
    const desired = await this.desiredWhileMoving(snapshot, previous);
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

  /**
   * Verdicts for this pass. A pair nginx has not checked yet holds back a service the cluster does not route
   * with it yet; one the last desired state routed keeps its routes while it is checked, and so does every
   * pair on a standby and on a coordinator's first pass, so a new leader never drops TLS routes to check them.
   */
  private certificateVerdicts(): CertificateVerdicts | undefined {
    const checks = this.deps.certificates;
    if (!checks) return undefined;
    const leader = this.deps.lease.isLeader;
    const ids = this.snapshot?.secrets;
    const served = new Set(
      (this.latest?.routes.routes ?? []).flatMap((r) =>
        r.tls
          ? [
              certificatePairKey({
                certId: ids?.get(r.tls.cert) ?? '',
                keyId: ids?.get(r.tls.key ?? r.tls.cert) ?? '',
              }),
            ]
          : [],
      ),
    );
    const assumeUsable = !leader || this.latest === undefined;
    return (pair) => {
      const verdict = checks.verdict(pair);
      if (verdict) return verdict;
      if (leader) checks.request(pair);
      return assumeUsable || served.has(certificatePairKey(pair)) ? { usable: true } : undefined;
    };
  }

  /** Every rejection in force: the desired state's, and the services workers left out of desired versions. */
  rejections(): Rejection[] {
    const out = [...(this.latest?.rejections ?? [])];
    const tenants = new Map((this.latest?.routes.routes ?? []).map((r) => [r.service, r.tenant]));
    for (const c of this.latest?.clusters ?? []) {
      const left = this.excluded.get(c.cluster);
      if (left?.version !== c.version) continue;
      for (const service of left.services) {
        const tenant = tenants.get(service);
        out.push({
          service,
          ...(tenant !== undefined ? { tenant } : {}),
          stage: 'nginx',
          code: 'NGINX_REJECTED',
          message: `service ${service}: left out of cluster ${c.cluster}'s config, which nginx -t fails with its routes: ${left.reason}`,
        });
      }
    }
    return out;
  }

  /**
   * The desired state, with the routes of apps that move between clusters kept in the cluster they leave
   * until the front door sends their hosts to the new one, and the front door's choice for every host.
   */
  private async desiredWhileMoving(snapshot: SwarmSnapshot, previous?: Assignment): Promise<DesiredState> {
    const certificates = this.certificateVerdicts();
    const planned = buildDesiredState(snapshot, this.deps.config, { previous, certificates });
    const views = this.door.views();
    // A service stays only where it was planned before, or kept while it moves.
    const wasIn = (service: string, cluster: string) =>
      this.latest?.plan.assignment[service] === cluster || this.moves.keeps(service, cluster);
    const keep = keepWhileMoving(planned, views, wasIn);
    const desired =
      keep.size > 0
        ? buildDesiredState(snapshot, this.deps.config, {
            previous: planned.plan.assignment,
            keep,
            certificates,
          })
        : planned;
    for (const c of desired.clusters) this.moves.rememberHosts(c);
    // What workers recorded as live matters only while something moves: no Redis read on other passes.
    if (keep.size > 0) {
      const live = await this.deps.jobs.liveVersions().catch(() => undefined);
      if (live) this.liveVersionOf = live;
    }
    const settled = new Set<string>();
    for (const service of keep.keys()) {
      const to = desired.plan.assignment[service];
      if (to !== undefined && !settled.has(to) && (await this.everyTaskServesLive(to))) settled.add(to);
    }
    this.chosen = frontDoorChoice(
      desired,
      (cluster, host) => settled.has(cluster) && this.serves(cluster, host),
      views,
      keep,
    );
    this.noteMoves(keep, desired);
    return desired;
  }

  /** Whether the version every replica of `cluster` runs (as workers recorded it) routes `host`. */
  private serves(cluster: string, host: string): boolean {
    const live = this.liveVersionOf.get(cluster);
    return live !== undefined && this.moves.routes(cluster, live.version, host);
  }

  /**
   * Whether every running task of the cluster's proxy runs its live config. A rollout is complete once the
   * desired number of replicas serve it, but a task Swarm is replacing (start-first) runs on with the old
   * config until its container stops, its desired state already `shutdown`: the front door's HTTP side drops
   * it then, its TLS side (Docker's DNS) only when the container stops. Proxies with agents say what they
   * run; without (no run-time targets) a task runs the config its template names.
   */
  private async everyTaskServesLive(cluster: string): Promise<boolean> {
    const live = this.liveVersionOf.get(cluster);
    if (!live) return false;
    const tasks = await serviceTasks(this.deps.docker, this.clusters.proxyService(this.latest, cluster));
    const running = tasks.filter((t) => t.Status?.State === 'running');
    if (running.length === 0) return false;
    if (!this.latest?.clusters.find((c) => c.cluster === cluster)?.runtimeTargets)
      return running.every((t) => t.Spec?.ContainerSpec?.Configs?.[0]?.ConfigName === live.config);
    const hostnames = running.map(taskHostname);
    return (await this.rollout.serving(cluster, live.config, hostnames)) === hostnames.length;
  }

  /** While an app moves, a pass looks again soon: the front door or the cluster it joins may have moved on. */
  private noteMoves(keep: Map<string, Set<string>>, desired: DesiredState): void {
    const delay = this.moves.note(keep, desired.plan.assignment);
    if (delay === undefined || this.moveTimer || this.stopped) return;
    this.moveTimer = setTimeout(() => {
      this.moveTimer = undefined;
      this.trigger('moving');
    }, delay);
  }

  /**
   * A front door agent says what it runs: the version of its host map or the sha256 of its config. While
   * apps move, a new view starts a pass, which may let the cluster they left drop their routes.
   */
  frontDoorReport(agent: string, kind: 'hosts' | 'tls', id: string): void {
    // Rendered first, so a coordinator that just became leader knows the versions its own state renders to.
    if (kind === 'hosts') this.frontDoorHosts();
    else this.frontDoorTlsConfig();
    if (this.door.report(agent, kind, id) && this.moves.active) this.trigger('agent');
  }

  /**
   * Each cluster as the front door sees it: its proxy tasks' addresses on the edge network, and only the
   * hosts the front door sends to it now.
   */
  private frontDoorClusters(desired: DesiredState) {
    return desired.clusters.map((c) => {
      const ext = this.clusters.of(desired, c.cluster);
      const service = proxyServiceName(c.cluster, ext);
      const door = frontDoorCluster(c.model, {
        service,
        httpPort: ext.TargetPort,
        tlsPort: ext.TargetSSLPort,
        addresses: this.edgeAddresses(service),
      });
      const here = (h: string) => (this.chosen.get(h) ?? c.cluster) === c.cluster;
      return { ...door, hosts: door.hosts.filter(here), tlsHosts: door.tlsHosts.filter(here) };
    });
  }

  /**
   * The edge-network addresses of a proxy service's tasks that run and are meant to: a task Swarm is
   * stopping leaves the front door's rotation at once (it drains what it has), a new one joins once it runs.
   */
  private edgeAddresses(service: string): string[] {
    const edge = this.writer.edgeNetworkId;
    const snapshot = this.snapshot;
    const id = snapshot?.services.find((s) => s.name === service)?.id;
    if (!edge || !snapshot || !id) return [];
    return snapshot.tasks
      .filter((t) => t.serviceId === id && t.state === 'running' && t.desiredState === 'running')
      .flatMap((t) => t.addresses.get(edge) ?? []);
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

  /** The nginx.conf of the front door's HTTP instance, once there is a desired state. */
  frontDoorConfig(): { text: string; sha: string } | undefined {
    return this.latest ? this.door.httpConfig() : undefined;
  }

  /** The nginx.conf of the front door's TLS instance for the current desired state. */
  frontDoorTlsConfig(): { text: string; sha: string } | undefined {
    const input = this.frontDoorInput();
    return input ? this.door.tlsConfig(input) : undefined;
  }

  /**
   * The front door's HTTP host map for the current desired state, with its version; undefined until this
   * coordinator knows the edge network (a standby that just took over, before its first pass as leader),
   * since a map without proxy addresses would turn every host away.
   */
  frontDoorHosts(): { version: string; text: string } | undefined {
    const input = this.writer.edgeNetworkId ? this.frontDoorInput() : undefined;
    return input ? this.door.hosts(input) : undefined;
  }

  private frontDoorInput(): FrontDoorInput | undefined {
    const desired = this.latest;
    if (!desired) return undefined;
    return { desired, clusters: () => this.frontDoorClusters(desired), chosen: this.chosen };
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
  async status(): Promise<StatusReport> {
    const desired = this.latest;
    const live = await this.deps.jobs.liveVersions();
    const retries = await this.deps.jobs.retries();
    const clusters = await Promise.all(
      (desired?.clusters ?? []).map((c) => this.clusterStatus(c, live, retries.get(c.cluster) ?? '')),
    );
    const queue = await this.deps.jobs.counts();
    const rejections = this.rejections();
    return {
      instance: this.deps.instance,
      leader: this.deps.lease.isLeader,
      clusters,
      queue,
      // A service refused a host by tenancy keeps its other hosts, yet it asked for something it may not have.
      rejectedServices: new Set(rejections.map((r) => r.service)).size,
      rejections: rejections.map((r) => ({ ...r, tenant: r.tenant ?? '' })),
      unplacedServices: desired?.unplaced.length ?? 0,
      lastPassMillis: this.stats.lastPassMs,
      lastPassAt: this.lastPassAt?.toISOString() ?? '',
      plan: desired ? planMetrics(desired.plan.metrics) : null,
    };
  }

  private async clusterStatus(
    c: DesiredCluster,
    live: Map<string, LiveVersion>,
    jobRetry: string,
  ): Promise<ClusterStatus> {
    return clusterStatus(
      c,
      {
        proxyService: this.clusters.proxyService(this.latest, c.cluster),
        rollout: await this.rolloutStatus(c.cluster).catch(() => undefined),
        live: live.get(c.cluster),
        since: this.versionSince.get(c.cluster)?.since ?? Date.now(),
        jobRetry,
      },
      Date.now(),
    );
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
