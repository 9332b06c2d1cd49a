import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import { SignalboxError } from '#shared/errors/index.js';
import { GRPC_MAX_MESSAGE_BYTES } from '#shared/grpc-contract.js';
import { TEST_TOKEN, writeCoordinatorConfig } from '../../../testing/coordinator-harness.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  removeTestObjects,
  testPrefix,
  waitFor,
} from '../../../testing/swarm.js';
import { freePort } from '../../../testing/upstreams.js';
import { loadCoordinatorSettings } from './settings.js';
import { type RunningCoordinator, startCoordinator } from './start-coordinator.js';

/**
 * Bad input at the coordinator's edges, against a real coordinator on the swarm and a Redis of its own (so
 * the test can make it refuse writes): each gets a clear error, the process keeps serving, nothing is lost.
 */
const client = docker();
const prefix = testPrefix();
const cluster = `${prefix}-c`;
let redisServer: ChildProcess | undefined;
let admin: Redis;
let running: RunningCoordinator | undefined;
let api: ReturnType<typeof coordinatorClient>;
let configFile = '';

beforeAll(async () => {
  const port = await freePort();
  redisServer = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  admin = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null });
  // Refused connections while redis-server starts are retried; the ping below is what must succeed.
  admin.on('error', () => undefined);
  await waitFor(
    'the private redis-server',
    async () => ((await admin.ping()) === 'PONG' ? true : undefined),
    10_000,
  );
  const base = await writeCoordinatorConfig(prefix, [{ extension: 'c', cluster }]);
  configFile = base.replace(/\.toml$/, '-edge.toml');
  writeFileSync(
    configFile,
    readFileSync(base, 'utf8').replace(/^RedisURL = .*$/m, `RedisURL = "redis://127.0.0.1:${port}"`),
  );
  await createTestNetwork(client, prefix, `${prefix}-net`);
  running = await startCoordinator(
    loadCoordinatorSettings({
      SIGNALBOX_CONFIG: configFile,
      SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
      SIGNALBOX_INSTANCE: prefix,
    }),
    pino({ level: 'silent' }),
    { keyPrefix: prefix, queuePrefix: prefix, leaseTtlMs: 1_500 },
  );
  api = coordinatorClient(`127.0.0.1:${running.grpcPort}`, TEST_TOKEN);
}, 120_000);

afterAll(async () => {
  api?.close();
  await running?.stop();
  await removeTestObjects(client, prefix);
  admin?.disconnect();
  redisServer?.kill('SIGKILL');
}, 120_000);

/** The process still answers an ordinary call. */
const stillServing = async () => {
  const clusters = await unary(api.ListClusters.bind(api), {});
  expect(clusters).toBeDefined();
};

describe('bad input at the edges', () => {
  it('refuses a wrong token with UNAUTHENTICATED', async () => {
    const wrong = coordinatorClient(`127.0.0.1:${running?.grpcPort}`, 'not-the-token-0123456789');
    try {
      await expect(unary(wrong.ListClusters.bind(wrong), {})).rejects.toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
      });
    } finally {
      wrong.close();
    }
    await stillServing();
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED and stores nothing', async () => {
    const before = (await client.listConfigs({ filters: JSON.stringify({ name: [cluster] }) } as object))
      .length;
    const err = await unary(api.StoreConfig.bind(api), {
      cluster,
      version: 'v',
      // Over the limit both sides set; a large cluster's config below it is stored gzipped.
      nginxConf: 'x'.repeat(GRPC_MAX_MESSAGE_BYTES + 1),
    }).catch((e: grpc.ServiceError) => e);
    expect(err).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    expect(
      (await client.listConfigs({ filters: JSON.stringify({ name: [cluster] }) } as object)).length,
    ).toBe(before);
    await stillServing();
  });

  it('refuses bytes that are not a protobuf message, with INTERNAL, and keeps serving', async () => {
    const raw = new grpc.Client(`127.0.0.1:${running?.grpcPort}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${TEST_TOKEN}`);
    try {
      const err = await new Promise<grpc.ServiceError | null>((resolve) =>
        raw.makeUnaryRequest(
          '/signalbox.v1.Coordinator/GetClusterSnapshot',
          () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a]),
          (b: Buffer) => b,
          {},
          metadata,
          (e) => resolve(e),
        ),
      );
      expect(err?.code).toBe(grpc.status.INTERNAL);
    } finally {
      raw.close();
    }
    await stillServing();
  });

  it('answers an unknown cluster with NOT_FOUND naming it', async () => {
    await waitFor('the first pass', async () => (running?.coordinator.desired() ? true : undefined), 30_000);
    const err = await unary(api.GetClusterSnapshot.bind(api), { cluster: 'no-such-cluster' }).catch(
      (e: grpc.ServiceError) => e,
    );
    expect(err).toMatchObject({ code: grpc.status.NOT_FOUND });
    expect((err as grpc.ServiceError).details).toContain('"no-such-cluster"');
  });

  it('rejects invalid TOML with the line it failed on', () => {
    const bad = `${configFile}.bad`;
    writeFileSync(bad, 'ListenAddr = "127.0.0.1:0"\n[Extensions.x\nServiceCluster = "a"\n');
    expect(() =>
      loadCoordinatorSettings({ SIGNALBOX_CONFIG: bad, SIGNALBOX_GRPC_TOKEN: TEST_TOKEN }),
    ).toThrow(SignalboxError);
    expect(() =>
      loadCoordinatorSettings({ SIGNALBOX_CONFIG: bad, SIGNALBOX_GRPC_TOKEN: TEST_TOKEN }),
    ).toThrow(/line 2/i);
  });

  it('keeps running while Redis refuses writes, and enqueues the change once it accepts them again', async () => {
    const versions = `${prefix}:enqueued-version`;
    await waitFor(
      'a first job',
      async () => ((await admin.hget(versions, cluster)) ? true : undefined),
      60_000,
    );
    const before = await admin.hget(versions, cluster);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    await expect(admin.set(`${prefix}:probe`, 'x')).rejects.toThrow(/OOM/);
    await createTestService(client, prefix, {
      name: `${prefix}-app`,
      networks: [`${prefix}-net`],
      replicas: 0,
      labels: {
        'com.docker.lb.hosts': `app.${prefix}.test`,
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': cluster,
      },
    });
    await waitFor(
      'a pass that failed on the refused write',
      async () =>
        (await running?.metrics.passFailures.get())?.values.some((v) => v.value > 0) ? true : undefined,
      30_000,
    );
    expect(await admin.hget(versions, cluster)).toBe(before);
    await stillServing();
    await admin.config('SET', 'maxmemory', '0');
    await waitFor(
      'the change enqueued after Redis recovered',
      async () => ((await admin.hget(versions, cluster)) !== before ? true : undefined),
      30_000,
    );
  }, 90_000);
});
