import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { coordinatorClient } from '#coordinator-client/coordinator-client.js';
import type { ClientTls } from '#platform/grpc/grpc-tls.js';
import { connectRedis } from '#platform/redis/redis-connection.js';
import { CONFIG_QUEUE, liveVersionKey } from '#shared/jobs/config-job.js';
import { startWorkerHttp } from './http/worker-http.js';
import { ClusterLock } from './lock/cluster-lock.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { makeConfigJobProcessor } from './processors/process-config-job.js';
import { NginxValidator } from './validate/nginx-validator.js';

/** The setting `redisUrl` comes from (see main.ts), named in its error. */
const REDIS_KEY = 'SIGNALBOX_REDIS_URL';

export interface WorkerSettings {
  coordinatorAddress: string;
  token: string;
  /** The gRPC API's TLS (main.ts reads SIGNALBOX_GRPC_CA_FILE and, for mutual TLS, a pair); plain without. */
  tls?: ClientTls;
  /** `redis://host:port` or `redis-sentinel://host:26379,…/master-name` (shared/src/config/redis-address.ts). */
  redisUrl: string;
  /** The Redis password (main.ts reads it from SIGNALBOX_REDIS_PASSWORD_FILE); none when undefined. */
  redisPassword?: string;
  concurrency: number;
  workerId: string;
  serverInfo: string;
  queuePrefix?: string;
  keyPrefix?: string;
  /** How long a job stays locked to a worker that stopped renewing it (a dead worker), in ms. */
  jobLockMs?: number;
  /** How long a dead worker's cluster lock outlives it, in ms. */
  clusterLockMs?: number;
  /** Where /healthz, /readyz and /metrics listen; none when absent (tests). */
  http?: { host: string; port: number };
}

export interface RunningWorker {
  worker: Worker;
  metrics: WorkerMetrics;
  httpPort: number | undefined;
  /** Waits for the jobs in hand unless `force` (tests' cleanup, which must not wait on a long rollout). */
  stop: (force?: boolean) => Promise<void>;
}

/** A BullMQ worker on the config queue; holds no Docker socket: every change goes through the coordinator. */
export async function startWorker(settings: WorkerSettings, log: Logger): Promise<RunningWorker> {
  // Without listeners ioredis and BullMQ print connection errors unstructured; ioredis keeps reconnecting.
  const redisLog = log.child({ component: 'redis' });
  const redis = connectRedis(REDIS_KEY, settings.redisUrl, redisLog, 'redis', settings.redisPassword);
  const keyPrefix = settings.keyPrefix ?? 'signalbox';
  const metrics = new WorkerMetrics();
  const client = coordinatorClient(settings.coordinatorAddress, settings.token, settings.tls);
  const processor = makeConfigJobProcessor({
    coordinator: client,
    lock: new ClusterLock(redis, keyPrefix, settings.clusterLockMs ?? 30_000, log),
    validator: new NginxValidator(),
    workerId: settings.workerId,
    serverInfo: settings.serverInfo,
    log,
    metrics,
    recordLive: async (cluster, live) => {
      await redis.hset(liveVersionKey(keyPrefix), cluster, JSON.stringify(live));
    },
  });
  const queueConnection = connectRedis(
    REDIS_KEY,
    settings.redisUrl,
    redisLog,
    'queue',
    settings.redisPassword,
  );
  const worker = new Worker(CONFIG_QUEUE, processor, {
    connection: queueConnection,
    prefix: settings.queuePrefix ?? 'bull',
    concurrency: settings.concurrency,
    // A worker that dies mid-job stops renewing its lock; after this long another worker picks the job up.
    lockDuration: settings.jobLockMs ?? 30_000,
    stalledInterval: Math.max(500, Math.floor((settings.jobLockMs ?? 30_000) / 2)),
  });
  const observeDuration = (job: { processedOn?: number; finishedOn?: number } | undefined): void => {
    if (job?.processedOn && job.finishedOn)
      metrics.jobDuration.observe((job.finishedOn - job.processedOn) / 1000);
  };
  worker.on('error', (err) => redisLog.warn({ err: err.message }, 'worker error'));
  worker.on('completed', (job) => {
    metrics.jobs.inc({ result: 'done' });
    observeDuration(job);
  });
  worker.on('failed', (job, err) => {
    metrics.jobs.inc({ result: 'failed' });
    // Deterministic failures were counted by kind where they happened; the rest are retried.
    if (!(err instanceof UnrecoverableError))
      metrics.failures.inc({ cluster: String(job?.data?.cluster ?? ''), kind: 'error' });
    observeDuration(job);
    log.warn({ jobId: job?.id, err: err.message }, 'config job failed');
  });
  await worker.waitUntilReady();
  const http = settings.http
    ? await startWorkerHttp(
        metrics.registry,
        () =>
          redis.status !== 'ready'
            ? `redis is ${redis.status}`
            : worker.isRunning()
              ? undefined
              : 'worker is not running',
        settings.http,
      )
    : undefined;
  return {
    worker,
    metrics,
    httpPort: http?.port,
    stop: async (force = false) => {
      await http?.stop();
      await worker.close(force);
      client.close();
      redis.disconnect();
      queueConnection.disconnect();
    },
  };
}
