import { describe, expect, it } from 'vitest';
import { decideJob, describeRetry, type RetryRecord, retryDelayMs } from './job-retry-policy.js';

const backoff = { baseMs: 1_000, ceilingMs: 8_000 };
const at = 1_000_000;

describe('decideJob', () => {
  it('queues nothing when the proxies serve the desired version', () => {
    expect(decideJob({ desired: 'v2', live: 'v2', job: undefined, retry: undefined, now: at })).toEqual({
      kind: 'none',
    });
  });

  it('queues a version never queued, and one whose job vanished with Redis', () => {
    expect(decideJob({ desired: 'v2', live: 'v1', job: undefined, retry: undefined, now: at }).kind).toBe(
      'enqueue',
    );
    const lost = { version: 'v2', state: 'unknown' };
    expect(decideJob({ desired: 'v2', live: 'v1', job: lost, retry: undefined, now: at }).kind).toBe(
      'enqueue',
    );
  });

  it.each(['waiting', 'delayed', 'active', 'prioritized'])('waits for a %s job of the version', (state) => {
    const job = { version: 'v2', state };
    expect(decideJob({ desired: 'v2', live: 'v1', job, retry: undefined, now: at }).kind).toBe('none');
  });

  it('queues again a completed job whose version is not live (its live record was lost)', () => {
    const job = { version: 'v2', state: 'completed' };
    expect(decideJob({ desired: 'v2', live: undefined, job, retry: undefined, now: at }).kind).toBe(
      'enqueue',
    );
  });

  it('never gives up on a failed version: backs off, doubling up to the ceiling, then retries', () => {
    const failed = { version: 'v2', state: 'failed', failedReason: 'coordinator unavailable' };
    let retry: RetryRecord | undefined;
    const waits: number[] = [];
    let now = at;
    for (let round = 1; round <= 6; round++) {
      const first = decideJob({ desired: 'v2', live: 'v1', job: failed, retry, now, backoff });
      expect(first.kind).toBe('backoff');
      if (first.kind !== 'backoff') return;
      expect(first.retry).toMatchObject({ failedRounds: round, lastError: 'coordinator unavailable' });
      waits.push(first.untilMs - now);
      // Still failed a moment later: the same failure, not a new round.
      const later = decideJob({
        desired: 'v2',
        live: 'v1',
        job: failed,
        retry: first.retry,
        now: now + 1,
        backoff,
      });
      expect(later).toMatchObject({ kind: 'backoff', retry: { failedRounds: round } });
      now = first.untilMs;
      const due = decideJob({ desired: 'v2', live: 'v1', job: failed, retry: first.retry, now, backoff });
      expect(due.kind).toBe('retry');
      retry = due.retry;
      const pending = decideJob({
        desired: 'v2',
        live: 'v1',
        job: { version: 'v2', state: 'waiting' },
        retry,
        now,
        backoff,
      });
      expect(pending).toEqual({ kind: 'none', retry });
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('forgets the failures of a version no longer desired', () => {
    const retry: RetryRecord = { version: 'v2', failedRounds: 4, lastError: 'x', failedAt: at };
    const job = { version: 'v2', state: 'failed' };
    expect(decideJob({ desired: 'v3', live: 'v1', job, retry, now: at })).toEqual({ kind: 'enqueue' });
    expect(decideJob({ desired: 'v2', live: 'v2', job, retry, now: at })).toEqual({ kind: 'none' });
  });
});

describe('describeRetry', () => {
  it('says the attempt, the wait and the last error', () => {
    const retry: RetryRecord = { version: 'v2', failedRounds: 2, lastError: 'nginx -t failed', failedAt: at };
    expect(retryDelayMs(2, backoff)).toBe(2_000);
    expect(describeRetry(retry, at + 500, backoff)).toBe(
      'retrying in 2 s, attempt 3, last error: nginx -t failed',
    );
    expect(describeRetry({ ...retry, failedAt: 0 }, at, backoff)).toBe(
      'retrying, attempt 3, last error: nginx -t failed',
    );
    expect(describeRetry(undefined, at)).toBe('');
  });
});
