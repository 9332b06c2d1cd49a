import { readFileSync } from 'node:fs';
import { SignalboxError } from '#shared/errors/index.js';

/**
 * The Redis password in `path` (a Docker secret), named by setting `key` in its errors. One trailing newline
 * is dropped, as `echo … | docker secret create` leaves one; an empty or unreadable file is CONFIG_INVALID,
 * never a connection that silently goes without a password.
 */
export function readRedisPassword(key: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      `${key} ${path}: cannot read the Redis password: ${(cause as Error).message}`,
      { label: key, value: path },
      { cause },
    );
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '' || /[\r\n]/.test(password))
    throw new SignalboxError(
      'CONFIG_INVALID',
      `${key} ${path}: the Redis password must be one non-empty line`,
      { label: key, value: path },
    );
  return password;
}
