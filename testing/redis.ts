import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.SIGNALBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connection to the test redis-server that scripts/test.sh starts; BullMQ wants no request retry cap. */
export const redis = (): Redis => new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });

export const redisPrefix = (): string => `sbtest-${randomBytes(3).toString('hex')}`;

/** Deletes every key of one test run (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
