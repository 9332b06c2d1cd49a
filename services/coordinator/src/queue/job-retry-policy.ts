/**
 * Level-triggered config jobs: on every pass the leader compares each cluster's desired version with what
 * its proxies serve and with the job it last queued, and decides here whether a job must be queued again.
 * A cluster behind its desired version always gets another job — a lost one (Redis restarted empty) at
 * once, a failed one after a backoff that doubles up to a ceiling — so no outage can leave it behind for
 * good. Pure: the queue adapter reads the inputs from Redis and BullMQ and carries out the decision.
 */

/** BullMQ's job states that mean "a worker will still run it". */
const PENDING_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

export interface QueuedJob {
  version: string;
  /** BullMQ's state; 'unknown' when the job is gone (removed, or Redis lost it). */
  state: string;
  failedReason?: string;
}

/** Kept in Redis per cluster while its version keeps failing. */
export interface RetryRecord {
  version: string;
  /** Rounds of BullMQ attempts that failed so far for this version. */
  failedRounds: number;
  lastError: string;
  /** When the last round failed (ms since the epoch), as the coordinator first saw it. */
  failedAt: number;
}

export interface RetryBackoff {
  /** Wait after the first failed round. */
  baseMs: number;
  /** The wait never grows beyond this: a broken config is tried again at least this often. */
  ceilingMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseMs: 5_000, ceilingMs: 300_000 };

export type JobDecision =
  /** Nothing to do: in sync, or a job for this version is still pending. */
  | { kind: 'none'; retry?: RetryRecord }
  /** Queue a job for a version not queued before (or queued and lost). */
  | { kind: 'enqueue'; retry?: RetryRecord }
  /** The version's last job failed; its backoff has not run out yet. */
  | { kind: 'backoff'; retry: RetryRecord; untilMs: number }
  /** The backoff ran out: queue a fresh job for the same version. */
  | { kind: 'retry'; retry: RetryRecord };

export const retryDelayMs = (failedRounds: number, backoff: RetryBackoff): number =>
  Math.min(backoff.ceilingMs, backoff.baseMs * 2 ** Math.max(0, failedRounds - 1));

/**
 * `job` is the newest job queued for the cluster (any version), `retry` the failure record if any, `live`
 * the version its proxies serve as workers recorded it.
 */
export function decideJob(input: {
  desired: string;
  live: string | undefined;
  job: QueuedJob | undefined;
  retry: RetryRecord | undefined;
  now: number;
  backoff?: RetryBackoff;
}): JobDecision {
  const { desired, live, job, now } = input;
  const backoff = input.backoff ?? DEFAULT_RETRY_BACKOFF;
  const retry = input.retry?.version === desired ? input.retry : undefined;
  if (live === desired) return { kind: 'none' };
  if (!job || job.version !== desired) return retry ? { kind: 'enqueue', retry } : { kind: 'enqueue' };
  if (PENDING_STATES.has(job.state)) return retry ? { kind: 'none', retry } : { kind: 'none' };
  if (job.state !== 'failed') {
    // Completed without the version going live (its live record was lost), or gone from Redis: queue it
    // again now; neither is a failure to back off from.
    return retry ? { kind: 'enqueue', retry } : { kind: 'enqueue' };
  }
  const failed: RetryRecord =
    retry && retry.failedAt > 0
      ? retry
      : {
          version: desired,
          failedRounds: (retry?.failedRounds ?? 0) + 1,
          lastError: job.failedReason ?? '',
          failedAt: now,
        };
  const untilMs = failed.failedAt + retryDelayMs(failed.failedRounds, backoff);
  if (now < untilMs) return { kind: 'backoff', retry: failed, untilMs };
  // The next round starts: its failure, when it comes, is a new one (failedAt 0 until seen).
  return { kind: 'retry', retry: { ...failed, failedAt: 0 } };
}

/** What `status` shows while a cluster's jobs keep failing, or '' when none did. */
export function describeRetry(retry: RetryRecord | undefined, now: number, backoff = DEFAULT_RETRY_BACKOFF) {
  if (!retry || retry.failedRounds === 0) return '';
  const error = retry.lastError ? `, last error: ${retry.lastError}` : '';
  if (retry.failedAt === 0) return `retrying, attempt ${retry.failedRounds + 1}${error}`;
  const inSeconds = Math.max(
    0,
    Math.ceil((retry.failedAt + retryDelayMs(retry.failedRounds, backoff) - now) / 1000),
  );
  return `retrying in ${inSeconds} s, attempt ${retry.failedRounds + 1}${error}`;
}
