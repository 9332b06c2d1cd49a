import type * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { coordinatorClient, errorCodeOf } from '#coordinator-client/coordinator-client.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { CoordinatorBackend } from './coordinator-handlers.js';
import { startGrpcServer } from './grpc-server.js';

const TOKEN = 'a-test-token-of-some-length';

/** A leader whose one rollout never finishes: no agent will ever report its task serving. */
const leaderWithEndlessRollout: CoordinatorBackend = {
  desired: () => undefined,
  rejections: () => [],
  settingsOf: () => undefined,
  storeConfig: async () => ({ name: 'c', id: 'i', created: true }),
  startRollout: async () => ({}),
  rolloutStatus: async (): Promise<Rollout> => ({ state: 'updating', tasksDesired: 1, tasksServing: 0 }),
  rollback: async () => ({}),
  isLeader: () => true,
  status: async () => ({}),
  explain: () => ({}),
  planChange: () => ({}),
};

describe('the gRPC server', () => {
  // The system suite's afterAll once waited 180 s here: the server's shutdown waited for a worker's watch
  // of a rollout that the stopped coordinator could no longer see finish.
  it('stops while a worker watches a rollout, sending the watch on to another coordinator (NOT_LEADER)', async () => {
    const server = await startGrpcServer(leaderWithEndlessRollout, {
      address: '127.0.0.1:0',
      token: TOKEN,
      log: pino({ level: 'silent' }),
    });
    const client = coordinatorClient(`127.0.0.1:${server.port}`, TOKEN);
    try {
      const stream = client.WatchRollout({ cluster: 'east' });
      const ended = new Promise<grpc.ServiceError>((resolve, reject) => {
        stream.on('data', () => undefined);
        stream.on('error', resolve);
        stream.on('end', () => reject(new Error('the watch ended without an error')));
      });
      await new Promise((resolve) => stream.once('data', resolve));
      await server.stop();
      expect(errorCodeOf(await ended)).toBe('NOT_LEADER');
    } finally {
      client.close();
    }
  });
});
