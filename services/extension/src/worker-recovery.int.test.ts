import { type ChildProcess, spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_QUEUE } from '#shared/jobs/config-job.js';
import {
  cleanUpRun,
  startTestCoordinator,
  startTestWorker,
  TEST_TOKEN,
} from '../../../testing/coordinator-harness.js';
import { REDIS_URL, redis, redisPrefix } from '../../../testing/redis.js';
import { createTestNetwork, createTestService, docker, testPrefix, waitFor } from '../../../testing/swarm.js';
import type { RunningCoordinator } from '../../coordinator/src/start-coordinator.js';

/** A worker process SIGKILLed in the middle of a rollout; another worker finishes the job. */
const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const r = redis();
const cluster = `${prefix}-c`;
const LOCK_MS = 3_000;
let coordinator: RunningCoordinator | undefined;
let doomed: ChildProcess | undefined;
let rescuer: { stop: () => Promise<void> } | undefined;
let queue: Queue;

beforeAll(async () => {
  await createTestNetwork(client, prefix, `${prefix}-net`);
  coordinator = await startTestCoordinator(prefix, keyPrefix, [
    { extension: 'c', cluster, proxyReplicas: 1 },
  ]);
  queue = new Queue(CONFIG_QUEUE, { connection: redis(), prefix: keyPrefix });
}, 60_000);

afterAll(async () => {
  doomed?.kill('SIGKILL');
  await rescuer?.stop();
  await queue?.close();
  await coordinator?.stop();
  await cleanUpRun(client, r, prefix, keyPrefix, [cluster]);
}, 120_000);

describe('a worker that dies mid-rollout', () => {
  it('leaves a stalled job that another worker picks up and finishes', async () => {
    // Only one version to roll out: wait until the app's task is a target before any worker runs.
    await createTestService(client, prefix, {
      name: `${prefix}-web`,
      networks: [`${prefix}-net`],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': `web.${prefix}.test`,
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': cluster,
      },
    });
    await waitFor('the routed version of the cluster', async () => {
      const c = coordinator?.coordinator.desired()?.clusters.find((x) => x.cluster === cluster);
      return c?.model.httpPools[0]?.targets.length === 1 ? true : undefined;
    });
    doomed = spawn('npx', ['tsx', 'services/extension/src/main.ts'], {
      env: {
        ...process.env,
        SIGNALBOX_COORDINATOR: `127.0.0.1:${coordinator?.grpcPort}`,
        SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
        SIGNALBOX_REDIS_URL: REDIS_URL,
        SIGNALBOX_QUEUE_PREFIX: keyPrefix,
        SIGNALBOX_KEY_PREFIX: keyPrefix,
        SIGNALBOX_JOB_LOCK_MS: String(LOCK_MS),
        SIGNALBOX_CLUSTER_LOCK_MS: String(LOCK_MS),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
      detached: true,
    });
    const job = await waitFor(
      'the first worker in the rollout stage',
      async () =>
        (await queue.getActive()).find((j) => (j.progress as { stage?: string })?.stage === 'rollout'),
      90_000,
    );
    process.kill(-(doomed.pid as number), 'SIGKILL');
    const killedAt = Date.now();
    rescuer = await startTestWorker(coordinator as RunningCoordinator, prefix, keyPrefix, {
      concurrency: 1,
      workerId: `${prefix}-rescuer`,
      jobLockMs: LOCK_MS,
      clusterLockMs: LOCK_MS,
    });
    const done = await waitFor(
      'the job finished by the rescuer',
      async () => {
        const j = await queue.getJob(job.id as string);
        return j?.finishedOn ? j : undefined;
      },
      90_000,
    );
    expect(done.failedReason ?? '').toBe('');
    expect(['rolled-out', 'unchanged']).toContain((done.returnvalue as { outcome: string }).outcome);
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    const svc = await client.getService(`${cluster}-proxy`).inspect();
    expect((svc.Spec.TaskTemplate.ContainerSpec.Configs as { ConfigName: string }[])[0]?.ConfigName).toBe(
      (done.returnvalue as { configName: string }).configName,
    );
  }, 200_000);
});
