import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, REDIS_URL, redis, redisPrefix } from '../../../../testing/redis.js';
import { waitFor } from '../../../../testing/swarm.js';
import { TcpHop } from '../../../../testing/tcp-hop.js';
import { LeaderLease } from './leader-lease.js';

/** Issue 15, item 2, against the real redis-server that scripts/test.sh starts. */
const prefix = redisPrefix();
const client = redis();
const log = pino({ level: 'silent' });

afterAll(async () => {
  await deleteKeys(client, `${prefix}*`);
  client.disconnect();
});

describe('LeaderLease fencing on a real Redis', () => {
  it('a leader cut off from Redis stops leading before a standby can take over', async () => {
    const key = `${prefix}:partition`;
    const target = new URL(REDIS_URL);
    const hop = new TcpHop(target.hostname, Number(target.port || 6379));
    await hop.listen();
    const events: { who: string; leader: boolean; at: number }[] = [];
    const note = (who: string) => (leader: boolean) => events.push({ who, leader, at: performance.now() });
    const aRedis = new Redis(`redis://127.0.0.1:${hop.port}`, { maxRetriesPerRequest: null });
    const a = new LeaderLease(aRedis, { key, id: 'a', ttlMs: 900 }, log, note('a'));
    const b = new LeaderLease(redis(), { key, id: 'b', ttlMs: 900 }, log, note('b'));
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    hop.cut();
    await waitFor('b to take over', async () => (b.isLeader ? true : undefined), 5_000);
    const aLost = events.find((e) => e.who === 'a' && !e.leader);
    const bWon = events.find((e) => e.who === 'b' && e.leader);
    expect(aLost).toBeDefined();
    // a's commands hang (no answer, no error): only its own deadline and local lease clock end its term.
    expect(aLost?.at).toBeLessThan(bWon?.at ?? 0);
    expect(a.isLeader).toBe(false);
    expect(b.epoch).toBeGreaterThan(a.epoch);
    await b.stop();
    await a.stop(false);
    aRedis.disconnect();
    hop.close();
  });

  it('after Redis lost its epoch counter, the next leader still outranks every epoch seen on Docker', async () => {
    const key = `${prefix}:floor`;
    const a = new LeaderLease(redis(), { key, id: 'a', ttlMs: 600 }, log);
    await client.del(`${key}:epoch`);
    // As the coordinator does from the epoch labels on the services earlier leaders wrote.
    a.raiseFloor(41);
    await a.start();
    expect(a.epoch).toBe(42);
    a.stepDown('a newer leader marked a service');
    expect(a.isLeader).toBe(false);
    // Stepping down frees the key at once: the next acquisition need not wait out the TTL.
    await waitFor(
      'the key to be freed',
      async () => ((await client.get(key)) === null ? true : undefined),
      1_000,
    );
    await a.stop();
  });
});
