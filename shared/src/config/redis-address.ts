import { z } from 'zod';
import { SignalboxError } from '../errors/index.js';

/**
 * Where Signalbox's Redis is, as the coordinator's `RedisURL` and the workers' `SIGNALBOX_REDIS_URL` give it:
 *
 * - `redis://[user:password@]host[:port][/db]` or `rediss://…`: one Redis server, passed to ioredis as it is.
 * - `redis-sentinel://host1[:port],host2[:port],…/master-name`: the primary that these Redis Sentinels
 *   (port 26379 unless given) elect for `master-name`; on a failover the connections follow the promoted
 *   replica. Credentials are not accepted in this form (Signalbox has no Redis password setting yet).
 *
 * Pure: the connections are made in services/platform/src/redis/redis-connection.ts.
 */
export type RedisAddress =
  | { kind: 'server'; url: string }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string };

export const SENTINEL_SCHEME = 'redis-sentinel:';
export const DEFAULT_SENTINEL_PORT = 26379;
/** More would be a typo; Sentinel quorums are a handful of processes. */
const MAX_SENTINELS = 16;

/** A host name, IPv4 address or bracketed IPv6 address; nothing that could hide another part of a URL. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;
/** Sentinel's own rule for master names is loose; these characters are what anyone uses. */
const MASTER_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** The value for error messages, with any password in it replaced. */
export const redactRedisAddress = (value: string): string =>
  value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');

type Parsed = { ok: true; address: RedisAddress } | { ok: false; reason: string };

/** Parses without throwing, for zod refinements; `parseRedisAddress` throws. */
export function checkRedisAddress(value: string): Parsed {
  const text = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, reason: 'is not a URL' };
    }
    if (!url.hostname) return { ok: false, reason: 'names no host' };
    if (url.pathname !== '' && url.pathname !== '/' && !/^\/[0-9]{1,2}$/.test(url.pathname))
      return { ok: false, reason: 'may end only in a database number, e.g. /0' };
    return { ok: true, address: { kind: 'server', url: text } };
  }
  if (`${scheme}:` !== SENTINEL_SCHEME)
    return {
      ok: false,
      reason: 'must start with redis://, rediss:// or redis-sentinel://host:26379,…/master-name',
    };
  const rest = text.slice(SENTINEL_SCHEME.length + 2);
  const slash = rest.indexOf('/');
  const hostList = slash < 0 ? rest : rest.slice(0, slash);
  const name = slash < 0 ? '' : rest.slice(slash + 1);
  if (hostList.includes('@'))
    return { ok: false, reason: 'carries credentials, which the redis-sentinel:// form does not take' };
  if (/[?#]/.test(rest)) return { ok: false, reason: 'takes no query or fragment' };
  if (!MASTER_NAME.test(name))
    return {
      ok: false,
      reason: "must end in the master's name as Sentinel knows it, e.g. redis-sentinel://s1:26379/mymaster",
    };
  const sentinels: { host: string; port: number }[] = [];
  for (const item of hostList.split(',')) {
    const m = /^(.*?)(?::([0-9]{1,5}))?$/.exec(item.trim());
    const host = m?.[1] ?? '';
    if (!HOST.test(host)) return { ok: false, reason: `has a bad sentinel address "${item}"` };
    const port = m?.[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[2]);
    if (port < 1 || port > 65_535) return { ok: false, reason: `has a bad port in "${item}"` };
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    if (sentinels.some((s) => s.host === bare && s.port === port))
      return { ok: false, reason: `names sentinel ${item} twice` };
    sentinels.push({ host: bare, port });
  }
  if (sentinels.length > MAX_SENTINELS) return { ok: false, reason: `names over ${MAX_SENTINELS} sentinels` };
  return { ok: true, address: { kind: 'sentinel', sentinels, name } };
}

/** The address `value` of setting `key`, or CONFIG_INVALID naming both (any password redacted). */
export function parseRedisAddress(key: string, value: string): RedisAddress {
  const parsed = checkRedisAddress(value);
  if (parsed.ok) return parsed.address;
  const shown = redactRedisAddress(value);
  throw new SignalboxError('CONFIG_INVALID', `${key} "${shown}" ${parsed.reason}`, {
    label: key,
    value: shown,
  });
}

/** A zod string that must be a Redis address; the issue carries the reason, zod adds the key's path. */
export const RedisAddressString = z.string().superRefine((v, ctx) => {
  const parsed = checkRedisAddress(v);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `"${redactRedisAddress(v)}" ${parsed.reason}` });
});

/** For logs: where the connections go, never a password. */
export const describeRedisAddress = (address: RedisAddress): string =>
  address.kind === 'server'
    ? redactRedisAddress(address.url)
    : `sentinel master "${address.name}" via ${address.sentinels.map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`).join(',')}`;
