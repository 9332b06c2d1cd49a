import { EventEmitter, once } from 'node:events';
import type { Logger } from 'pino';
import type { DesiredState, Rejection } from '#shared/desired/index.js';
import { LogField } from '#shared/log/fields.js';
import type { Assignment } from '#shared/planner/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import type { SwarmSource } from './docker/swarm-source.js';
import type { ChangeReason } from './docker/swarm-watcher.js';
import type { FrontDoorRouting } from './front-door/front-door-routing.js';
import type { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import { PassScheduler } from './pass-scheduler.js';
import type { CertificateChecks } from './proxy/certificate-checks.js';
import { epochOf, type ProxyReconcileResult } from './proxy/proxy-service-manager.js';
import type { ProxyWriter } from './proxy/proxy-writer.js';
import type { ConfigJobQueue } from './queue/config-job-queue.js';
import type { RolloutController } from './rollout/rollout-controller.js';
import { RejectionLog } from './views/rejection-log.js';

export interface ReconcilerDeps {
  source: SwarmSource;
  jobs: Pick<ConfigJobQueue, 'enqueue'>;
  lease: { readonly isLeader: boolean; readonly epoch: number; raiseFloor(epoch: number): void };
  metrics: CoordinatorMetrics;
  /** Verdicts on TLS secret pairs; without it certificates are taken as they are (tests of other parts). */
  certificates?: Pick<CertificateChecks, 'verdictsFor'>;
  log: Logger;
  /** Changes arriving within this window are handled by one pass. */
  debounceMs?: number;
  writer: Pick<ProxyWriter, 'edgePrerequisites' | 'write'>;
  edge: Pick<FrontDoorRouting, 'desired'>;
  rollout: Pick<RolloutController, 'restore'>;
  /** Every rejection in force, once the pass has set the desired state (see Coordinator.rejections). */
  rejections(): Rejection[];
}

export type TriggerReason =
  | ChangeReason
  | 'start'
  | 'leadership'
  | 'plan'
  | 'agent'
  | 'moving'
  | 'certificate';

export interface ReconcilerStats {
  passes: number;
  jobsEnqueued: number;
  jobsUnchanged: number;
  lastPassMs: number;
}

/**
 * The level-triggered core: any change signal schedules one pass that reads the whole swarm, rebuilds the
 * desired state, and (on the leader only) reconciles proxy services and enqueues a job for each cluster
 * whose version moved. Passes never overlap; a signal during a pass schedules exactly one more. It keeps
 * what the last pass built: the desired state in force and the snapshot it was built from.
 */
export class Reconciler {
  private latest: DesiredState | undefined;
  private snapshot: SwarmSnapshot | undefined;
  private readonly rejectionLog: RejectionLog;
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
  readonly stats: ReconcilerStats = { passes: 0, jobsEnqueued: 0, jobsUnchanged: 0, lastPassMs: 0 };

  constructor(private readonly deps: ReconcilerDeps) {
    this.rejectionLog = new RejectionLog(deps.log);
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
  }

  /** The desired state in force and the snapshot it was built from. */
  view(): { desired: DesiredState | undefined; snapshot: SwarmSnapshot | undefined } {
    return { desired: this.latest, snapshot: this.snapshot };
  }

  /** The next pass starts from this plan (one an operator applied) instead of the plan in force. */
  startNextPassFrom(assignment: Assignment): void {
    this.forcedAssignment = assignment;
  }

  /** Since when the cluster's desired version is wanted (now, for a cluster no pass has seen). */
  wantedSince(cluster: string): number {
    return this.versionSince.get(cluster)?.since ?? Date.now();
  }

  lastPass(): { ms: number; at: Date | undefined } {
    return { ms: this.stats.lastPassMs, at: this.lastPassAt };
  }

  async nextPass(ms: number, signal: AbortSignal): Promise<void> {
    await once(this.passes, 'pass', {
      signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, ms))]),
    }).catch(() => undefined);
  }

  /** Passes and rollouts both write the proxies, in turn; a rollout writes the state in force when its turn comes. */
  reconcileProxies(desired?: DesiredState, snapshot?: SwarmSnapshot): Promise<ProxyReconcileResult> {
    return this.deps.writer.write(() => ({
      desired: desired ?? this.latest,
      snapshot: snapshot ?? this.snapshot,
    }));
  }

  private async reconcileOnce(): Promise<void> {
    const started = performance.now();
    const changedAt = this.pendingSince ?? Date.now();
    this.pendingSince = undefined;
    const endTimer = this.deps.metrics.passes.startTimer();
    // Before the read, so the first desired state already knows the edge network's subnets (the proxies'
    // trusted range) and the first rollout is not followed by a second one that only adds them.
    if (this.deps.lease.isLeader) await this.deps.writer.edgePrerequisites();
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
    const desired = await this.deps.edge.desired(snapshot, previous, certificates);
    this.snapshot = snapshot;
    this.latest = desired;
    this.deps.metrics.observeDesired(desired);
    const rejections = this.deps.rejections();
    this.deps.metrics.observeRejections(rejections);
    this.rejectionLog.update(rejections);
    this.deps.metrics.leader.set(this.deps.lease.isLeader ? 1 : 0);
    for (const c of desired.clusters) {
      if (this.versionSince.get(c.cluster)?.version !== c.version)
        this.versionSince.set(c.cluster, { version: c.version, since: changedAt });
    }
    this.stats.passes += 1;
    if (this.deps.lease.isLeader) {
      await this.deps.rollout.restore(this.deps.lease.epoch);
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
}
