import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_QUEUE } from '#shared/jobs/config-job.js';
import { cleanUpRun, startTestCoordinator, startTestWorker } from '../../../testing/coordinator-harness.js';
import { get } from '../../../testing/http-client.js';
import { redis, redisPrefix } from '../../../testing/redis.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  gwbridgeAddressOf,
  testPrefix,
  waitFor,
} from '../../../testing/swarm.js';
import type { RunningCoordinator } from '../../coordinator/src/start-coordinator.js';

/**
 * A config that passes `nginx -t` in the worker but not on the proxy: it runs nginx's workers as `daemon`, a
 * user the worker's machine has and the proxy image lacks. (A TLS secret that holds no certificate did this
 * before the coordinator had certificates checked; it now costs only its service.) The proxy task fails,
 * Swarm rolls back, the job fails with the reason, and the previous config keeps serving.
 */
const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const r = redis();
const cluster = `${prefix}-c`;
const host = `web.${prefix}.test`;
let coordinator: RunningCoordinator | undefined;
let worker: { stop: () => Promise<void> } | undefined;
let queue: Queue;

const answer = async (): Promise<number | undefined> => {
  const ip = await gwbridgeAddressOf(client, `${cluster}-proxy`);
  if (!ip) return undefined;
  return (await get(80, host, '/', { address: ip }).catch(() => undefined))?.status;
};

beforeAll(async () => {
  await createTestNetwork(client, prefix, `${prefix}-net`);
  await createTestService(client, prefix, {
    name: `${prefix}-web`,
    networks: [`${prefix}-net`],
    replicas: 1,
    labels: {
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    },
  });
  coordinator = await startTestCoordinator(prefix, keyPrefix, [
    { extension: 'c', cluster, proxyReplicas: 1 },
  ]);
  queue = new Queue(CONFIG_QUEUE, { connection: redis(), prefix: keyPrefix });
  worker = await startTestWorker(coordinator as RunningCoordinator, prefix, keyPrefix, {
    concurrency: 1,
    workerId: `${prefix}-w`,
  });
}, 60_000);

/** The same cluster, from a coordinator whose config makes the proxy fail; the worker follows it. */
async function restartWithUnknownUser(): Promise<void> {
  await worker?.stop();
  await coordinator?.stop();
  coordinator = await startTestCoordinator(
    prefix,
    keyPrefix,
    [{ extension: 'c', cluster, proxyReplicas: 1, extra: '[Extensions.c.Config]\nUser = "daemon"\n' }],
    `${prefix}-b`,
  );
  worker = await startTestWorker(coordinator, prefix, keyPrefix, {
    concurrency: 1,
    workerId: `${prefix}-w2`,
  });
}

afterAll(async () => {
  await worker?.stop();
  await queue?.close();
  await coordinator?.stop();
  await cleanUpRun(client, r, prefix, keyPrefix, [cluster]);
}, 120_000);

describe('a rollout whose proxy task fails its health check', () => {
  it('is rolled back, fails the job with the reason, and the previous config keeps serving', async () => {
    await waitFor(
      'the route through the first config',
      async () => ((await answer()) === 200 ? true : undefined),
      90_000,
    );
    const good = (await client.getService(`${cluster}-proxy`).inspect()).Spec.TaskTemplate.ContainerSpec
      .Configs[0].ConfigName as string;

    await restartWithUnknownUser();
    const failed = await waitFor(
      'the failed rollout',
      async () => (await queue.getFailed()).find((j) => j.data.cluster === cluster),
      150_000,
    );
    expect(failed.failedReason).toMatch(
      /^rollout of signalbox-.* to cluster .* failed \(rollback_\w+\): update rolled back due to failure/,
    );

    await waitFor(
      'the previous config back on the proxy',
      async () => {
        const svc = await client.getService(`${cluster}-proxy`).inspect();
        return svc.Spec.TaskTemplate.ContainerSpec.Configs[0].ConfigName === good ? true : undefined;
      },
      60_000,
    );
    expect(
      await waitFor(
        'the route answering again',
        async () => ((await answer()) === 200 ? 200 : undefined),
        60_000,
      ),
    ).toBe(200);
  }, 300_000);
});
