import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type ConfigJobData,
  configJobId,
  LiveVersion,
  liveVersionKey,
  RENDER_CLUSTER_JOB,
} from '#shared/jobs/config-job.js';

/** `coalesced`: the new job replaced a waiting one of the same cluster, which will not run. */
export type EnqueueResult = 'enqueued' | 'coalesced' | 'unchanged';

/**
 * Enqueues one config job per changed cluster and coalesces: a cluster has at most one waiting job, and a
 * newer version replaces the waiting one. The versions last enqueued live in Redis, not in memory, so a
 * coordinator that takes over leadership does not enqueue again what its predecessor already did.
 */
export class ConfigJobQueue {
  private readonly enqueuedKey: string;
  private readonly waitingKey: string;
  private readonly liveKey: string;

  constructor(
    private readonly queue: Queue<ConfigJobData>,
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.enqueuedKey = `${keyPrefix}:enqueued-version`;
    this.waitingKey = `${keyPrefix}:waiting-job`;
    this.liveKey = liveVersionKey(keyPrefix);
  }

  /** `changedAt`: when the change this version answers was seen (ms since the epoch), for event→live latency. */
  async enqueue(
    cluster: string,
    version: string,
    epoch: number,
    changedAt = Date.now(),
  ): Promise<EnqueueResult> {
    if ((await this.redis.hget(this.enqueuedKey, cluster)) === version) return 'unchanged';
    const previous = await this.redis.hget(this.waitingKey, cluster);
    const jobId = configJobId(cluster, version);
    await this.queue.add(
      RENDER_CLUSTER_JOB,
      { cluster, version, epoch, changedAt },
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
    const replaced = previous && previous !== jobId ? (await this.queue.remove(previous)) === 1 : false;
    return replaced ? 'coalesced' : 'enqueued';
  }

  /** Jobs by state, for status reports. */
  async counts(): Promise<Record<'waiting' | 'active' | 'delayed' | 'failed' | 'completed', number>> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  /** The version each cluster's proxies serve, as workers recorded it; unreadable entries are skipped. */
  async liveVersions(): Promise<Map<string, LiveVersion>> {
    const out = new Map<string, LiveVersion>();
    for (const [cluster, text] of Object.entries(await this.redis.hgetall(this.liveKey))) {
      try {
        const parsed = LiveVersion.safeParse(JSON.parse(text));
        if (parsed.success) out.set(cluster, parsed.data);
      } catch {
        // Not JSON: written by something else; the cluster then shows no live version.
      }
    }
    return out;
  }

  /** Clusters that no longer exist should not keep their last version, or a re-created one would be skipped. */
  async forget(cluster: string): Promise<void> {
    await this.redis.hdel(this.enqueuedKey, cluster);
    await this.redis.hdel(this.waitingKey, cluster);
    await this.redis.hdel(this.liveKey, cluster);
  }
}
