import { describe, expect, it } from 'vitest';
import { checkHsts } from './hsts.js';

describe('checkHsts', () => {
  it.each([
    ['max-age=63072000', { maxAge: 63_072_000, includeSubDomains: false, preload: false }],
    ['max-age=0', { maxAge: 0, includeSubDomains: false, preload: false }],
    [' max-age=600 ;includeSubDomains ', { maxAge: 600, includeSubDomains: true, preload: false }],
    [
      'MAX-AGE=31536000; includesubdomains; Preload',
      { maxAge: 31_536_000, includeSubDomains: true, preload: true },
    ],
    [
      'preload; includeSubDomains; max-age=31536000',
      { maxAge: 31_536_000, includeSubDomains: true, preload: true },
    ],
  ])('reads %j', (raw, value) => {
    expect(checkHsts(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['', /must be "max-age=<seconds>"/],
    ['includeSubDomains', /has no max-age/],
    ['max-age="600"', /must be "max-age=<seconds>"/],
    ['max-age=1234567890', /must be "max-age=<seconds>"/],
    ['max-age=-1', /must be "max-age=<seconds>"/],
    ['max-age=600;', /must be "max-age=<seconds>"/],
    ['max-age=600; max-age=700', /sets max-age twice/],
    ['max-age=600; preload; preload', /sets preload twice/],
    ['max-age=600" always; add_header X-Evil 1; #', /must be "max-age=<seconds>"/],
    ['max-age=600\n}', /must be "max-age=<seconds>"/],
    ['max-age=600, includeSubDomains', /must be "max-age=<seconds>"/],
    ['max-age=63072000; preload', /preload, which needs includeSubDomains/],
    ['max-age=600; includeSubDomains; preload', /a max-age of at least 31536000/],
  ])('refuses %j', (raw, reason) => {
    const checked = checkHsts(raw);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });
});
