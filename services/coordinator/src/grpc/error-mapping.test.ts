import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '#coordinator-client/coordinator-client.js';
import type { DesiredState } from '#shared/desired/index.js';
import { SignalboxError } from '#shared/errors/index.js';
import { AUTH_METADATA } from '#shared/grpc-contract.js';
import { type CoordinatorBackend, coordinatorHandlers } from './coordinator-handlers.js';

const TOKEN = 'a-test-token-of-some-length';

/** A backend whose one cluster is at version v2; `leader` and `rollout` say how the other calls behave. */
function fakeBackend(leader: boolean, rollout: () => never): CoordinatorBackend {
  const desired = {
    clusters: [{ cluster: 'east', version: 'v2', model: { networks: [], secrets: [] }, trustedProxies: [] }],
  } as unknown as DesiredState;
  return {
    desired: () => desired,
    rejections: () => [],
    settingsOf: () => undefined,
    storeConfig: async () => ({ name: 'c', id: 'i', created: true }),
    startRollout: async () => rollout(),
    rolloutStatus: async () => rollout(),
    rollback: async () => rollout(),
    isLeader: () => leader,
    status: async () => ({}),
    explain: () => ({}),
    planChange: () => ({}),
  };
}

/** Calls one unary handler as grpc-js would and resolves with what it answered. */
function call(
  backend: CoordinatorBackend,
  method: 'GetClusterSnapshot' | 'StartRollout',
  request: object,
): Promise<Partial<grpc.StatusObject> | null> {
  const handlers = coordinatorHandlers(backend, TOKEN, pino({ level: 'silent' })) as unknown as Record<
    string,
    (call: object, callback: (err: Partial<grpc.StatusObject> | null) => void) => void
  >;
  const metadata = new grpc.Metadata();
  metadata.set(AUTH_METADATA, `Bearer ${TOKEN}`);
  return new Promise((resolve) =>
    handlers[method]?.({ metadata, request, getPeer: () => 'test' }, (err) => resolve(err)),
  );
}

describe('errors across gRPC', () => {
  it('map each code to its status through one table, with the code in the trailing metadata', async () => {
    const cases: [CoordinatorBackend, 'GetClusterSnapshot' | 'StartRollout', object, number, string][] = [
      [
        fakeBackend(false, () => undefined as never),
        'GetClusterSnapshot',
        { cluster: 'east' },
        14,
        'NOT_LEADER',
      ],
      [
        fakeBackend(true, () => undefined as never),
        'GetClusterSnapshot',
        { cluster: 'west' },
        5,
        'NOT_FOUND',
      ],
      [
        fakeBackend(true, () => undefined as never),
        'GetClusterSnapshot',
        { cluster: 'east', version: 'v1' },
        9,
        'STALE_VERSION',
      ],
      [
        fakeBackend(true, () => {
          throw new SignalboxError('LOCK_SUPERSEDED', 'a newer lock holder');
        }),
        'StartRollout',
        { cluster: 'east', configName: 'c' },
        9,
        'LOCK_SUPERSEDED',
      ],
    ];
    for (const [backend, method, request, status, code] of cases) {
      const err = await call(backend, method, request);
      expect(err?.code, code).toBe(status);
      expect(errorCodeOf(err), code).toBe(code);
    }
  });

  it('answers anything that is not a SignalboxError as INTERNAL, with no code', async () => {
    const err = await call(
      fakeBackend(true, () => {
        throw new Error('a bug');
      }),
      'StartRollout',
      { cluster: 'east', configName: 'c' },
    );
    expect(err?.code).toBe(grpc.status.INTERNAL);
    expect(errorCodeOf(err)).toBeUndefined();
  });
});
