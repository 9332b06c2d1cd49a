import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { coordinatorClient } from '#coordinator-client/coordinator-client.js';
import { CONFIG_QUEUE } from '#shared/jobs/config-job.js';
import { ClusterLock } from './lock/cluster-lock.js';
import { makeConfigJobProcessor } from './processors/process-config-job.js';
import { NginxValidator } from './validate/nginx-validator.js';

export interface WorkerSettings {
  coordinatorAddress: string;
  token: string;
  redisUrl: string;
  concurrency: number;
  workerId: string;
  serverInfo: string;
  queuePrefix?: string;
  keyPrefix?: string;
  /** How long a job stays locked to a worker that stopped renewing it (a dead worker), in ms. */
  jobLockMs?: number;
  /** How long a dead worker's cluster lock outlives it, in ms. */
  clusterLockMs?: number;
}

/** A BullMQ worker on the config queue; holds no Docker socket: every change goes through the coordinator. */
export async function startWorker(
  settings: WorkerSettings,
  log: Logger,
): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const client = coordinatorClient(settings.coordinatorAddress, settings.token);
  const processor = makeConfigJobProcessor({
    coordinator: client,
    lock: new ClusterLock(redis, settings.keyPrefix ?? 'signalbox', settings.clusterLockMs ?? 30_000),
    validator: new NginxValidator(),
    workerId: settings.workerId,
    serverInfo: settings.serverInfo,
    log,
  });
  const worker = new Worker(CONFIG_QUEUE, processor, {
    connection: new Redis(settings.redisUrl, { maxRetriesPerRequest: null }),
    prefix: settings.queuePrefix ?? 'bull',
    concurrency: settings.concurrency,
    // A worker that dies mid-job stops renewing its lock; after this long another worker picks the job up.
    lockDuration: settings.jobLockMs ?? 30_000,
    stalledInterval: Math.max(500, Math.floor((settings.jobLockMs ?? 30_000) / 2)),
  });
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message }, 'config job failed'));
  await worker.waitUntilReady();
  return {
    worker,
    stop: async () => {
      await worker.close();
      client.close();
      redis.disconnect();
    },
  };
}
