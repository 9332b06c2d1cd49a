import { describe, expect, it } from 'vitest';
import { isSignalboxError } from '../errors/index.js';
import { loadConfig } from './load-config.js';
import {
  checkRedisAddress,
  describeRedisAddress,
  parseRedisAddress,
  RedisAddressString,
  redactRedisAddress,
} from './redis-address.js';

describe('parseRedisAddress', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'redis://redis:6379',
    'redis://redis:6379/',
    'redis://redis:6379/2',
    'rediss://user:secret@redis.example:6380/0',
    'redis://[::1]:6379',
  ])('passes the single-server URL %s to ioredis unchanged', (url) => {
    expect(parseRedisAddress('RedisURL', url)).toEqual({ kind: 'server', url });
  });

  it('reads the sentinels and the master name, 26379 where no port is given', () => {
    expect(
      parseRedisAddress('RedisURL', 'redis-sentinel://s1:26379,10.0.0.2:26380,s3,[fd00::1]:5000/mymaster'),
    ).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: 's3', port: 26379 },
        { host: 'fd00::1', port: 5000 },
      ],
    });
    expect(parseRedisAddress('K', 'REDIS-SENTINEL://one/signalbox.main')).toEqual({
      kind: 'sentinel',
      name: 'signalbox.main',
      sentinels: [{ host: 'one', port: 26379 }],
    });
  });

  it.each([
    ['redis-sentinel://s1:26379,s2:26379', "master's name"],
    ['redis-sentinel://s1:26379/', "master's name"],
    ['redis-sentinel://s1/a/b', "master's name"],
    ['redis-sentinel:///mymaster', 'bad sentinel address ""'],
    ['redis-sentinel://s1,,s2/mymaster', 'bad sentinel address ""'],
    ['redis-sentinel://s1:0/mymaster', 'bad port'],
    ['redis-sentinel://s1:70000/mymaster', 'bad port'],
    ['redis-sentinel://s1:abc/mymaster', 'bad sentinel address "s1:abc"'],
    ['redis-sentinel://s1,s1:26379/mymaster', 'twice'],
    ['redis-sentinel://:pw@s1/mymaster', 'credentials'],
    ['redis-sentinel://s1/mymaster?db=2', 'query'],
    ['http://redis:6379', 'must start with redis://'],
    ['redis:6379', 'must start with redis://'],
    ['', 'must start with redis://'],
    ['redis://', 'names no host'],
    ['redis://redis:6379/x', 'database number'],
  ])('rejects %j, naming the key and the value', (value, reason) => {
    let thrown: unknown;
    try {
      parseRedisAddress('SIGNALBOX_REDIS_URL', value);
    } catch (e) {
      thrown = e;
    }
    expect(isSignalboxError(thrown, 'CONFIG_INVALID')).toBe(true);
    const message = (thrown as Error).message;
    expect(message).toContain('SIGNALBOX_REDIS_URL');
    expect(message).toContain(reason);
    expect(message).not.toContain('pw');
  });

  it('never repeats a password in its error', () => {
    expect(() => parseRedisAddress('RedisURL', 'redis://:hunter2@redis:6379/x')).toThrow(
      'RedisURL "redis://***@redis:6379/x" may end only in a database number',
    );
    expect(redactRedisAddress('redis://u:p@h:1')).toBe('redis://***@h:1');
    expect(redactRedisAddress('redis://h:1/a@b')).toBe('redis://h:1/a@b');
  });

  it('describes an address for logs without its password', () => {
    expect(describeRedisAddress(parseRedisAddress('K', 'redis://:pw@h:6379'))).toBe('redis://***@h:6379');
    expect(describeRedisAddress(parseRedisAddress('K', 'redis-sentinel://a,[::1]:2/m'))).toBe(
      'sentinel master "m" via a:26379,[::1]:2',
    );
  });

  it('is the check behind RedisURL in config.toml and the zod string the services parse their env with', () => {
    expect(checkRedisAddress('redis-sentinel://a/m').ok).toBe(true);
    expect(RedisAddressString.safeParse('redis-sentinel://a').success).toBe(false);
    expect(loadConfig('RedisURL = "redis-sentinel://s1,s2,s3/mymaster"\n').config.RedisURL).toBe(
      'redis-sentinel://s1,s2,s3/mymaster',
    );
    expect(() => loadConfig('RedisURL = "redis-sentinel://s1,s2,s3"\n')).toThrow(/RedisURL/);
  });
});
