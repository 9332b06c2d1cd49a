import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type ConfigJobData, configJobId, RENDER_CLUSTER_JOB } from '#shared/jobs/config-job.js';

export type EnqueueResult = 'enqueued' | 'unchanged';

/**
 * Enqueues one config job per changed cluster and coalesces: a cluster has at most one waiting job, and a
 * newer version replaces the waiting one. The versions last enqueued live in Redis, not in memory, so a
 * coordinator that takes over leadership does not enqueue again what its predecessor already did.
 */
export class ConfigJobQueue {
  private readonly enqueuedKey: string;
  private readonly waitingKey: string;

  constructor(
    private readonly queue: Queue<ConfigJobData>,
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.enqueuedKey = `${keyPrefix}:enqueued-version`;
    this.waitingKey = `${keyPrefix}:waiting-job`;
  }

  async enqueue(cluster: string, version: string, epoch: number): Promise<EnqueueResult> {
    if ((await this.redis.hget(this.enqueuedKey, cluster)) === version) return 'unchanged';
    const previous = await this.redis.hget(this.waitingKey, cluster);
    const jobId = configJobId(cluster, version);
    await this.queue.add(
      RENDER_CLUSTER_JOB,
      { cluster, version, epoch },
      {
        jobId,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: 1_000,
        removeOnFail: 1_000,
      },
    );
    await this.redis.hset(this.enqueuedKey, cluster, version);
    await this.redis.hset(this.waitingKey, cluster, jobId);
    // A job a worker already took is locked and stays; the worker drops it when it sees a newer version.
    if (previous && previous !== jobId) await this.queue.remove(previous);
    return 'enqueued';
  }

  /** Clusters that no longer exist should not keep their last version, or a re-created one would be skipped. */
  async forget(cluster: string): Promise<void> {
    await this.redis.hdel(this.enqueuedKey, cluster);
    await this.redis.hdel(this.waitingKey, cluster);
  }
}
