import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { describeRedisAddress, parseRedisAddress, type RedisAddress } from '#shared/config/index.js';

/**
 * Answers that mean the server is no longer (or not) the primary: READONLY, a write that reached a replica
 * (a primary demoted by a Sentinel failover while this connection stayed open, or a `redis://` address that
 * points at a replica), and UNBLOCKED, which a demoted primary sends its blocked clients (BullMQ's worker
 * waits on one). Nothing was done, so ioredis reconnects and sends the command again (its `2`); with
 * Sentinel the reconnection asks the sentinels for the current primary first. Redis 7 keeps the error code
 * when a script's write fails, so BullMQ's and the lease's scripts are covered too.
 */
const NOT_PRIMARY = /(^|\s)(READONLY|UNBLOCKED)\b/;
export const reconnectOnReadonly = (err: Error): 2 | false => (NOT_PRIMARY.test(err.message) ? 2 : false);

/**
 * ioredis options for an address (see shared/src/config/redis-address.ts). Both forms: no cap on a
 * command's retries (BullMQ requires it; commands wait in the offline queue while Redis is away), and the
 * answers of a server that is not the primary reconnect. Sentinel: ioredis's own support (`sentinels` +
 * `name`): it asks the sentinels for the primary and checks the server's role on every connect (a server
 * that is not the primary is left for the next sentinel's answer).
 *
 * Not `failoverDetector`: when the primary dies, the detector of the dead connection fires on Sentinel's
 * `+switch-master` while the client is already reconnecting, and a disconnect in the middle of asking the
 * sentinels ends an ioredis client for good (status `end`, every later command "Connection is closed"),
 * which a failover test here met. A demoted primary that stays up is left on its first READONLY instead.
 */
export function redisOptions(address: RedisAddress, password?: string): RedisOptions {
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    reconnectOnError: reconnectOnReadonly,
    // The data nodes' password (Sentinel: every node's, and the sentinels' own too, below).
    ...(password === undefined ? {} : { password }),
  };
  if (address.kind === 'server') return common;
  return {
    ...common,
    // One secret for sentinels and data nodes: a sentinel that answered anyone could be told (SENTINEL
    // MONITOR) to name another server as the primary, and would be handed the password with the first AUTH.
    ...(password === undefined ? {} : { sentinelPassword: password }),
    sentinels: address.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: address.name,
    role: 'master',
    // While no sentinel answers (all restarting), keep asking, at most a second apart: ioredis's default
    // also never gives up, and a second is how often Sentinel itself re-checks.
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  };
}

/**
 * A connection for coordinator or worker; `key` names the setting the address came from, for its error.
 * `password` (from a secret file, see redis-password.ts) wins over one written in a redis:// URL.
 */
export function connectRedis(
  key: string,
  value: string,
  log: Logger,
  what = 'redis',
  password?: string,
): Redis {
  const address = parseRedisAddress(key, value);
  const options = redisOptions(address, password);
  const redis = address.kind === 'server' ? new Redis(address.url, options) : new Redis(options);
  // Without listeners ioredis prints connection errors unstructured; it keeps reconnecting either way.
  redis.on('error', (err: Error) => log.warn({ err: err.message }, `${what} connection error`));
  if (address.kind === 'sentinel')
    redis.on('ready', () =>
      log.info(
        {
          redis: describeRedisAddress(address),
          primary: `${redis.stream?.remoteAddress}:${redis.stream?.remotePort}`,
        },
        `${what} connected to the sentinels' primary`,
      ),
    );
  return redis;
}
