import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import type { Rollout__Output } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StoreConfigResponse__Output } from '#shared/gen/signalbox/v1/StoreConfigResponse.js';
import { CONFIG_LABEL } from '#shared/labels/index.js';
import { TEST_TOKEN } from '../../../testing/coordinator-harness.js';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { steadyLoad } from '../../../testing/steady-load.js';
import {
  createTestNetwork,
  createTestService,
  nginxWorkerPids,
  tasksMeantToRun,
  updateService,
  waitFor,
} from '../../../testing/swarm.js';

/**
 * Hitless updates on the real swarm, through the front door, under keep-alive load without client retries:
 * scaling an app changes no proxy config, replaces no proxy task, reloads no nginx, and drops no request
 * (new tasks get traffic within a second); a new route is applied in place by the proxy's agent; a route
 * that needs a new network replaces the proxy task start-first; a config the proxy refuses never serves.
 * The new routes are paths on a host the front door already knows, so the front door does not reload:
 * its own reloads (new hosts) are measured in bench:hitless.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const cluster = `${prefix}-c`;
const app = `${prefix}-web`;
const host = `web.${prefix}.test`;

interface ProxyState {
  config: string;
  tasks: string[];
  /** nginx worker processes: a reload replaces them, so equal lists mean no reload happened. */
  workers: string[];
}

async function proxyState(): Promise<ProxyState> {
  const svc = await client.getService(`${cluster}-proxy`).inspect();
  const config = ((svc.Spec.TaskTemplate?.ContainerSpec?.Configs ?? []) as { ConfigName: string }[])[0]
    ?.ConfigName;
  const tasks = (await tasksMeantToRun(client, `${cluster}-proxy`)).filter(
    (t) => t.Status?.State === 'running',
  );
  return {
    config: config ?? '',
    tasks: tasks.map((t) => t.ID).sort(),
    workers: await nginxWorkerPids(client, `${cluster}-proxy`),
  };
}

/** The nginx.conf the (first) proxy task runs now. */
async function fetchLiveConfig(): Promise<string> {
  const task = (await tasksMeantToRun(client, `${cluster}-proxy`)).find((t) => t.Status?.State === 'running');
  const id =
    (task?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)?.ContainerStatus
      ?.ContainerID ?? '';
  const exec = await client
    .getContainer(id)
    .exec({ Cmd: ['cat', '/etc/nginx/nginx.conf'], AttachStdout: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  // Docker multiplexes exec output in frames: an 8-byte header, then the payload.
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(at + 4);
    out.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(out).toString();
}

const metricsText = async (): Promise<string> =>
  (await fetch(`http://${scenario.frontDoor.agentHost}:${scenario.coordinator.httpPort}/metrics`)).text();

const coordinatorMetric = (text: string, name: string, labels: string): number =>
  Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

/** Running tasks of the app: hostname (the container ID's first 12 characters) → when Swarm saw it run. */
async function runningTasks(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of await tasksMeantToRun(client, app)) {
    const status = t.Status as {
      State?: string;
      Timestamp?: string;
      ContainerStatus?: { ContainerID?: string };
    };
    if (status.State === 'running')
      out.set(status.ContainerStatus?.ContainerID?.slice(0, 12) ?? '', Date.parse(status.Timestamp ?? ''));
  }
  return out;
}

beforeAll(async () => {
  await scenario.start({
    apps: [{ name: 'web', host, cluster }],
    clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
    frontDoor: true,
  });
  await scenario.waitAnswering(host, 150_000);
  // Settled: the proxy serves the desired version and no rollout is under way.
  await waitFor('the cluster in sync', scenario.allInSync, 60_000);
}, 200_000);

afterAll(() => scenario.stop(), 120_000);

describe('run-time targets on a real swarm', () => {
  it('scales an app 1 → 5 → 1 under load: no config change, no reload, no task replaced, no failed request', async () => {
    const before = await proxyState();
    expect(before.tasks).toHaveLength(1);
    expect(before.workers.length).toBeGreaterThan(0);
    const load = steadyLoad(scenario.frontDoor.httpPort, host, { concurrency: 4, maxMs: 150_000 });

    const old = new Set((await runningTasks()).keys());
    await updateService(client, app, () => ({ Mode: { Replicated: { Replicas: 5 } } }));
    const five = await waitFor(
      'five running tasks',
      async () => {
        const running = await runningTasks();
        return running.size === 5 ? running : undefined;
      },
      60_000,
    );
    await waitFor(
      'traffic on all five',
      async () => ([...five.keys()].every((name) => load.current().firstSeen.has(name)) ? true : undefined),
      10_000,
    );
    for (const [name, runningAt] of five) {
      if (old.has(name)) continue;
      const seenAt = load.current().firstSeen.get(name) ?? 0;
      // Swarm's timestamp is when the task turned running: the first request it served came at most 1 s later.
      expect(seenAt - runningAt, `task ${name}: ms from running to its first request`).toBeLessThan(1_000);
    }

    await updateService(client, app, () => ({ Mode: { Replicated: { Replicas: 1 } } }));
    await waitFor(
      'one running task',
      async () => ((await runningTasks()).size === 1 ? true : undefined),
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const result = await load.stop();

    const after = await proxyState();
    expect(after).toEqual(before);
    expect(result.requests).toBeGreaterThan(100);
    expect(result.failures).toEqual([]);
  }, 200_000);

  it('adds a route in place: same proxy task, no failed request on the routes already there', async () => {
    const before = await proxyState();
    const load = steadyLoad(scenario.frontDoor.httpPort, host, { concurrency: 4, maxMs: 120_000 });
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
    await waitFor(
      `${host}/blog/ through the front door`,
      async () =>
        (await get(scenario.frontDoor.httpPort, host, '/blog/').catch(() => undefined))?.status === 200
          ? true
          : undefined,
      60_000,
    );
    const result = await load.stop();
    const after = await proxyState();
    expect(after.tasks).toEqual(before.tasks);
    expect(after.config).toBe(before.config);
    // A graceful reload replaces nginx's workers; the task and its baked config stay.
    expect(after.workers).not.toEqual(before.workers);
    const svc = await client.getService(`${cluster}-proxy`).inspect();
    expect(svc.Spec.Labels?.[CONFIG_LABEL]).not.toBe(before.config);
    expect(result.failures).toEqual([]);
    expect(
      coordinatorMetric(
        await metricsText(),
        'signalbox_proxy_rollouts_total',
        `cluster="${cluster}",mode="in_place"`,
      ),
    ).toBeGreaterThan(0);
  }, 90_000);

  it('replaces the proxy task, start-first, when a route needs a new network', async () => {
    await createTestNetwork(client, prefix, `${prefix}-net2`);
    const before = await proxyState();
    const load = steadyLoad(scenario.frontDoor.httpPort, host, { concurrency: 4, maxMs: 150_000 });
    await createTestService(client, prefix, {
      name: `${prefix}-shop`,
      networks: [`${prefix}-net2`],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': host,
        'com.docker.lb.context_root': '/shop',
        'com.docker.lb.context_root_rewrite': 'true',
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': cluster,
      },
    });
    await waitFor(
      `${host}/shop/ through the front door`,
      async () =>
        (await get(scenario.frontDoor.httpPort, host, '/shop/').catch(() => undefined))?.status === 200
          ? true
          : undefined,
      120_000,
    );
    await waitFor('the cluster in sync', scenario.allInSync, 60_000);
    const result = await load.stop();
    const after = await proxyState();
    expect(after.tasks).not.toEqual(before.tasks);
    const svc = await client.getService(`${cluster}-proxy`).inspect();
    expect(svc.Spec.UpdateConfig?.Order).toBe('start-first');
    expect(result.failures).toEqual([]);
  }, 180_000);

  it('keeps the old config when the agent refuses one that fails nginx -t in the proxy', async () => {
    const grpc = coordinatorClient(`127.0.0.1:${scenario.coordinator.grpcPort}`, TEST_TOKEN);
    try {
      const before = await proxyState();
      const live = await fetchLiveConfig();
      // Passes nothing on purpose: the worker would refuse it; here the coordinator hands it out as if a
      // worker had validated it, and only the proxy's own `nginx -t` stands between it and the traffic.
      const stored = await unary<object, StoreConfigResponse__Output>(grpc.StoreConfig.bind(grpc), {
        cluster,
        version: '0123456789abcdef',
        nginxConf: `${live}\nbogus_directive_of_this_test on;\n`,
      });
      await unary(grpc.StartRollout.bind(grpc), { cluster, configName: stored.configName });
      const final = await waitFor(
        'the rollout to be reverted',
        async () => {
          const r = await unary<object, Rollout__Output>(grpc.GetRollout.bind(grpc), { cluster });
          return r.state === 'rollback_completed' ? r : undefined;
        },
        30_000,
      );
      expect(final.message).toMatch(/refused config .*nginx -t failed there/);
      expect(final.configName).not.toBe(stored.configName);
      expect(await fetchLiveConfig()).toBe(live);
      expect((await proxyState()).workers).toEqual(before.workers);
      expect((await get(scenario.frontDoor.httpPort, host, '/')).status).toBe(200);
    } finally {
      grpc.close();
    }
  }, 60_000);
});
