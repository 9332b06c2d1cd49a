import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import {
  type CoordinatorClient,
  errorCodeOf,
  leaderUnary,
  unary,
} from '#coordinator-client/coordinator-client.js';
import { NginxSettings } from '#shared/config/index.js';
import type { ClusterSnapshot__Output } from '#shared/gen/signalbox/v1/ClusterSnapshot.js';
import type { Rollout__Output } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StoreConfigResponse__Output } from '#shared/gen/signalbox/v1/StoreConfigResponse.js';
import { ConfigJobData, type LiveVersion } from '#shared/jobs/config-job.js';
import { LogField } from '#shared/log/fields.js';
import type { ClusterModel } from '#shared/model/index.js';
import { DEFAULT_RUNTIME_TARGETS, renderCluster } from '#shared/nginx/index.js';
import type { ClusterLock } from '../lock/cluster-lock.js';
import type { RolloutStage, WorkerMetrics } from '../metrics/worker-metrics.js';
import type { NginxValidator } from '../validate/nginx-validator.js';
import { type Excluded, validatedConfig } from './validated-config.js';

export interface ProcessorDeps {
  coordinator: CoordinatorClient;
  lock: Pick<ClusterLock, 'tryAcquire'>;
  validator: Pick<NginxValidator, 'validate'>;
  workerId: string;
  serverInfo: string;
  log: Logger;
  metrics: WorkerMetrics;
  /** Records that a cluster's proxies serve a version (Redis, read by status reports). */
  recordLive: (cluster: string, live: LiveVersion) => Promise<void>;
  /** How long a job waits before trying again when another worker holds its cluster. */
  lockRetryMs?: number;
}

/** `excluded` names the services left out because their routes failed `nginx -t` (the job's result and logs). */
export type JobOutcome =
  | { outcome: 'superseded'; version: string }
  | { outcome: 'unchanged'; configName: string; excluded?: Excluded }
  | { outcome: 'rolled-out'; configName: string; rollout: Rollout__Output; excluded?: Excluded };

const WATCH_DEADLINE_MS = 16 * 60_000;

const ROLLED_BACK = new Set(['rollback_started', 'rollback_completed', 'rollback_paused', 'paused']);

function watchRollout(
  client: CoordinatorClient,
  cluster: string,
  onUpdate: (r: Rollout__Output) => void,
): Promise<Rollout__Output> {
  return new Promise((resolve, reject) => {
    let last: Rollout__Output | undefined;
    // The coordinator ends a watch after 15 minutes; past that a silent stream is a lost one.
    const stream = client.WatchRollout({ cluster }, { deadline: Date.now() + WATCH_DEADLINE_MS });
    stream.on('data', (r: Rollout__Output) => {
      last = r;
      onUpdate(r);
    });
    stream.on('end', () =>
      last ? resolve(last) : reject(new Error('rollout stream ended without a status')),
    );
    stream.on('error', reject);
  });
}

/**
 * A watch a standby refused (UNAVAILABLE, NOT_LEADER) is opened again; round robin sends it to the next
 * coordinator. Other errors end the watch.
 */
async function watchLeaderRollout(
  client: CoordinatorClient,
  cluster: string,
  onUpdate: (r: Rollout__Output) => void,
  attempts = 8,
): Promise<Rollout__Output> {
  for (let i = 1; ; i++) {
    try {
      return await watchRollout(client, cluster, onUpdate);
    } catch (e) {
      if (i >= attempts || errorCodeOf(e) !== 'NOT_LEADER') throw e;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

/**
 * One config job: fetch the cluster's snapshot of the job's version, render, validate with `nginx -t`,
 * store it through the coordinator, roll it out and watch it to the end. Services whose routes nginx
 * refuses are left out and named (see validated-config.ts); the rest rolls out. Deterministic failures (a
 * config nginx refuses that no service explains, a rollout Swarm rolled back) are UnrecoverableError;
 * anything else is retried by BullMQ.
 */
export function makeConfigJobProcessor(deps: ProcessorDeps) {
  return async (job: Job, token?: string): Promise<JobOutcome> => {
    const parsed = ConfigJobData.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.issues[0]?.message}`);
    const { cluster, version, changedAt } = parsed.data;
    const stage = (name: RolloutStage): void => deps.metrics.stages.inc({ cluster, stage: name });
    const failed = (kind: string): void => deps.metrics.failures.inc({ cluster, kind });
    /** Every replica serves this version now: say so in Redis and in the event→live histogram. */
    const live = async (config: string): Promise<void> => {
      await deps.recordLive(cluster, { version, config, at: new Date().toISOString() });
      if (changedAt) deps.metrics.eventToLive.observe((Date.now() - changedAt) / 1000);
    };
    const log = deps.log.child({
      [LogField.cluster]: cluster,
      [LogField.version]: version,
      [LogField.jobId]: job.id,
    });

    const held = await deps.lock.tryAcquire(cluster, `${deps.workerId}:${job.id}`);
    if (!held) {
      // Another worker is rolling this cluster out; come back later without spending an attempt.
      await job.moveToDelayed(Date.now() + (deps.lockRetryMs ?? 1_000), token);
      throw new DelayedError();
    }
    try {
      let snapshot: ClusterSnapshot__Output;
      try {
        snapshot = await leaderUnary(deps.coordinator.GetClusterSnapshot.bind(deps.coordinator), {
          cluster,
          version,
        });
      } catch (e) {
        if (errorCodeOf(e) === 'STALE_VERSION') {
          stage('superseded');
          log.info('a newer version exists; dropping this job');
          return { outcome: 'superseded', version };
        }
        throw e;
      }
      stage('snapshot');
      const model = JSON.parse(snapshot.modelJson) as ClusterModel;
      const settings = NginxSettings.parse(JSON.parse(snapshot.settingsJson));
      const ports = {
        http: snapshot.ports?.http ?? 80,
        https: snapshot.ports?.https ?? 443,
        publishedHttps: snapshot.ports?.publishedHttps ?? 443,
      };
      const render = (m: ClusterModel): string =>
        renderCluster(m, {
          settings,
          ports,
          serverInfo: deps.serverInfo,
          trustedProxies: snapshot.trustedProxies,
          ...(snapshot.runtimeTargets ? { runtimeTargets: DEFAULT_RUNTIME_TARGETS } : {}),
        });
      stage('rendered');
      await job.updateProgress({ stage: 'validate' });
      const endValidation = deps.metrics.validation.startTimer();
      const validated = await validatedConfig(model, render, (conf) => deps.validator.validate(conf));
      endValidation();
      if (!validated.ok) {
        stage('invalid');
        failed('invalid');
        log.error(
          { nginx: validated.reason, isolation: validated.isolation },
          'rendered config failed nginx -t and no service explains it; not rolling out',
        );
        throw new UnrecoverableError(
          `nginx -t rejected the config of cluster ${cluster}: ${validated.reason}`,
        );
      }
      const { nginxConf, excluded } = validated;
      if (excluded) {
        failed('excluded');
        for (const service of excluded.services) {
          log.error(
            { [LogField.service]: service, nginx: excluded.reason, checks: excluded.checks },
            'service left out of the cluster config: with its routes nginx -t fails; the rest rolls out',
          );
        }
        await job.updateProgress({ stage: 'validate', excluded });
      }
      const also = excluded ? { excluded } : {};
      stage('validated');
      const stored = await unary<object, StoreConfigResponse__Output>(
        deps.coordinator.StoreConfig.bind(deps.coordinator),
        {
          cluster,
          version,
          nginxConf,
          excludedServices: excluded?.services ?? [],
          excludedReason: excluded?.reason ?? '',
        },
      );
      stage('stored');
      const current = await leaderUnary<object, Rollout__Output>(
        deps.coordinator.GetRollout.bind(deps.coordinator),
        {
          cluster,
        },
      ).catch(() => undefined);
      if (current?.configName === stored.configName && current.tasksServing >= current.tasksDesired) {
        stage('unchanged');
        await live(stored.configName);
        return { outcome: 'unchanged', configName: stored.configName, ...also };
      }
      await job.updateProgress({ stage: 'rollout', config: stored.configName });
      await leaderUnary(deps.coordinator.StartRollout.bind(deps.coordinator), {
        cluster,
        configName: stored.configName,
        lockToken: String(held.token),
      });
      stage('started');
      let rollback: Rollout__Output | undefined;
      const final = await watchLeaderRollout(deps.coordinator, cluster, (r) => {
        if (!rollback && (r.state.startsWith('rollback') || r.state === 'paused')) rollback = r;
        // Progress is for operators; Redis going away mid-watch must not become an unhandled rejection.
        job
          .updateProgress({
            stage: 'rollout',
            state: r.state,
            running: r.tasksRunning,
            desired: r.tasksDesired,
          })
          .catch((err: Error) =>
            deps.log.warn({ cluster, err: err.message }, 'rollout progress not recorded'),
          );
      });
      if (final.stuck) {
        stage('stuck');
        failed('stuck');
        await leaderUnary(deps.coordinator.Rollback.bind(deps.coordinator), { cluster });
        throw new UnrecoverableError(
          `rollout of ${stored.configName} to cluster ${cluster} is stuck and was rolled back: ${final.stuck}`,
        );
      }
      if (rollback || ROLLED_BACK.has(final.state) || final.configName !== stored.configName) {
        stage('rolled_back');
        failed('rolled_back');
        const why = rollback ?? final;
        throw new UnrecoverableError(
          `rollout of ${stored.configName} to cluster ${cluster} failed (${why.state || 'reverted'}): ${why.message || 'the proxy runs another config'}`,
        );
      }
      if (final.tasksServing < final.tasksDesired) {
        // Retryable: the next attempt finds the config stored and watches the same rollout again.
        throw new Error(
          `rollout of ${stored.configName} to cluster ${cluster} did not finish: ${final.tasksServing} of ${final.tasksDesired} tasks serve it (${final.state || 'no update status'})`,
        );
      }
      stage('serving');
      await live(stored.configName);
      log.info({ [LogField.config]: stored.configName }, 'rolled out');
      return { outcome: 'rolled-out', configName: stored.configName, rollout: final, ...also };
    } finally {
      await held.release();
    }
  };
}
