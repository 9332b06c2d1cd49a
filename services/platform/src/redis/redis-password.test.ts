import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SignalboxError } from '#shared/errors/index.js';
import { readRedisPassword } from './redis-password.js';

const dir = mkdtempSync(join(tmpdir(), 'signalbox-redis-password-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readRedisPassword', () => {
  it('reads the secret, dropping the one newline `echo` leaves', () => {
    expect(readRedisPassword('RedisPasswordFile', file('a', 's3cret pass\n'))).toBe('s3cret pass');
    expect(readRedisPassword('RedisPasswordFile', file('b', 'crlf\r\n'))).toBe('crlf');
  });

  it.each([
    ['empty', ''],
    ['only a newline', '\n'],
    ['two lines', 'one\ntwo\n'],
  ])('refuses a file that is %s, naming the setting and the path', (name, text) => {
    const path = file(name, text);
    const run = () => readRedisPassword('RedisPasswordFile', path);
    expect(run).toThrow(SignalboxError);
    expect(run).toThrow(`RedisPasswordFile ${path}: the Redis password must be one non-empty line`);
  });

  it('refuses a file it cannot read', () => {
    expect(() => readRedisPassword('SIGNALBOX_REDIS_PASSWORD_FILE', join(dir, 'missing'))).toThrow(
      /^SIGNALBOX_REDIS_PASSWORD_FILE .*missing: cannot read the Redis password/,
    );
  });
});
