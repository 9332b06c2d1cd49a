import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../../../testing/coordinator-harness.js';
import { REDIS_URL } from '../../../testing/redis.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { waitFor } from '../../../testing/swarm.js';

/** A worker process SIGKILLed in the middle of a rollout; another worker finishes the job. */
const scenario = new RoutedScenario();
const { client, prefix, keyPrefix } = scenario;
const cluster = `${prefix}-c`;
const LOCK_MS = 3_000;
let doomed: ChildProcess | undefined;

beforeAll(async () => {
  // Both workers start in the test, the doomed one as a process of its own.
  await scenario.start({
    clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
    queue: true,
    worker: false,
  });
}, 60_000);

afterAll(async () => {
  doomed?.kill('SIGKILL');
  await scenario.stop();
}, 120_000);

describe('a worker that dies mid-rollout', () => {
  it('leaves a stalled job that another worker picks up and finishes', async () => {
    // Only one version to roll out: wait until the app's task is a target before any worker runs.
    await scenario.deploy([{ name: 'web', host: `web.${prefix}.test`, cluster }]);
    await waitFor('the routed version of the cluster', async () => {
      const c = scenario.coordinator.coordinator.desired()?.clusters.find((x) => x.cluster === cluster);
      return c?.model.httpPools[0]?.targets.length === 1 ? true : undefined;
    });
    doomed = spawn('npx', ['tsx', 'services/extension/src/main.ts'], {
      env: {
        ...process.env,
        SIGNALBOX_COORDINATOR: `127.0.0.1:${scenario.coordinator.grpcPort}`,
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
        (await scenario.queue.getActive()).find(
          (j) => (j.progress as { stage?: string })?.stage === 'rollout',
        ),
      90_000,
    );
    process.kill(-(doomed.pid as number), 'SIGKILL');
    const killedAt = Date.now();
    await scenario.startWorker({
      concurrency: 1,
      workerId: `${prefix}-rescuer`,
      jobLockMs: LOCK_MS,
      clusterLockMs: LOCK_MS,
    });
    const done = await waitFor(
      'the job finished by the rescuer',
      async () => {
        const j = await scenario.queue.getJob(job.id as string);
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
