import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CoordinatorClient, coordinatorClient } from '#coordinator-client/coordinator-client.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { LiveVersion } from '#shared/jobs/config-job.js';
import { desiredFixture, routedApp } from '../../../../testing/desired-fixture.js';
import type {
  CoordinatorBackend,
  RolloutRequest,
} from '../../../coordinator/src/grpc/coordinator-handlers.js';
import { startGrpcServer } from '../../../coordinator/src/grpc/grpc-server.js';
import { WorkerMetrics } from '../metrics/worker-metrics.js';
import { makeConfigJobProcessor } from './process-config-job.js';

/**
 * One config job against a coordinator that is a real gRPC server on loopback with a scripted backend: the
 * worker's side of the contract (snapshot, render, nginx -t, store, roll out, watch) without Docker, Redis
 * or nginx. The validator accepts every config; validated-config.e2e.test.ts runs the real `nginx -t`.
 */
const TOKEN = 'a-test-token-of-some-length';
const { desired } = desiredFixture(
  [routedApp('web', 'web.example.org', { cluster: 'east' })],
  '[Extensions.east]\nServiceCluster = "east"\n',
);
const east = desired.clusters.find((c) => c.cluster === 'east');
if (!east) throw new Error('the fixture has no cluster east');
const CONFIG = 'signalbox-stored-east';

interface Scripted {
  backend: CoordinatorBackend;
  rollouts: RolloutRequest[];
  /** What the next WatchRollout polls see, in turn; the last one repeats. */
  watch: Rollout[];
  /** How many WatchRollout polls answer as a standby first. */
  standbyPolls: number;
}

function scriptedCoordinator(): Scripted {
  const s: Scripted = {
    rollouts: [],
    watch: [
      {
        cluster: 'east',
        state: 'completed',
        configName: 'signalbox-before',
        tasksDesired: 2,
        tasksServing: 2,
      },
      { cluster: 'east', state: 'completed', configName: CONFIG, tasksDesired: 2, tasksServing: 2 },
    ],
    standbyPolls: 0,
    backend: {
      desired: () => desired,
      rejections: () => [],
      settingsOf: () => ({
        extension: 'east',
        settingsJson: '{}',
        ports: { http: 80, https: 443, publishedHttps: 443 },
        proxyService: 'signalbox-proxy-east',
      }),
      storeConfig: async () => ({ name: CONFIG, id: 'config-id', created: true }),
      startRollout: async (r) => {
        s.rollouts.push(r);
        return {};
      },
      rolloutStatus: async () =>
        s.watch.length > 1 ? (s.watch.shift() as Rollout) : (s.watch[0] as Rollout),
      rollback: async () => ({}),
      isLeader: () => true,
      status: async () => ({}),
      explain: () => ({}),
      planChange: () => ({}),
    },
  };
  return s;
}

let server: { port: number; stop: () => Promise<void> } | undefined;
let client: CoordinatorClient;
let scripted: Scripted;
let live: LiveVersion[];
let released: number;

beforeEach(async () => {
  scripted = scriptedCoordinator();
  server = await startGrpcServer(scripted.backend, {
    address: '127.0.0.1:0',
    token: TOKEN,
    log: pino({ level: 'silent' }),
  });
  client = coordinatorClient(`127.0.0.1:${server.port}`, TOKEN);
  live = [];
  released = 0;
});

afterEach(async () => {
  client.close();
  await server?.stop();
});

const job = (version = east.version) => {
  const delayed: number[] = [];
  const j = {
    id: '1',
    name: 'config',
    data: { cluster: 'east', version, epoch: 1, changedAt: Date.now() },
    updateProgress: async () => undefined,
    moveToDelayed: async (at: number) => {
      delayed.push(at);
    },
  } as unknown as Job;
  return { job: j, delayed };
};

const processor = (lockFree = true) =>
  makeConfigJobProcessor({
    coordinator: client,
    lock: {
      tryAcquire: async () =>
        lockFree
          ? {
              token: 7,
              release: async () => {
                released += 1;
              },
            }
          : undefined,
    },
    validator: { validate: async () => ({ ok: true, output: '' }) },
    workerId: 'w1',
    serverInfo: 'signalbox/test',
    log: pino({ level: 'silent' }),
    metrics: new WorkerMetrics(),
    recordLive: async (_cluster, version) => {
      live.push(version);
    },
  });

describe('a config job', () => {
  it('stores the rendered config, rolls it out under its lock token, and records the version live', async () => {
    const outcome = await processor()(job().job);
    expect(outcome).toMatchObject({ outcome: 'rolled-out', configName: CONFIG });
    expect(scripted.rollouts).toMatchObject([{ cluster: 'east', configName: CONFIG, lockToken: 7 }]);
    expect(live).toMatchObject([{ version: east.version, config: CONFIG }]);
    expect(released).toBe(1);
  });

  it('starts no rollout when every replica serves the stored config already, and records it live', async () => {
    scripted.watch = [
      { cluster: 'east', state: 'completed', configName: CONFIG, tasksDesired: 2, tasksServing: 2 },
    ];
    expect(await processor()(job().job)).toMatchObject({ outcome: 'unchanged', configName: CONFIG });
    expect(scripted.rollouts).toEqual([]);
    expect(live).toMatchObject([{ version: east.version, config: CONFIG }]);
  });

  it('drops a version the coordinator no longer wants', async () => {
    expect(await processor()(job('0123456789abcdef').job)).toEqual({
      outcome: 'superseded',
      version: '0123456789abcdef',
    });
    expect(scripted.rollouts).toEqual([]);
  });

  it('comes back later, without an attempt, while another worker holds the cluster', async () => {
    const { job: j, delayed } = job();
    await expect(processor(false)(j)).rejects.toBeInstanceOf(DelayedError);
    expect(delayed).toHaveLength(1);
    expect(scripted.rollouts).toEqual([]);
  });

  it('fails for good, naming the state, when the rollout was rolled back', async () => {
    scripted.watch = [
      {
        cluster: 'east',
        state: 'rollback_completed',
        message: 'the agent of proxy task aaaa refused it',
        configName: CONFIG,
        tasksDesired: 2,
        tasksServing: 0,
      },
    ];
    const error = await processor()(job().job).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toContain('rollback_completed');
    expect(live).toEqual([]);
    expect(released).toBe(1);
  });

  it('fails, to be retried, when the rollout ends before every replica serves the config', async () => {
    scripted.watch = [
      { cluster: 'east', state: 'completed', configName: CONFIG, tasksDesired: 2, tasksServing: 1 },
    ];
    const error = await processor()(job().job).catch((e: Error) => e);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toContain('1 of 2 tasks serve it');
    expect(live).toEqual([]);
    expect(released).toBe(1);
  });
});
