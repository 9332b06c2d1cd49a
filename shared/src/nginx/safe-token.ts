import { SignalboxError } from '../errors/index.js';
import { isCookieName } from '../labels/cookie-name.js';

/**
 * The renderer's last line of defence: every value that came from a label passes through `token`, which
 * refuses anything nginx's parser could read as more than one word, a variable, a comment or a block. The
 * label validators already allow less than this, so a refusal here means a validator bug, not bad input.
 */
const SAFE = /^[A-Za-z0-9._~:/\-*@+,=!]+$/;

const unsafe = (value: string): SignalboxError =>
  new SignalboxError(
    'LABEL_INVALID',
    `refusing to write unsafe value ${JSON.stringify(value)} into nginx config`,
    {
      value,
    },
  );

export function token(value: string): string {
  if (!SAFE.test(value)) throw unsafe(value);
  return value;
}

/** A sticky cookie name, by the rule the label validator applies (cookie-name.ts), so the two never disagree. */
export function cookieName(value: string): string {
  if (!isCookieName(value)) throw unsafe(value);
  return value;
}

/** A cookie name as a PCRE fragment: letters and digits stay, everything else becomes a \xHH escape. */
export const regexLiteral = (value: string): string =>
  [...Buffer.from(value, 'utf8')]
    .map((b) =>
      (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
