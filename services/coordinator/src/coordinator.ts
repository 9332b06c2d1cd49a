import { EventEmitter, once } from 'node:events';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import {
  defaultExtension,
  durationMs,
  publishedHttpsPort,
  type SignalboxConfig,
} from '#shared/config/index.js';
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
import {
  defaultFrontDoorOptions,
  type FrontDoorView,
  frontDoorChoice,
  frontDoorCluster,
  keepWhileMoving,
  modelHosts,
  renderFrontDoor,
  renderFrontDoorHosts,
  renderFrontDoorTls,
} from '#shared/front-door/index.js';
import type { ClusterStatus } from '#shared/gen/signalbox/v1/ClusterStatus.js';
import type { ExplainHostResponse } from '#shared/gen/signalbox/v1/ExplainHostResponse.js';
import type { PlanChange } from '#shared/gen/signalbox/v1/PlanChange.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import type { LiveVersion } from '#shared/jobs/config-job.js';
import { LogField } from '#shared/log/fields.js';
import { routeCount } from '#shared/model/index.js';
import { renderTargets } from '#shared/nginx/index.js';
import type { Assignment, PlanMetrics } from '#shared/planner/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import { rememberAtMost } from '#shared/util/bounded-map.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import { type AgentBackend, agentConfigPath, targetsPath } from './agent/agent-routes.js';
import { InPlaceGate } from './agent/in-place-gate.js';
import type { SwarmSource } from './docker/swarm-source.js';
import type { ChangeReason } from './docker/swarm-watcher.js';
import type { CoordinatorBackend, RolloutRequest } from './grpc/coordinator-handlers.js';
import type { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import type { CertificateChecks } from './proxy/certificate-checks.js';
import {
  type EdgePrerequisites,
  ensureAgentTokenSecret,
  ensureEdgePrerequisites,
} from './proxy/edge-prerequisites.js';
import { FRONT_DOOR_CLUSTER, frontDoorServiceSpec } from './proxy/front-door-spec.js';
import { findProxyConfig, pruneProxyConfigs, storeProxyConfig } from './proxy/proxy-configs.js';
import {
  epochOf,
  type ProxyReconcileResult,
  type ProxyServiceManager,
} from './proxy/proxy-service-manager.js';
import {
  CLUSTER_LABEL,
  CONFIG_LABEL,
  defaultUpdateOrder,
  MANAGED_LABEL,
  MANAGED_VALUE,
  type ProxyInputs,
  proxyServiceName,
  type RolloutPolicy,
} from './proxy/proxy-service-spec.js';
import type { ConfigJobQueue } from './queue/config-job-queue.js';
import { StaleLeaderError } from './queue/leader-lease.js';
import { RejectionLog } from './views/rejection-log.js';
import { explainHost } from './views/route-views.js';

export interface CoordinatorDeps {
  docker: Pick<
    Docker,
    | 'getService'
    | 'listTasks'
    | 'listConfigs'
    | 'createConfig'
    | 'getConfig'
    | 'listNetworks'
    | 'createNetwork'
    | 'listSecrets'
    | 'createSecret'
  >;
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
  /** Verdicts on TLS secret pairs; without it certificates are taken as they are (tests of other parts). */
  certificates?: CertificateChecks;
  log: Logger;
  /** Changes arriving within this window are handled by one pass. */
  debounceMs?: number;
}

interface ProxyTask {
  Status?: {
    State?: string;
    Err?: string;
    Message?: string;
    Timestamp?: string;
    ContainerStatus?: { ContainerID?: string };
  };
  Spec?: { ContainerSpec?: { Configs?: { ConfigName: string }[] } };
}

/** In-place applies of one replica are at least this far apart, whatever the update delay: reloads are bounded. */
const MIN_RELOAD_INTERVAL_MS = 1_000;

/** A task still pending after this long, with an error from the scheduler, will not start by itself. */
const STUCK_AFTER_MS = 10_000;

/** Why a proxy task cannot start (e.g. start-first on a host-mode port that is taken), or ''. */
function stuckReason(tasks: ProxyTask[], now: number): string {
  for (const t of tasks) {
    const state = t.Status?.State ?? '';
    const since = Date.parse(t.Status?.Timestamp ?? '');
    if (['pending', 'new', 'allocated'].includes(state) && t.Status?.Err && now - since > STUCK_AFTER_MS) {
      return `task ${state} for ${Math.round((now - since) / 1000)} s: ${t.Status.Err}`;
    }
  }
  return '';
}

export type TriggerReason =
  | ChangeReason
  | 'start'
  | 'leadership'
  | 'plan'
  | 'agent'
  | 'moving'
  | 'certificate';

/** A front door replica's report counts this long; its agent asks again at least every 25 s. */
const DOOR_REPORT_TTL_MS = 60_000;
/** While an app moves between clusters, a pass looks again this often (slower after a minute). */
const MOVE_CHECK_MS = 500;
const SLOW_MOVE_CHECK_MS = 5_000;
/** Desired versions remembered per cluster, to know which hosts the version its proxies run routes. */
const VERSIONS_KEPT = 16;
/** Rendered front door host maps and configs remembered, to read what agents report they run. */
const RENDERED_KEPT = 32;

const planMetrics = (m: PlanMetrics) => ({
  maxNetworksPerProxy: m.maxNetworksPerProxy,
  totalAttachments: m.totalAttachments,
  lowerBoundMax: m.lowerBoundMax,
});

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
  private edge: EdgePrerequisites | undefined;
  /** The front door's TLS config and host map, rendered once per desired state however often agents ask. */
  private frontDoorText: { for: DesiredState; text: string; sha: string } | undefined;
  private frontDoorHttpText: { text: string; sha: string } | undefined;
  private frontDoorMap: { for: DesiredState; version: string; text: string } | undefined;
  /** Host → the cluster the front door sends it to (see moving-hosts.ts), chosen with `latest`. */
  private chosen = new Map<string, string>();
  /** Apps that move, service → the clusters keeping their routes meanwhile, and since when. */
  private moving = new Map<string, Set<string>>();
  private movingSince: number | undefined;
  /** Set by stop(): a pass still running then schedules no further look at moves. */
  private stopped = false;
  private moveTimer: NodeJS.Timeout | undefined;
  /** Per cluster, recent desired versions → the hosts they route. */
  private readonly hostsAt = new Map<string, Map<string, Set<string>>>();
  /** Cluster → the version (and config) every replica serves, as workers recorded it in Redis. */
  private liveVersionOf = new Map<string, LiveVersion>();
  /** What rendered host maps and configs route where, by version or sha, to read agents' reports. */
  private readonly rendered = new Map<string, FrontDoorView>();
  /** Per front door agent (address and kind of report), the view it runs and when it said so. */
  private readonly doorReports = new Map<string, { view: FrontDoorView; at: number }>();
  private snapshot: SwarmSnapshot | undefined;
  private readonly live = new Map<string, { name: string; id: string }>();
  private readonly policies = new Map<string, RolloutPolicy>();
  /** Paces in-place config changes replica by replica, from what the proxies' agents report. */
  private readonly gate = new InPlaceGate();
  /**
   * Stored configs by name, as one checked lookup found them (id, text, and the sha256 agents report).
   * Content-named, so an entry is never stale.
   */
  private readonly storedConfigs = new Map<string, { name: string; id: string; text: string; sha: string }>();
  /** Each cluster's agent token secret, found or made once (again after an error). */
  private readonly agentSecrets = new Map<string, { name: string; id: string }>();
  /** Per cluster, the config its last rollout replaced and when that rollout started. */
  private readonly rollouts = new Map<
    string,
    { previous?: { name: string; id: string }; startedAt: number }
  >();
  /** When each cluster's proxy task template last changed: tasks created before run the old one. */
  private readonly taskSpecAt = new Map<string, number>();
  /** Per cluster, its proxy tasks' hostnames and creation times, read at most once a second. */
  private readonly proxyTaskTimes = new Map<string, { at: number; created: Map<string, number> }>();
  /** The epoch this coordinator has written on Docker (its term is marked; see servesAgents). */
  private markedEpoch = -1;
  /** Per cluster, the highest cluster-lock token a rollout came with, in this leader's term (epoch). */
  private readonly lockTokens = new Map<string, { epoch: number; token: number }>();
  /** Per cluster, the services a worker left out of the config of a version (nginx -t failed with them). */
  private readonly excluded = new Map<string, { version: string; services: string[]; reason: string }>();
  private readonly rejectionLog: RejectionLog;
  /** A config an agent refused (nginx -t failed in the proxy): the rollout is over, reverted. */
  private readonly refusals = new Map<string, { config: string; message: string }>();
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
  private proxiesBusy: Promise<unknown> = Promise.resolve();
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: CoordinatorStats = { passes: 0, jobsEnqueued: 0, jobsUnchanged: 0, lastPassMs: 0 };

  constructor(private readonly deps: CoordinatorDeps) {
    this.rejectionLog = new RejectionLog(deps.log);
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
    if (this.deps.lease.isLeader) await this.edgePrerequisites();
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
    const views = this.doorViews();
    // A service stays only where it was planned before, or kept while it moves.
    const wasIn = (service: string, cluster: string) =>
      this.latest?.plan.assignment[service] === cluster || (this.moving.get(service)?.has(cluster) ?? false);
    const keep = keepWhileMoving(planned, views, wasIn);
    const desired =
      keep.size > 0
        ? buildDesiredState(snapshot, this.deps.config, {
            previous: planned.plan.assignment,
            keep,
            certificates,
          })
        : planned;
    for (const c of desired.clusters) this.rememberHosts(c);
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

  /** The views of front door agents that reported lately. */
  private doorViews(): FrontDoorView[] {
    const now = Date.now();
    for (const [agent, r] of this.doorReports)
      if (now - r.at > DOOR_REPORT_TTL_MS) this.doorReports.delete(agent);
    return [...this.doorReports.values()].map((r) => r.view);
  }

  private rememberHosts(c: DesiredCluster): void {
    const versions = this.hostsAt.get(c.cluster) ?? new Map<string, Set<string>>();
    this.hostsAt.set(c.cluster, versions);
    if (!versions.has(c.version))
      rememberAtMost(versions, VERSIONS_KEPT, c.version, new Set(modelHosts(c.model).hosts));
  }

  /** Whether the version every replica of `cluster` runs (as workers recorded it) routes `host`. */
  private serves(cluster: string, host: string): boolean {
    const live = this.liveVersionOf.get(cluster);
    return live !== undefined && (this.hostsAt.get(cluster)?.get(live.version)?.has(host) ?? false);
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
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    const tasks = (await this.deps.docker.listTasks({
      filters: JSON.stringify({ service: [proxyServiceName(cluster, ext)] }),
    } as object)) as ProxyTask[];
    const running = tasks.filter((t) => t.Status?.State === 'running');
    if (running.length === 0) return false;
    if (!this.latest?.clusters.find((c) => c.cluster === cluster)?.runtimeTargets)
      return running.every((t) => t.Spec?.ContainerSpec?.Configs?.[0]?.ConfigName === live.config);
    const target = await this.configText(cluster, live.config);
    const hostnames = running.map((t) => t.Status?.ContainerStatus?.ContainerID?.slice(0, 12) ?? '');
    return target !== undefined && this.gate.serving(cluster, target.sha, hostnames) === hostnames.length;
  }

  /** Logs moves as they start and end, and looks again soon while any is under way. */
  private noteMoves(keep: Map<string, Set<string>>, desired: DesiredState): void {
    const named = (clusters: Set<string> | undefined) => [...(clusters ?? [])].sort().join(',');
    for (const [service, from] of keep) {
      if (named(this.moving.get(service)) !== named(from))
        this.deps.log.info(
          { [LogField.service]: service, from: named(from), to: desired.plan.assignment[service] },
          'app moves to another cluster; the one it leaves keeps its routes until the front door uses the new one',
        );
    }
    for (const [service, from] of this.moving) {
      if (!keep.has(service))
        this.deps.log.info(
          { [LogField.service]: service, from: named(from), to: desired.plan.assignment[service] },
          'app moved; the cluster it left drops its routes',
        );
    }
    this.moving = keep;
    if (keep.size === 0) {
      this.movingSince = undefined;
      return;
    }
    this.movingSince ??= Date.now();
    if (this.moveTimer || this.stopped) return;
    const delay = Date.now() - this.movingSince > 60_000 ? SLOW_MOVE_CHECK_MS : MOVE_CHECK_MS;
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
    const view = this.rendered.get(id);
    if (!view) return;
    const key = `${kind} ${agent}`;
    const before = this.doorReports.get(key)?.view;
    this.doorReports.set(key, { view, at: Date.now() });
    if (before !== view && this.moving.size > 0) this.trigger('agent');
  }

  /**
   * Each cluster as the front door sees it: its proxy tasks' addresses on the edge network, and only the
   * hosts the front door sends to it now.
   */
  private frontDoorClusters(desired: DesiredState) {
    return desired.clusters.map((c) => {
      const ext = this.extensionOf(c.cluster) ?? this.defaultExt();
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
    const edge = this.edge?.networkId;
    const snapshot = this.snapshot;
    const id = snapshot?.services.find((s) => s.name === service)?.id;
    if (!edge || !snapshot || !id) return [];
    return snapshot.tasks
      .filter((t) => t.serviceId === id && t.state === 'running' && t.desiredState === 'running')
      .flatMap((t) => t.addresses.get(edge) ?? []);
  }

  /**
   * Passes and rollouts both reconcile the proxy services; one at a time, since two updates of a service
   * from the same version make Docker refuse the second ("update out of sequence"). A rollout reconciles the
   * state in force when its turn comes, not an older one it saw while waiting.
   */
  private reconcileProxies(desired?: DesiredState, snapshot?: SwarmSnapshot): Promise<ProxyReconcileResult> {
    const run = this.proxiesBusy.then(() => {
      const state = desired ?? this.latest;
      const swarm = snapshot ?? this.snapshot;
      if (!state || !swarm) throw new Error('no desired state yet');
      return this.reconcileProxiesNow(state, swarm);
    });
    this.proxiesBusy = run.catch(() => undefined);
    return run;
  }

  private async reconcileProxiesNow(
    desired: DesiredState,
    snapshot: SwarmSnapshot,
  ): Promise<ProxyReconcileResult> {
    const frontDoor = this.deps.config.FrontDoor;
    const edge = await this.edgePrerequisites();
    const others = edge
      ? [
          {
            cluster: FRONT_DOOR_CLUSTER,
            spec: frontDoorServiceSpec({
              settings: frontDoor,
              networkId: edge.networkId,
              tokenSecret: edge.tokenSecret,
            }),
          },
        ]
      : [];
    // Before the updates: the tasks they create are younger than this, the tasks they replace older.
    const updatedFrom = Date.now();
    const inputs: ProxyInputs[] = [];
    for (const c of desired.clusters)
      inputs.push(this.proxyInputs(c, snapshot, edge, await this.agentSecret(c, edge)));
    const result = await this.deps.proxies
      .reconcile(inputs, others, this.deps.lease.epoch)
      .catch((e: unknown) => {
        if (e instanceof StaleLeaderError) this.deps.lease.stepDown(e.message);
        // The edge network or a token secret may have been removed behind our back; look again next pass.
        this.edge = undefined;
        this.agentSecrets.clear();
        throw e;
      });
    if (result.failed.length > 0) {
      // As above: a secret the spec names may be gone; the next pass looks again. The other clusters'
      // proxies were written, so one cluster's refused spec holds back no one else.
      this.edge = undefined;
      this.agentSecrets.clear();
    }
    if (result.termMarked) this.markedEpoch = this.deps.lease.epoch;
    for (const cluster of result.replaced) this.taskSpecAt.set(cluster, updatedFrom);
    for (const cluster of result.rolledBack) {
      // The config Swarm rolled back failed on the proxy; from now on the proxy's own (previous) config is live.
      if (this.live.delete(cluster))
        this.deps.log.warn({ [LogField.cluster]: cluster }, 'proxy rolled back; keeping its previous config');
      this.policies.delete(cluster);
    }
    return result;
  }

  /** The edge network and agent token secret, found or made once (again after an error); none without a front door. */
  private async edgePrerequisites(): Promise<EdgePrerequisites | undefined> {
    const frontDoor = this.deps.config.FrontDoor;
    if (!frontDoor.Enabled) return undefined;
    this.edge ??= await ensureEdgePrerequisites(this.deps.docker, frontDoor, this.deps.agentTokens.frontDoor);
    return this.edge;
  }

  /** The secret with the cluster's own agent token, for a proxy whose agents talk to us; none otherwise. */
  private async agentSecret(
    c: DesiredCluster,
    edge?: EdgePrerequisites,
  ): Promise<{ name: string; id: string } | undefined> {
    if (!edge || !c.runtimeTargets) return undefined;
    const known = this.agentSecrets.get(c.cluster);
    if (known) return known;
    const ext = this.extensionOf(c.cluster) ?? this.defaultExt();
    const secret = await ensureAgentTokenSecret(this.deps.docker, this.deps.agentTokens.cluster(c.cluster), {
      ...ext.ProxyLabels,
      [CLUSTER_LABEL]: c.cluster,
    });
    this.agentSecrets.set(c.cluster, secret);
    return secret;
  }

  private proxyInputs(
    c: DesiredCluster,
    snapshot: SwarmSnapshot,
    edge?: EdgePrerequisites,
    tokenSecret?: { name: string; id: string },
  ): ProxyInputs {
    const ext = this.extensionOf(c.cluster);
    const byName = new Map(snapshot.networks.map((n) => [n.name, n.id]));
    const extra = (ext?.Networks ?? [])
      .map((name) => byName.get(name))
      .filter((id): id is string => id !== undefined);
    const secrets = c.model.secrets
      .map((name) => ({ name, id: snapshot.secrets?.get(name) ?? '' }))
      .filter((s) => s.id !== '');
    const inputs: ProxyInputs = {
      cluster: c.cluster,
      ext: ext ?? this.defaultExt(),
      networkIds: [...c.model.networks.map((n) => n.id), ...extra, ...(edge ? [edge.networkId] : [])],
      secrets,
      behindFrontDoor: edge !== undefined,
    };
    if (tokenSecret) {
      inputs.agent = {
        targetsUrl: new URL(targetsPath(c.cluster), this.deps.config.FrontDoor.ConfigURL).href,
        configUrl: new URL(agentConfigPath(c.cluster), this.deps.config.FrontDoor.ConfigURL).href,
        tokenSecret,
      };
    }
    const live = this.live.get(c.cluster);
    if (live) inputs.config = live;
    const policy = this.policies.get(c.cluster);
    if (policy) inputs.policy = policy;
    return inputs;
  }

  private extensionOf(cluster: string) {
    const entry = this.latest?.clusters.find((c) => c.cluster === cluster);
    return entry ? this.deps.config.Extensions[entry.extension] : undefined;
  }

  private defaultExt() {
    return (
      this.deps.config.Extensions.default ??
      Object.values(this.deps.config.Extensions)[0] ??
      defaultExtension()
    );
  }

  desired(): DesiredState | undefined {
    return this.latest;
  }

  isLeader(): boolean {
    return this.deps.lease.isLeader;
  }

  servesAgents(): boolean {
    return this.deps.lease.isLeader && this.markedEpoch === this.deps.lease.epoch;
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

  /** The nginx.conf of the front door's HTTP instance: no host in it, the same for every desired state. */
  frontDoorConfig(): { text: string; sha: string } | undefined {
    if (!this.latest) return undefined;
    if (!this.frontDoorHttpText) {
      const text = renderFrontDoor(defaultFrontDoorOptions());
      this.frontDoorHttpText = { text, sha: sha256Hex(text) };
    }
    return this.frontDoorHttpText;
  }

  /** The nginx.conf of the front door's TLS instance for the current desired state, rendered once per state. */
  frontDoorTlsConfig(): { text: string; sha: string } | undefined {
    const desired = this.latest;
    if (!desired) return undefined;
    if (this.frontDoorText?.for !== desired) {
      const clusters = this.frontDoorClusters(desired);
      const text = renderFrontDoorTls(clusters, defaultFrontDoorOptions());
      this.frontDoorText = { for: desired, text, sha: sha256Hex(text) };
      // The config routes only TLS hosts (by SNI); its view must not vouch for the HTTP ones.
      const tls = new Set(clusters.flatMap((c) => c.tlsHosts));
      rememberAtMost(
        this.rendered,
        RENDERED_KEPT,
        this.frontDoorText.sha,
        new Map([...this.chosen].filter(([h]) => tls.has(h))),
      );
    }
    return this.frontDoorText;
  }

  /**
   * The front door's HTTP host map (run-time, no reload) for the current desired state, with its version;
   * undefined until this coordinator knows the edge network (a standby that just took over, before its first
   * pass as leader), since a map without proxy addresses would turn every host away.
   */
  frontDoorHosts(): { version: string; text: string } | undefined {
    const desired = this.latest;
    if (!desired || !this.edge) return undefined;
    if (this.frontDoorMap?.for !== desired) {
      const clusters = this.frontDoorClusters(desired);
      this.frontDoorMap = { for: desired, ...renderFrontDoorHosts(clusters) };
      const routed = new Set(clusters.flatMap((c) => c.hosts));
      rememberAtMost(
        this.rendered,
        RENDERED_KEPT,
        this.frontDoorMap.version,
        new Map([...this.chosen].filter(([h]) => routed.has(h))),
      );
    }
    return this.frontDoorMap;
  }

  settingsOf(cluster: string) {
    const entry = this.latest?.clusters.find((c) => c.cluster === cluster);
    if (!entry) return undefined;
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    return {
      extension: entry.extension,
      settingsJson: JSON.stringify(ext.Config),
      ports: {
        http: ext.TargetPort,
        https: ext.TargetSSLPort,
        publishedHttps: publishedHttpsPort(this.deps.config, ext),
      },
      proxyService: proxyServiceName(cluster, ext),
    };
  }

  async storeConfig(
    cluster: string,
    version: string,
    nginxConf: string,
    excluded: { services: string[]; reason: string } = { services: [], reason: '' },
  ) {
    if (excluded.services.length > 0) this.excluded.set(cluster, { version, ...excluded });
    else this.excluded.delete(cluster);
    const stored = await storeProxyConfig(this.deps.docker, cluster, nginxConf, this.deps.configNameKey);
    if (stored.created) {
      // A config pruned earlier and stored again is a new object: a cached id would name the removed one,
      // and a proxy spec naming it fails every later pass ("config not found").
      this.storedConfigs.delete(stored.name);
      const inUse = [
        this.live.get(cluster),
        this.rollouts.get(cluster)?.previous,
        await this.agentConfigRef(cluster),
      ];
      const removed = await pruneProxyConfigs(
        this.deps.docker,
        cluster,
        new Set(inUse.flatMap((c) => (c ? [c.name] : []))),
      );
      for (const name of removed) this.storedConfigs.delete(name);
      if (removed.length > 0)
        this.deps.log.info({ [LogField.cluster]: cluster, removed }, 'pruned old proxy configs');
    }
    return stored;
  }

  async startRollout(r: RolloutRequest): Promise<Rollout> {
    this.fenceLockHolder(r.cluster, r.lockToken);
    // Looked up afresh: the id goes into the proxy's spec, and another leader may have pruned and stored
    // the same text again since this one cached it.
    const found = await this.configText(r.cluster, r.configName, { fresh: true });
    if (!found)
      throw new SignalboxError('NOT_FOUND', `no stored config ${r.configName}`, {
        cluster: r.cluster,
        config: r.configName,
      });
    const previous = this.live.get(r.cluster) ?? (await this.agentConfigRef(r.cluster));
    this.rollouts.set(r.cluster, { ...(previous ? { previous } : {}), startedAt: Date.now() });
    this.refusals.delete(r.cluster);
    const config = { name: found.name, id: found.id };
    this.live.set(r.cluster, config);
    // UNSPECIFIED order and a zero delay mean "as the extension's config says".
    const ext = this.extensionOf(r.cluster) ?? this.defaultExt();
    const configured = defaultUpdateOrder(ext, this.deps.config.FrontDoor.Enabled);
    this.policies.set(r.cluster, {
      order: r.order === 'STOP_FIRST' ? 'stop-first' : r.order === 'START_FIRST' ? 'start-first' : configured,
      delayMs: r.delayMs > 0 ? r.delayMs : durationMs(ext.ProxyUpdateDelay ?? '0s'),
      parallelism: Math.max(1, r.parallelism),
      monitorMs: r.monitorMs,
    });
    this.deps.log.info(
      {
        [LogField.cluster]: r.cluster,
        [LogField.config]: r.configName,
        order: this.policies.get(r.cluster)?.order,
      },
      'rollout started',
    );
    if (this.latest && this.snapshot) {
      const result = await this.reconcileProxies();
      const refused = result.failed.find((f) => f.cluster === r.cluster);
      if (refused) {
        // Not started: agents go on being handed what they ran before.
        if (previous) this.live.set(r.cluster, previous);
        else this.live.delete(r.cluster);
        throw new SignalboxError(
          'PROXY_SPEC_REFUSED',
          `Docker refused the proxy spec of cluster ${r.cluster}: ${refused.error}`,
          { cluster: r.cluster, config: r.configName },
        );
      }
      const mode = result.inPlace.includes(r.cluster) ? 'in_place' : 'replace';
      this.deps.metrics.rollouts.inc({ cluster: r.cluster, mode });
      this.deps.log.info(
        { [LogField.cluster]: r.cluster, [LogField.config]: r.configName, mode },
        'rollout mode',
      );
    }
    return this.rolloutStatus(r.cluster);
  }

  /** The config object an agent-run proxy is meant to run, from its label (survives a change of leader). */
  private async agentConfigRef(cluster: string): Promise<{ name: string; id: string } | undefined> {
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    const proxy = this.snapshot?.services.find((s) => s.name === proxyServiceName(cluster, ext));
    const name = proxy?.labels[CONFIG_LABEL];
    if (!name) return undefined;
    const found = await this.configText(cluster, name);
    return found ? { name: found.name, id: found.id } : undefined;
  }

  /** A stored config, looked up (and checked) once, not on every agent poll; `fresh` skips the cache. */
  private async configText(
    cluster: string,
    name: string,
    options: { fresh?: boolean } = {},
  ): Promise<{ name: string; id: string; text: string; sha: string } | undefined> {
    const cached = options.fresh ? undefined : this.storedConfigs.get(name);
    if (cached) return cached;
    const found = await findProxyConfig(this.deps.docker, cluster, name, this.deps.configNameKey);
    if (found === undefined) return undefined;
    const entry = { ...found, sha: sha256Hex(found.text) };
    this.storedConfigs.delete(name);
    // Configs are content-named and pruned to a few per cluster; this bounds the cache the same way.
    rememberAtMost(this.storedConfigs, 64, name, entry);
    return entry;
  }

  /**
   * What a proxy's agent should run now: the cluster's newest config when this task's turn has come (see
   * InPlaceGate), 'wait' otherwise, undefined when the cluster has no config yet. Every call records what the
   * agent reported: the sha256 of its live config and of a config it refused.
   */
  async agentConfig(
    cluster: string,
    task: string,
    live: string,
    refused: string,
  ): Promise<{ text: string; sha: string } | 'wait' | undefined> {
    if (!this.latest?.clusters.some((c) => c.cluster === cluster)) return undefined;
    const ref = this.live.get(cluster) ?? (await this.agentConfigRef(cluster));
    const target = ref ? await this.configText(cluster, ref.name) : undefined;
    if (!ref || !target) return undefined;
    if (this.gate.report(cluster, task, live, refused)) this.deps.metrics.proxyReloads.inc({ cluster });
    if (refused !== '' && refused === target.sha) {
      if (this.refusals.get(cluster)?.config !== ref.name && (await this.isProxyTask(cluster, task)))
        this.revertRefused(cluster, task, ref.name);
      return 'wait';
    }
    if (live !== target.sha && (await this.startedBeforeTaskChange(cluster, task))) return 'wait';
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    const policy = this.policies.get(cluster);
    const delayMs = policy?.delayMs ?? durationMs(ext.ProxyUpdateDelay ?? '0s');
    return this.gate.mayApply(cluster, task, target.sha, {
      parallelism: policy?.parallelism ?? 1,
      delayMs: Math.max(delayMs, MIN_RELOAD_INTERVAL_MS),
    })
      ? target
      : 'wait';
  }

  /**
   * Whether a proxy task predates its cluster's latest task template: Swarm is replacing it, and it may lack
   * a network the new config's routes need, so it keeps its config until it stops.
   */
  private async startedBeforeTaskChange(cluster: string, task: string): Promise<boolean> {
    const changedAt = this.taskSpecAt.get(cluster);
    if (changedAt === undefined) return false;
    let known = this.proxyTaskTimes.get(cluster);
    if (!known || Date.now() - known.at > 1_000) {
      const ext = this.extensionOf(cluster) ?? this.defaultExt();
      const tasks = (await this.deps.docker.listTasks({
        filters: JSON.stringify({ service: [proxyServiceName(cluster, ext)] }),
      } as object)) as (ProxyTask & { CreatedAt?: string })[];
      const created = new Map(
        tasks.map((t) => [
          t.Status?.ContainerStatus?.ContainerID?.slice(0, 12) ?? '',
          Date.parse(t.CreatedAt ?? ''),
        ]),
      );
      known = { at: Date.now(), created };
      this.proxyTaskTimes.set(cluster, known);
    }
    const created = known.created.get(task);
    return created !== undefined && created < changedAt;
  }

  /**
   * Whether `task` (an agent's hostname: the first 12 characters of its container's ID) is a task of the
   * cluster's proxy. A refusal reverts a rollout, so it counts only from one; asked only when one arrives.
   */
  private async isProxyTask(cluster: string, task: string): Promise<boolean> {
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    const tasks = (await this.deps.docker.listTasks({
      filters: JSON.stringify({ service: [proxyServiceName(cluster, ext)] }),
    } as object)) as ProxyTask[];
    const known = tasks.some((t) => t.Status?.ContainerStatus?.ContainerID?.slice(0, 12) === task);
    if (!known)
      this.deps.log.warn({ [LogField.cluster]: cluster, task }, 'refusal from no task of the proxy; ignored');
    return known;
  }

  /** An agent refused a config nginx -t passed on the worker: stop handing it out, go back to the previous one. */
  private revertRefused(cluster: string, task: string, config: string): void {
    if (this.refusals.get(cluster)?.config === config) return;
    const message = `the agent of proxy task ${task} refused config ${config} (nginx -t failed there); reverted`;
    this.refusals.set(cluster, { config, message });
    const previous = this.rollouts.get(cluster)?.previous;
    if (previous) this.live.set(cluster, previous);
    else this.live.delete(cluster);
    this.deps.metrics.rollouts.inc({ cluster, mode: 'reverted' });
    this.deps.log.error({ [LogField.cluster]: cluster, [LogField.config]: config, task }, message);
    this.trigger('agent');
  }

  /**
   * A worker whose cluster lock expired (a long pause, a partition) may still be running the job; another
   * worker has taken the lock since, with a higher token. Its rollout is refused, so the two never
   * interleave. Tokens count from Redis, which may restart empty: they are compared within a leader's term
   * only (a new term starts with every token).
   */
  private fenceLockHolder(cluster: string, token: number): void {
    if (token === 0) return;
    const epoch = this.deps.lease.epoch;
    const seen = this.lockTokens.get(cluster);
    if (seen && seen.epoch === epoch && token < seen.token)
      throw new SignalboxError(
        'LOCK_SUPERSEDED',
        `cluster ${cluster}: a rollout under lock token ${seen.token} started after this one's ${token}; its lock has expired`,
        { cluster },
      );
    this.lockTokens.set(cluster, { epoch, token });
  }

  async rolloutStatus(cluster: string): Promise<Rollout> {
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    const name = proxyServiceName(cluster, ext);
    const svc = await this.deps.docker.getService(name).inspect();
    const tasks = (await this.deps.docker.listTasks({
      filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }),
    } as object)) as ProxyTask[];
    // The label may lag while Swarm rolls tasks (see ProxyServiceManager); the leader's own record does not.
    const agentConfig = svc.Spec?.Labels?.[CONFIG_LABEL];
    if (agentConfig !== undefined)
      return this.agentRolloutStatus(cluster, svc, tasks, this.live.get(cluster)?.name ?? agentConfig);
    const configs = svc.Spec?.TaskTemplate?.ContainerSpec?.Configs as { ConfigName: string }[] | undefined;
    const configName = configs?.[0]?.ConfigName ?? '';
    const running = tasks.filter((t) => t.Status?.State === 'running');
    return {
      cluster,
      service: name,
      state: svc.UpdateStatus?.State ?? '',
      message: svc.UpdateStatus?.Message ?? '',
      configName,
      tasksRunning: running.length,
      tasksDesired: svc.Spec?.Mode?.Replicated?.Replicas ?? 0,
      tasksServing: running.filter((t) => t.Spec?.ContainerSpec?.Configs?.[0]?.ConfigName === configName)
        .length,
      stuck: stuckReason(tasks, Date.now()),
    };
  }

  /**
   * A proxy whose agents apply configs: a task serves the config its agent reports running. Swarm's update
   * state counts only while it belongs to this rollout (an in-place rollout leaves it untouched); otherwise
   * the rollout is `updating` until every replica serves, then `completed`.
   */
  private async agentRolloutStatus(
    cluster: string,
    svc: Awaited<ReturnType<ReturnType<CoordinatorDeps['docker']['getService']>['inspect']>>,
    tasks: ProxyTask[],
    configName: string,
  ): Promise<Rollout> {
    const running = tasks.filter((t) => t.Status?.State === 'running');
    const desired = svc.Spec?.Mode?.Replicated?.Replicas ?? 0;
    const target = await this.configText(cluster, configName);
    const hostnames = running.map((t) => t.Status?.ContainerStatus?.ContainerID?.slice(0, 12) ?? '');
    const serving = target ? this.gate.serving(cluster, target.sha, hostnames) : 0;
    const startedAt = this.rollouts.get(cluster)?.startedAt ?? 0;
    const swarm = svc.UpdateStatus?.State ?? '';
    const swarmCurrent = swarm !== '' && Date.parse(svc.UpdateStatus?.StartedAt ?? '') >= startedAt - 2_000;
    const refusal = this.refusals.get(cluster);
    const state = refusal
      ? 'rollback_completed'
      : swarmCurrent && swarm !== 'completed'
        ? swarm
        : serving >= desired
          ? 'completed'
          : 'updating';
    return {
      cluster,
      service: svc.Spec?.Name ?? '',
      state,
      message: refusal?.message ?? (swarmCurrent ? (svc.UpdateStatus?.Message ?? '') : ''),
      configName,
      tasksRunning: running.length,
      tasksDesired: desired,
      tasksServing: serving,
      stuck: stuckReason(tasks, Date.now()),
    };
  }

  async rollback(cluster: string): Promise<Rollout> {
    const ext = this.extensionOf(cluster) ?? this.defaultExt();
    const service = this.deps.docker.getService(proxyServiceName(cluster, ext));
    const current = await service.inspect();
    if (current.Spec?.Labels?.[MANAGED_LABEL] !== MANAGED_VALUE) {
      throw new SignalboxError('NOT_MANAGED', `service ${current.Spec?.Name} is not managed by Signalbox`, {
        cluster,
      });
    }
    await service.update({ ...current.Spec, version: current.Version.Index, rollback: 'previous' });
    this.live.delete(cluster);
    return this.rolloutStatus(cluster);
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
    const settings = this.settingsOf(c.cluster);
    // No proxy service yet (the leader makes it on its next pass): nothing is rolling out.
    const rollout = await this.rolloutStatus(c.cluster).catch(() => undefined);
    const known = live.get(c.cluster);
    const liveVersion = known && known.config === rollout?.configName ? known.version : '';
    const serving = rollout !== undefined && (rollout.tasksServing ?? 0) >= (rollout.tasksDesired ?? 0);
    const inSync = liveVersion === c.version && serving;
    const since = this.versionSince.get(c.cluster)?.since ?? Date.now();
    return {
      name: c.cluster,
      extension: c.extension,
      proxyService: settings?.proxyService ?? '',
      desiredVersion: c.version,
      liveVersion,
      liveConfig: rollout?.configName ?? '',
      inSync,
      behindSeconds: inSync ? 0 : (Date.now() - since) / 1000,
      networks: c.model.networks.length,
      routes: routeCount(c.model),
      services: c.model.services.length,
      rollout: rollout ?? null,
      jobRetry: inSync ? '' : jobRetry,
    };
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
    const moves = Object.entries(fresh.plan.assignment)
      .filter(([service, to]) => (current.plan.assignment[service] ?? to) !== to)
      .map(([service, to]) => ({
        service,
        from: current.plan.assignment[service] ?? '',
        to,
        reason: fresh.plan.explanations[service] ?? '',
      }))
      .sort((a, b) => (a.service < b.service ? -1 : 1));
    if (apply) {
      this.forcedAssignment = fresh.plan.assignment;
      this.deps.log.info({ moves: moves.length }, 'operator applied a fresh plan');
      this.trigger('plan');
    }
    return {
      before: planMetrics(current.plan.metrics),
      after: planMetrics(fresh.plan.metrics),
      moves,
      applied: apply,
      millis: fresh.plan.metrics.millis,
    };
  }
}
