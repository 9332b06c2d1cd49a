import type { Hsts } from '../model/index.js';
import type { Check } from './validators.js';

/** The least max-age hstspreload.org accepts (a year); a shorter one with `preload` could never be listed. */
const PRELOAD_MIN_AGE = 31_536_000;

/**
 * A Strict-Transport-Security value as RFC 6797 writes it (`max-age=63072000; includeSubDomains; preload`),
 * read strictly: `max-age` of at most nine digits, unquoted, and the two flags, each at most once, directive
 * names in any case. The renderer writes the header from the parsed fields, never from the raw text, so
 * nothing but digits and these words can reach nginx.
 */
export function checkHsts(raw: string): Check<Hsts> {
  const fail = (reason: string): Check<Hsts> => ({ ok: false, reason });
  const seen = new Set<string>();
  let maxAge: number | undefined;
  for (const part of raw.split(';').map((p) => p.trim())) {
    const age = /^max-age=([0-9]{1,9})$/i.exec(part);
    const name = age ? 'max-age' : part.toLowerCase();
    if (!age && name !== 'includesubdomains' && name !== 'preload')
      return fail(
        'must be "max-age=<seconds>", optionally followed by "; includeSubDomains" and "; preload"',
      );
    if (seen.has(name)) return fail(`sets ${name} twice`);
    seen.add(name);
    if (age) maxAge = Number(age[1]);
  }
  if (maxAge === undefined) return fail('has no max-age');
  const hsts = { maxAge, includeSubDomains: seen.has('includesubdomains'), preload: seen.has('preload') };
  if (hsts.preload && (!hsts.includeSubDomains || maxAge < PRELOAD_MIN_AGE))
    return fail(
      `asks for preload, which needs includeSubDomains and a max-age of at least ${PRELOAD_MIN_AGE}`,
    );
  return { ok: true, value: hsts };
}
