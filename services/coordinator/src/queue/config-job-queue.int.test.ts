import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfigJobData, liveVersionKey } from '#shared/jobs/config-job.js';
import { deleteKeys, redis, redisPrefix } from '../../../../testing/redis.js';
import { waitFor } from '../../../../testing/swarm.js';
import { ConfigJobQueue } from './config-job-queue.js';
import { LeaderLease } from './leader-lease.js';

/** Against the real redis-server that scripts/test.sh starts. */
const prefix = redisPrefix();
const client = redis();
const log = pino({ level: 'silent' });
const queues: Queue[] = [];

const newQueue = (name: string): Queue<ConfigJobData> => {
  const q = new Queue<ConfigJobData>(name, { connection: redis(), prefix });
  queues.push(q);
  return q;
};
const version = (n: number): string => n.toString(16).padStart(12, '0');

afterAll(async () => {
  for (const q of queues) await q.close();
  await deleteKeys(client, `${prefix}*`);
  client.disconnect();
});

describe('ConfigJobQueue on a real Redis', () => {
  it('coalesces 1,000 changes over 5 clusters into one waiting job per cluster, newest version wins', async () => {
    const queue = newQueue('coalesce');
    const jobs = new ConfigJobQueue(queue, client, `${prefix}:coalesce`);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const outcome = await jobs.enqueue(`c${i % 5}`, version(i), 1);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The first job of each cluster is new; every later one replaced a waiting job.
    expect(Object.fromEntries(outcomes)).toEqual({ enqueued: 5, coalesced: 995 });
    const waiting = await queue.getWaiting();
    expect(waiting.map((j) => [j.data.cluster, j.data.version]).sort()).toEqual([
      ['c0', version(995)],
      ['c1', version(996)],
      ['c2', version(997)],
      ['c3', version(998)],
      ['c4', version(999)],
    ]);
  });

  it('gives no job when the version did not change', async () => {
    const queue = newQueue('unchanged');
    const jobs = new ConfigJobQueue(queue, client, `${prefix}:unchanged`);
    expect(await jobs.enqueue('east', version(1), 1)).toBe('enqueued');
    expect(await jobs.enqueue('east', version(1), 1)).toBe('unchanged');
    expect(await queue.getWaitingCount()).toBe(1);
    await jobs.forget('east');
    expect(await jobs.enqueue('east', version(1), 1)).toBe('enqueued');
  });
});

describe('ConfigJobQueue is level-triggered', () => {
  /** A real worker that fails every job for good, as a rollout Swarm rolled back does. */
  const failingWorker = (queue: Queue<ConfigJobData>) =>
    new Worker<ConfigJobData>(
      queue.name,
      async () => {
        throw new UnrecoverableError('rollout rolled back: bad certificate');
      },
      { connection: redis(), prefix },
    );

  it('queues a failed version again after a backoff, and says so in status, until it goes live', async () => {
    const queue = newQueue('retry');
    const keys = `${prefix}:retry`;
    let now = Date.now();
    const jobs = new ConfigJobQueue(queue, client, keys, { baseMs: 5_000, ceilingMs: 20_000 }, () => now);
    expect(await jobs.enqueue('east', version(1), 1)).toBe('enqueued');
    const worker = failingWorker(queue);
    try {
      for (let round = 1; round <= 3; round++) {
        await waitFor(`round ${round} to fail`, async () =>
          (await queue.getFailedCount()) === round ? true : undefined,
        );
        expect(await jobs.enqueue('east', version(1), 1)).toBe('backoff');
        expect((await jobs.retries()).get('east')).toBe(
          `retrying in ${Math.min(20, 5 * 2 ** (round - 1))} s, attempt ${round + 1}, last error: rollout rolled back: bad certificate`,
        );
        now += 20_000;
        expect(await jobs.enqueue('east', version(1), 1)).toBe('retried');
      }
    } finally {
      await worker.close();
    }
    // A worker records the version live: nothing more to do, and the failure record is gone.
    await client.hset(
      liveVersionKey(keys),
      'east',
      JSON.stringify({ version: version(1), config: 'c', at: new Date().toISOString() }),
    );
    expect(await jobs.enqueue('east', version(1), 1)).toBe('unchanged');
    expect((await jobs.retries()).size).toBe(0);
  });

  it('queues again at once a job Redis lost, though the version was queued before', async () => {
    const queue = newQueue('lost');
    const jobs = new ConfigJobQueue(queue, client, `${prefix}:lost`);
    expect(await jobs.enqueue('east', version(1), 1)).toBe('enqueued');
    // What a Redis restarted without persistence keeps of the queue: nothing.
    await queue.obliterate({ force: true });
    expect(await jobs.enqueue('east', version(1), 1)).toBe('retried');
    expect((await queue.getWaiting()).map((j) => j.data.version)).toEqual([version(1)]);
    expect(await jobs.enqueue('east', version(1), 1)).toBe('unchanged');
  });
});

describe('LeaderLease on a real Redis', () => {
  it('elects one leader, and a standby takes over after the leader dies, with a higher epoch', async () => {
    const key = `${prefix}:leader`;
    const a = new LeaderLease(redis(), { key, id: 'a', ttlMs: 600 }, log);
    const b = new LeaderLease(redis(), { key, id: 'b', ttlMs: 600 }, log);
    await a.start();
    await b.start();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    const firstEpoch = a.epoch;
    const died = Date.now();
    await a.stop(false);
    await waitFor('b to take over', async () => (b.isLeader ? true : undefined), 5_000);
    expect(Date.now() - died).toBeLessThan(2_000);
    expect(b.epoch).toBeGreaterThan(firstEpoch);
    await b.stop();
    expect(await client.get(key)).toBeNull();
  });

  it('two coordinators that see the same change enqueue it once: only the leader enqueues', async () => {
    const key = `${prefix}:leader2`;
    const queue = newQueue('two');
    const coordinators = ['x', 'y'].map((id) => ({
      lease: new LeaderLease(redis(), { key, id, ttlMs: 1_000 }, log),
      jobs: new ConfigJobQueue(queue, client, `${prefix}:two`),
    }));
    for (const c of coordinators) await c.lease.start();
    for (let change = 0; change < 3; change++) {
      for (const c of coordinators)
        if (c.lease.isLeader) await c.jobs.enqueue('west', version(change), c.lease.epoch);
    }
    expect(coordinators.filter((c) => c.lease.isLeader)).toHaveLength(1);
    const counts = await queue.getJobCounts('waiting');
    expect(counts.waiting).toBe(1);
    for (const c of coordinators) await c.lease.stop();
  });
});
