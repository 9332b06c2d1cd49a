import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanUpRun,
  startTestCoordinator,
  startTestWorker,
  type TestFrontDoor,
} from '../../../testing/coordinator-harness.js';
import { get } from '../../../testing/http-client.js';
import { redis, redisPrefix } from '../../../testing/redis.js';
import { steadyLoad } from '../../../testing/steady-load.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  gwbridgeGateway,
  tasksMeantToRun,
  testPrefix,
  updateService,
  waitFor,
} from '../../../testing/swarm.js';
import { freePort } from '../../../testing/upstreams.js';
import type { RunningCoordinator } from '../../coordinator/src/start-coordinator.js';

/**
 * Run-time targets on the real swarm, through the front door: scaling an app changes no proxy config,
 * replaces no proxy task, reloads no nginx, and drops no request; new tasks get traffic within a second.
 */
const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const r = redis();
const cluster = `${prefix}-c`;
const app = `${prefix}-web`;
const host = `web.${prefix}.test`;
let frontDoor: TestFrontDoor;
let coordinator: RunningCoordinator | undefined;
let worker: { stop: () => Promise<void> } | undefined;

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
  const workers: string[] = [];
  for (const t of tasks) {
    const id =
      (t.Status as { ContainerStatus?: { ContainerID?: string } }).ContainerStatus?.ContainerID ?? '';
    const top = (await client.getContainer(id).top()) as { Processes: string[][] };
    for (const p of top.Processes) if (p.at(-1)?.includes('nginx: worker process')) workers.push(p[1] ?? '');
  }
  return { config: config ?? '', tasks: tasks.map((t) => t.ID).sort(), workers: workers.sort() };
}

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
  await createTestNetwork(client, prefix, `${prefix}-net`);
  await createTestService(client, prefix, {
    name: app,
    networks: [`${prefix}-net`],
    replicas: 1,
    labels: {
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    },
  });
  frontDoor = {
    httpPort: await freePort(),
    httpsPort: await freePort(),
    agentHost: await gwbridgeGateway(client),
    agentPort: await freePort(),
  };
  coordinator = await startTestCoordinator(
    prefix,
    keyPrefix,
    [{ extension: 'c', cluster, proxyReplicas: 1 }],
    prefix,
    frontDoor,
  );
  worker = await startTestWorker(coordinator, prefix, keyPrefix);
  await waitFor(
    `${host} through the front door`,
    async () =>
      (await get(frontDoor.httpPort, host, '/').catch(() => undefined))?.status === 200 ? true : undefined,
    150_000,
  );
  // Settled: the proxy serves the desired version and no rollout is under way.
  await waitFor(
    'the cluster in sync',
    async () =>
      (await coordinator?.coordinator.status())?.clusters?.every((c) => c.inSync) ? true : undefined,
    60_000,
  );
}, 200_000);

afterAll(async () => {
  await worker?.stop();
  await coordinator?.stop();
  await cleanUpRun(client, r, prefix, keyPrefix, [cluster]);
}, 120_000);

describe('run-time targets on a real swarm', () => {
  it('scales an app 1 → 5 → 1 under load: no config change, no reload, no task replaced, no failed request', async () => {
    const before = await proxyState();
    expect(before.tasks).toHaveLength(1);
    expect(before.workers.length).toBeGreaterThan(0);
    const load = steadyLoad(frontDoor.httpPort, host, { concurrency: 4, maxMs: 150_000 });

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
});
