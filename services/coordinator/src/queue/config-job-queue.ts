import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  type ConfigJobData,
  configJobId,
  LiveVersion,
  liveVersionKey,
  RENDER_CLUSTER_JOB,
} from '#shared/jobs/config-job.js';
import {
  DEFAULT_RETRY_BACKOFF,
  decideJob,
  describeRetry,
  type QueuedJob,
  type RetryBackoff,
} from './job-retry-policy.js';

/**
 * `coalesced`: the new job replaced a waiting one of the same cluster, which will not run. `retried`: the
 * version's last job failed or was lost and a fresh one is queued; `backoff`: it failed and waits its turn.
 */
export type EnqueueResult = 'enqueued' | 'coalesced' | 'unchanged' | 'retried' | 'backoff';

/**
 * Keeps one config job per cluster in the queue while the cluster is behind, level-triggered: every pass
 * calls `enqueue` with the desired version, and a cluster whose proxies do not serve it gets a job again
 * when its last one failed (with a backoff, see job-retry-policy.ts) or vanished (Redis restarted empty).
 * A cluster has at most one waiting job; a newer version replaces the waiting one. What was last queued
 * lives in Redis, not in memory, so a coordinator that takes over leadership does not queue again what its
 * predecessor already did.
 */
export class ConfigJobQueue {
  private readonly enqueuedKey: string;
  private readonly waitingKey: string;
  private readonly liveKey: string;
  private readonly retryKey: string;

  constructor(
    private readonly queue: Queue<ConfigJobData>,
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {
    this.enqueuedKey = `${keyPrefix}:enqueued-version`;
    this.waitingKey = `${keyPrefix}:waiting-job`;
    this.liveKey = liveVersionKey(keyPrefix);
    this.retryKey = `${keyPrefix}:job-retry`;
  }

  /** `changedAt`: when the change this version answers was seen (ms since the epoch), for event→live latency. */
  async enqueue(
    cluster: string,
    version: string,
    epoch: number,
    changedAt = Date.now(),
  ): Promise<EnqueueResult> {
    const [liveText, enqueued, previous, retryText] = await Promise.all([
      this.redis.hget(this.liveKey, cluster),
      this.redis.hget(this.enqueuedKey, cluster),
      this.redis.hget(this.waitingKey, cluster),
      this.redis.hget(this.retryKey, cluster),
    ]);
    const decision = decideJob({
      desired: version,
      live: parseJson(LiveVersion, liveText)?.version,
      job: enqueued && previous ? await this.queuedJob(enqueued, previous) : undefined,
      retry: parseJson(RetryRecordJson, retryText),
      now: this.now(),
      backoff: this.backoff,
    });
    if (decision.retry) await this.redis.hset(this.retryKey, cluster, JSON.stringify(decision.retry));
    else if (retryText !== null) await this.redis.hdel(this.retryKey, cluster);
    if (decision.kind === 'none') return 'unchanged';
    if (decision.kind === 'backoff') return 'backoff';
    // A version queued before (retried, or its job completed without going live) needs a fresh job id:
    // BullMQ ignores an add whose id it still holds.
    const again = enqueued === version;
    const jobId = again
      ? `${configJobId(cluster, version)}.r${this.now().toString(36)}`
      : configJobId(cluster, version);
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
    if (again) return 'retried';
    // A job a worker already took is locked and stays; the worker drops it when it sees a newer version.
    const replaced = previous && previous !== jobId ? (await this.queue.remove(previous)) === 1 : false;
    return replaced ? 'coalesced' : 'enqueued';
  }

  private async queuedJob(version: string, jobId: string): Promise<QueuedJob> {
    const job = await this.queue.getJob(jobId);
    if (!job) return { version, state: 'unknown' };
    const state = await job.getState();
    return job.failedReason ? { version, state, failedReason: job.failedReason } : { version, state };
  }

  /** Per cluster whose jobs keep failing, what `status` says about it. */
  async retries(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [cluster, text] of Object.entries(await this.redis.hgetall(this.retryKey))) {
      const said = describeRetry(parseJson(RetryRecordJson, text), this.now(), this.backoff);
      if (said) out.set(cluster, said);
    }
    return out;
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
      const live = parseJson(LiveVersion, text);
      if (live) out.set(cluster, live);
    }
    return out;
  }

  /** Clusters that no longer exist should not keep their last version, or a re-created one would be skipped. */
  async forget(cluster: string): Promise<void> {
    await this.redis.hdel(this.enqueuedKey, cluster);
    await this.redis.hdel(this.waitingKey, cluster);
    await this.redis.hdel(this.liveKey, cluster);
    await this.redis.hdel(this.retryKey, cluster);
  }
}

const RetryRecordJson = z.object({
  version: z.string(),
  failedRounds: z.number().int().nonnegative(),
  lastError: z.string(),
  failedAt: z.number(),
});

/** A Redis value written by Signalbox, or undefined when absent or written by something else. */
function parseJson<T>(schema: z.ZodType<T>, text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
