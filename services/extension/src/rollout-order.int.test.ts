import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { updateService, waitFor } from '../../../testing/swarm.js';

/** Two-replica proxies rolled out start-first and stop-first, each with a 3 s update delay between stages. */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const DELAY_S = 3;
const orders = ['start-first', 'stop-first'] as const;
const clusterOf = (order: string): string => `${prefix}-${order}`;

beforeAll(async () => {
  await scenario.start({
    apps: orders.map((order) => ({
      name: `app-${order}`,
      host: `${order}.${prefix}.test`,
      cluster: clusterOf(order),
    })),
    clusters: orders.map((order) => ({
      extension: order.replace('-', '_'),
      cluster: clusterOf(order),
      proxyReplicas: 2,
      extra: `ProxyUpdateOrder = "${order}"\nProxyUpdateDelay = "${DELAY_S}s"\n`,
    })),
    queue: true,
    worker: { concurrency: 2, workerId: `${prefix}-w` },
  });
}, 60_000);

afterAll(() => scenario.stop(), 120_000);

describe('staged proxy rollouts', () => {
  it.each(orders)(
    `%s replaces one task at a time, ${DELAY_S} s apart`,
    async (order) => {
      const cluster = clusterOf(order);
      const rolledOut = (notConfig = '') =>
        waitFor(
          `a rolled-out job of ${cluster}`,
          async () =>
            (await scenario.queue.getCompleted()).find((j) => {
              const result = j.returnvalue as { outcome?: string; configName?: string } | undefined;
              return (
                j.data.cluster === cluster &&
                result?.outcome === 'rolled-out' &&
                result.configName !== notConfig
              );
            }),
          120_000,
        );
      // The first config starts both tasks at once (the proxy had none); the second replaces them in stages.
      const first = await rolledOut();
      await updateService(client, `${prefix}-app-${order}`, (spec) => ({
        Labels: { ...spec.Labels, 'com.docker.lb.websocket_endpoints': '/ws' },
      }));
      const job = await rolledOut((first.returnvalue as { configName: string }).configName);
      const svc = await client.getService(`${cluster}-proxy`).inspect();
      expect(svc.Spec.UpdateConfig).toMatchObject({
        Order: order,
        Delay: DELAY_S * 1_000_000_000,
        FailureAction: 'rollback',
      });
      const configName = (job.returnvalue as { configName: string }).configName;
      const tasks = await client.listTasks({
        filters: JSON.stringify({ service: [`${cluster}-proxy`] }),
      } as object);
      const onNew = tasks
        .filter(
          (t) =>
            (t.Spec?.ContainerSpec as { Configs?: { ConfigName: string }[] } | undefined)?.Configs?.[0]
              ?.ConfigName === configName,
        )
        .map((t) => Date.parse(t.CreatedAt ?? ''))
        .sort((a, b) => a - b);
      expect(onNew).toHaveLength(2);
      expect((onNew[1] ?? 0) - (onNew[0] ?? 0)).toBeGreaterThanOrEqual(DELAY_S * 1000);
    },
    150_000,
  );
});
