import { timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { AUTH_METADATA } from '#shared/grpc-contract.js';

/** True when the call carries `authorization: Bearer <token>` with the configured token. */
export function isAuthorized(metadata: grpc.Metadata, token: string): boolean {
  const presented = metadata.get(AUTH_METADATA)[0];
  if (typeof presented !== 'string' || !presented.startsWith('Bearer ')) return false;
  const given = Buffer.from(presented.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const unauthenticated = (): Partial<grpc.StatusObject> => ({
  code: grpc.status.UNAUTHENTICATED,
  details: 'missing or wrong bearer token',
});
