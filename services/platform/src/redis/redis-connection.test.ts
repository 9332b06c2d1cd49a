import { describe, expect, it } from 'vitest';
import { parseRedisAddress } from '#shared/config/index.js';
import { reconnectOnReadonly, redisOptions } from './redis-connection.js';

describe('redisOptions', () => {
  it('keeps a redis:// address as ioredis reads it, with no retry cap (BullMQ) and READONLY handled', () => {
    const options = redisOptions(parseRedisAddress('RedisURL', 'redis://127.0.0.1:6379'));
    expect(options).toEqual({ maxRetriesPerRequest: null, reconnectOnError: reconnectOnReadonly });
  });

  it('passes the password from the secret file to every data node and sentinel, and none when there is none', () => {
    const server = parseRedisAddress('RedisURL', 'redis://127.0.0.1:6379');
    expect(redisOptions(server, 'pw').password).toBe('pw');
    expect('password' in redisOptions(server)).toBe(false);
    const sentinel = redisOptions(parseRedisAddress('RedisURL', 'redis-sentinel://a/m'), 'pw');
    expect(sentinel.password).toBe('pw');
    expect(sentinel.sentinelPassword).toBe('pw');
    expect('sentinelPassword' in redisOptions(parseRedisAddress('RedisURL', 'redis-sentinel://a/m'))).toBe(
      false,
    );
  });

  it("uses ioredis's own Sentinel support: sentinels, master name, role check", () => {
    const options = redisOptions(parseRedisAddress('RedisURL', 'redis-sentinel://a:1,b/mymaster'));
    expect(options).toMatchObject({
      sentinels: [
        { host: 'a', port: 1 },
        { host: 'b', port: 26379 },
      ],
      name: 'mymaster',
      role: 'master',
      maxRetriesPerRequest: null,
    });
    expect(options.failoverDetector).toBeUndefined();
    expect(options.sentinelRetryStrategy?.(3)).toBe(300);
    expect(options.sentinelRetryStrategy?.(50)).toBe(1_000);
  });

  it('reconnects and resends on READONLY and UNBLOCKED (a demoted primary), on nothing else', () => {
    expect(
      reconnectOnReadonly(
        new Error(
          'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)',
        ),
      ),
    ).toBe(2);
    expect(reconnectOnReadonly(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(
      reconnectOnReadonly(
        new Error("ERR Error running script: READONLY You can't write against a read only replica."),
      ),
    ).toBe(2);
    expect(reconnectOnReadonly(new Error('ERR wrong number of arguments'))).toBe(false);
    expect(reconnectOnReadonly(new Error('OOM command not allowed'))).toBe(false);
  });
});
