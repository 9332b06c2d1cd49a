import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The secret an Authorization header carries: a bearer token, or a Basic password (any user name). */
export function presentedSecret(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('Bearer ')) return header.slice('Bearer '.length);
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}

/**
 * Express middleware that lets a request through only with `token`, as `Bearer <token>` (scripts, Prometheus)
 * or as the password of HTTP Basic auth (browsers, which then ask for it once). `which` names the token in
 * the refusal.
 */
export function requireToken(token: string, realm: string, which = 'the API token') {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (sameSecret(presentedSecret(req.headers.authorization), token)) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`)
      .type('text/plain')
      .send(`missing or wrong token: use ${which} as a bearer token or as the Basic auth password\n`);
  };
}
