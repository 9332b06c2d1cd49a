import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterRollout } from '#shared/rollout/index.js';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { steadyLoad } from '../../../testing/steady-load.js';
import { createTestService, tasksMeantToRun, waitFor } from '../../../testing/swarm.js';

/**
 * A leader stopped in the middle of an in-place rollout, on the real swarm: the rollout of a new route
 * reaches one of the proxy's two replicas, the leader stops, a coordinator with nothing in memory takes the
 * lease and finishes the rollout from the record the old leader kept in Redis: the same config, the same
 * revert target, the next replica a full update delay later; no proxy task replaced, no request failed.
 * Both coordinators run from one config file and listen on the same addresses, as a restarted or
 * rescheduled coordinator task does behind its service name.
 */
const scenario = new RoutedScenario();
const { client, prefix, keyPrefix, redis: r } = scenario;
const cluster = `${prefix}-c`;
const host = `web.${prefix}.test`;
/** The cluster's ProxyUpdateDelay: in-place applies of its replicas are this far apart. */
const DELAY_MS = 8_000;

const runningProxyTasks = async (): Promise<string[]> =>
  (await tasksMeantToRun(client, `${cluster}-proxy`))
    .filter((t) => t.Status?.State === 'running')
    .map((t) => t.ID ?? '')
    .sort();

beforeAll(async () => {
  await scenario.start({
    apps: [{ name: 'web', host, cluster }],
    clusters: [
      { extension: 'c', cluster, proxyReplicas: 2, extra: `ProxyUpdateDelay = "${DELAY_MS / 1000}s"\n` },
    ],
    frontDoor: true,
    instance: `${prefix}-1`,
    pinGrpcAddress: true,
    queue: true,
  });
  await scenario.waitAnswering(host, 150_000);
  const first = scenario.coordinator;
  await waitFor(
    'the cluster in sync on both replicas',
    async () => {
      const s = await first.coordinator.rolloutStatus(cluster);
      const inSync = (await first.coordinator.status()).clusters?.every((c) => c.inSync);
      return inSync && s.tasksServing === 2 ? true : undefined;
    },
    90_000,
  );
}, 300_000);

afterAll(() => scenario.stop(), 120_000);

describe('a leader stopped mid-rollout', () => {
  it('leaves the rollout to the next leader, which finishes it at its pace from the record', async () => {
    const leader = scenario.coordinator;
    const before = await leader.coordinator.rolloutStatus(cluster);
    const tasks = await runningProxyTasks();
    expect(tasks).toHaveLength(2);
    const load = steadyLoad(scenario.frontDoor.httpPort, host, { concurrency: 4, maxMs: 150_000 });

    await createTestService(client, prefix, {
      name: `${prefix}-blog`,
      networks: [`${prefix}-net`],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': host,
        'com.docker.lb.context_root': '/blog',
        'com.docker.lb.context_root_rewrite': 'true',
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': cluster,
      },
    });
    const halfway = await waitFor(
      'one replica on the new config',
      async () => {
        const s = await leader.coordinator.rolloutStatus(cluster);
        return s.configName !== before.configName && s.tasksServing === 1 ? s : undefined;
      },
      90_000,
    );

    await scenario.stopCoordinator(leader);
    const takeover = Date.now();
    const next = await scenario.startCoordinator(`${prefix}-2`);
    const doneAt = await waitFor(
      'both replicas on the config the stopped leader started',
      async () => {
        if (!next.lease.isLeader) return undefined;
        const s = await next.coordinator.rolloutStatus(cluster);
        return s.configName === halfway.configName && s.tasksServing === 2 && s.state === 'completed'
          ? Date.now()
          : undefined;
      },
      90_000,
    );
    // Paced as the old leader would have: the second replica waited a full update delay.
    expect(doneAt - takeover).toBeGreaterThanOrEqual(DELAY_MS);
    // The worker's job, retried through the new leader, ends rolled out with that config.
    await waitFor(
      'the rolled-out job',
      async () =>
        (await scenario.queue.getCompleted()).find(
          (j) =>
            j.data.cluster === cluster &&
            (j.returnvalue as { configName?: string })?.configName === halfway.configName,
        ),
      60_000,
    );
    // The revert target is still the config the proxies ran before the rollout.
    const record = ClusterRollout.parse(JSON.parse((await r.hget(`${keyPrefix}:rollouts`, cluster)) ?? ''));
    expect(record.config?.name).toBe(halfway.configName);
    expect(record.previous?.name).toBe(before.configName);

    expect(
      (await get(scenario.frontDoor.httpPort, host, '/blog/').catch(() => undefined))?.status,
      `${host}/blog/ through the front door`,
    ).toBe(200);
    const result = await load.stop();
    expect(await runningProxyTasks()).toEqual(tasks);
    expect(result.requests).toBeGreaterThan(100);
    expect(result.failures).toEqual([]);
  }, 240_000);
});
