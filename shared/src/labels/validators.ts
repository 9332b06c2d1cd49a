import { domainToASCII } from 'node:url';
import { isCookieName } from './cookie-name.js';

/**
 * Allow-list validators for label values. Each returns the normalised value or a reason; none of them lets
 * through a character that nginx's config syntax interprets (whitespace, `;`, `{`, `}`, quotes, `$`, `#`,
 * backslash), so a value that passes can be written into nginx config without quoting.
 */
export type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(reason: string): Check<T> => ({ ok: false, reason });

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** RFC 1123 host name, lower-cased; IDNs become punycode; a leading `*.` wildcard is allowed. */
export function checkHost(raw: string): Check<string> {
  const text = raw.trim();
  if (text.length === 0) return fail('is empty');
  if (text.length > 253) return fail('is longer than 253 characters');
  const wildcard = text.startsWith('*.');
  const rest = wildcard ? text.slice(2) : text;
  if (/[\s;{}'"$#\\\0/:@?]/.test(rest)) return fail('is not an RFC 1123 host name');
  const ascii = domainToASCII(rest);
  if (ascii === '') return fail('is not an RFC 1123 host name');
  const labels = ascii.split('.');
  if (ascii.length > 253 - (wildcard ? 2 : 0) || !labels.every((l) => LABEL.test(l))) {
    return fail('is not an RFC 1123 host name');
  }
  if (/^[0-9.]+$/.test(ascii)) return fail('is an IP address, not a host name');
  return ok(wildcard ? `*.${ascii}` : ascii);
}

export function checkPort(raw: string): Check<number> {
  const text = raw.trim();
  if (!/^[0-9]{1,5}$/.test(text)) return fail('is not a port number (1-65535)');
  const port = Number(text);
  return port >= 1 && port <= 65535 ? ok(port) : fail('is not a port number (1-65535)');
}

export function checkBool(raw: string): Check<boolean> {
  const text = raw.trim().toLowerCase();
  if (text === 'true' || text === '1' || text === 'yes') return ok(true);
  if (text === 'false' || text === '0' || text === 'no' || text === '') return ok(false);
  return fail('is not a boolean (true or false)');
}

/**
 * Absolute URL path from a safe set. Dot segments and `//` are refused because nginx normalises the request
 * URI before matching, so such a location could never match, or could shadow another.
 */
export function checkPath(raw: string): Check<string> {
  const text = raw.trim();
  if (text.length > 1024) return fail('is longer than 1024 characters');
  if (!/^\/[A-Za-z0-9._~\-/@:+,=!]*$/.test(text)) {
    return fail('must be an absolute path of letters, digits and ._~-/@:+,=!');
  }
  if (/\/\/|\/\.\.?(\/|$)/.test(text)) return fail('must not contain //, /./ or /../');
  return ok(text.length > 1 ? text.replace(/\/+$/, '') || '/' : text);
}

/** A sticky-session cookie name by the rule every renderer checks too (cookie-name.ts). */
export function checkCookieName(raw: string): Check<string> {
  const text = raw.trim();
  return isCookieName(text)
    ? ok(text)
    : fail('is not an RFC 6265 cookie name of at most 256 letters, digits and !*+-._~');
}

/** Docker's rule for secret (and config) names. */
export function checkSecretName(raw: string): Check<string> {
  const text = raw.trim();
  return /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$/.test(text)
    ? ok(text)
    : fail('is not a Docker secret name');
}

/** `ssl_backend_tls_verify`: Interlock's `none` (its default) or `required`; true means verify. */
export function checkTlsVerify(raw: string): Check<boolean> {
  const text = raw.trim().toLowerCase();
  if (text === 'none') return ok(false);
  if (text === 'required') return ok(true);
  return fail('is not none or required');
}

/** A name to send in SNI and find in a certificate: a host name, not a wildcard. */
export function checkServerName(raw: string): Check<string> {
  const host = checkHost(raw);
  if (!host.ok) return host;
  return host.value.startsWith('*.') ? fail('is a wildcard, not a server name') : host;
}

/** Service cluster names become parts of Docker object names, so they follow the same rule. */
export function checkClusterName(raw: string): Check<string> {
  const text = raw.trim();
  return /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$/.test(text)
    ? ok(text)
    : fail('is not a valid service cluster name');
}

export interface ParsedUrl {
  scheme: 'http' | 'https';
  host: string;
  port?: number;
  path: string;
}

/** `http(s)://host[:port][/path]`, no credentials, query or fragment. */
export function checkUrl(raw: string): Check<ParsedUrl> {
  const text = raw.trim();
  const m = /^(https?):\/\/([^/:]+)(?::([0-9]{1,5}))?(\/.*)?$/i.exec(text);
  if (!m) return fail('is not an http(s) URL of the form scheme://host[:port][/path]');
  const [, scheme = '', hostText = '', portText, pathText] = m;
  const host = checkHost(hostText);
  if (!host.ok || host.value.startsWith('*.')) return fail(`has an invalid host: ${hostText}`);
  const url: ParsedUrl = { scheme: scheme.toLowerCase() as 'http' | 'https', host: host.value, path: '' };
  if (portText !== undefined) {
    const port = checkPort(portText);
    if (!port.ok) return fail(`has an invalid port: ${portText}`);
    url.port = port.value;
  }
  if (pathText !== undefined && pathText !== '/') {
    const path = checkPath(pathText);
    if (!path.ok) return fail(`has an invalid path: ${path.reason}`);
    url.path = path.value;
  }
  return ok(url);
}

export const formatUrl = (u: ParsedUrl): string =>
  `${u.scheme}://${u.host}${u.port === undefined ? '' : `:${u.port}`}${u.path}`;

/**
 * Splits a list label; empty items (from `a,,b` or a trailing separator) are dropped. Stops after `max`
 * items, so a hostile label costs no more than the caller is willing to accept.
 */
export function splitList(raw: string, separator: string, max = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < max && start <= raw.length) {
    const end = raw.indexOf(separator, start);
    const item = raw.slice(start, end === -1 ? raw.length : end).trim();
    if (item.length > 0) out.push(item);
    if (end === -1) break;
    start = end + separator.length;
  }
  return out;
}

/** How many non-empty items a list label holds, without trimming or keeping any of them. */
export function countItems(raw: string, separator: string): number {
  let n = 0;
  for (const item of raw.split(separator)) if (item.trim().length > 0) n++;
  return n;
}
