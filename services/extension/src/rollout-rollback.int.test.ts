import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { gwbridgeAddressOf, waitFor } from '../../../testing/swarm.js';

/**
 * A config that passes `nginx -t` in the worker but not on the proxy: it runs nginx's workers as `daemon`, a
 * user the worker's machine has and the proxy image lacks. (A TLS secret that holds no certificate did this
 * before the coordinator had certificates checked; it now costs only its service.) The proxy task fails,
 * Swarm rolls back, the job fails with the reason, and the previous config keeps serving.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const cluster = `${prefix}-c`;
const host = `web.${prefix}.test`;

const answer = async (): Promise<number | undefined> => {
  const ip = await gwbridgeAddressOf(client, `${cluster}-proxy`);
  if (!ip) return undefined;
  return (await get(80, host, '/', { address: ip }).catch(() => undefined))?.status;
};

beforeAll(async () => {
  await scenario.start({
    apps: [{ name: 'web', host, cluster }],
    clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
    queue: true,
    worker: { concurrency: 1, workerId: `${prefix}-w` },
  });
}, 60_000);

/** The same cluster, from a coordinator whose config makes the proxy fail; the worker follows it. */
async function restartWithUnknownUser(): Promise<void> {
  await scenario.stopWorker();
  await scenario.stopCoordinator();
  await scenario.startCoordinator(`${prefix}-b`, [
    { extension: 'c', cluster, proxyReplicas: 1, extra: '[Extensions.c.Config]\nUser = "daemon"\n' },
  ]);
  await scenario.startWorker({ concurrency: 1, workerId: `${prefix}-w2` });
}

afterAll(() => scenario.stop(), 120_000);

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
      async () => (await scenario.queue.getFailed()).find((j) => j.data.cluster === cluster),
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
