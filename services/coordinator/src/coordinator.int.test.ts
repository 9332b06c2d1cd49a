import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient } from '#coordinator-client/coordinator-client.js';
import type { RouteInfo } from '#shared/gen/signalbox/v1/RouteInfo.js';
import { TEST_TOKEN } from '../../../testing/coordinator-harness.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { tasksMeantToRun, updateService, waitFor } from '../../../testing/swarm.js';
import { runMapCommand } from '../../cli/src/commands/map.js';

/**
 * The coordinator against the real swarm and redis-server. Other test files create services in the same
 * swarm at the same time, so this one only asserts on its own clusters; services of others are unplaced.
 */
const scenario = new RoutedScenario();
const { client, prefix, keyPrefix } = scenario;
const east = `${prefix}-east`;
const west = `${prefix}-west`;

const enqueuedVersion = async (cluster: string): Promise<string | null> =>
  scenario.redis.hget(`${keyPrefix}:enqueued-version`, cluster);

/** Every distinct version enqueued for `cluster` while `during` runs and for `settleMs` after it. */
async function versionsDuring(
  cluster: string,
  during: () => Promise<unknown>,
  settleMs: number,
): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  const watcher = (async () => {
    while (!done) {
      const v = await enqueuedVersion(cluster);
      if (v && seen[seen.length - 1] !== v) seen.push(v);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  await during();
  await new Promise((res) => setTimeout(res, settleMs));
  done = true;
  await watcher;
  return seen;
}

const routesOf = (port: number, cluster: string, tok = TEST_TOKEN): Promise<RouteInfo[]> =>
  new Promise((resolve, reject) => {
    const c = coordinatorClient(`127.0.0.1:${port}`, tok);
    c.ListRoutes({ cluster }, (err, res) => {
      c.close();
      if (err) reject(err);
      else resolve(res?.routes ?? []);
    });
  });

beforeAll(async () => {
  await scenario.deploy([
    { name: 'shop', host: `shop.${prefix}.test`, cluster: east, network: 'n1' },
    {
      name: 'api',
      host: `api.${prefix}.test`,
      cluster: east,
      network: 'n1',
      labels: { 'com.docker.lb.backend_mode': 'vip' },
    },
  ]);
}, 120_000);

afterAll(() => scenario.stop(), 120_000);

describe('coordinator on a real swarm and Redis', () => {
  it('routes labelled services in their cluster, creates the cluster proxy, and enqueues a job', async () => {
    await scenario.start({
      clusters: [
        { extension: 'east', cluster: east },
        { extension: 'west', cluster: west },
      ],
      instance: `${prefix}-0`,
      queue: true,
      // Jobs stay queued, for the tests to read.
      worker: false,
    });
    const c = scenario.coordinator;
    const routes = await waitFor('routes of east', async () => {
      const list = await routesOf(c.grpcPort, east);
      return list.length === 2 && list.every((x) => (x.targets ?? []).length > 0) ? list : undefined;
    });
    expect(routes.map((x) => x.host).sort()).toEqual([`api.${prefix}.test`, `shop.${prefix}.test`]);
    // The routes show the desired state as soon as a pass computed it; its job is enqueued at the end of that
    // pass, after the proxies are written. Until then the version enqueued is an earlier pass's, whose job
    // the next enqueue replaces: wait for the job of the version these routes belong to.
    const routed = c.coordinator.desired()?.clusters.find((x) => x.cluster === east)?.version;
    const version = await waitFor('the job of the routed version of east', async () => {
      const enqueued = await enqueuedVersion(east);
      return enqueued !== undefined && enqueued === routed ? enqueued : undefined;
    });
    const waiting = await scenario.queue.getWaiting();
    expect(waiting.filter((j) => j.data.cluster === east).map((j) => j.data.version)).toEqual([version]);
    const proxy = await client.getService(`${east}-proxy`).inspect();
    expect(proxy.Spec.Labels['io.signalbox.cluster']).toBe(east);
  }, 90_000);

  it('exports the host → cluster map for an external load balancer (signalbox map)', async () => {
    const c = scenario.coordinator;
    let out = '';
    let err = '';
    const io = {
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (err += t),
      readFile: async () => '',
    };
    const code = await runMapCommand(['--coordinator', `127.0.0.1:${c.grpcPort}`], io, {
      SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
    });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const map = JSON.parse(out) as Record<string, string>;
    expect(map[`shop.${prefix}.test`]).toBe(east);
    expect(map[`api.${prefix}.test`]).toBe(east);
    const denied = await runMapCommand(['--coordinator', `127.0.0.1:${c.grpcPort}`], io, {});
    expect(denied).toBe(4);
    expect(err).toMatch(/missing or wrong bearer token/);
  });

  it('refuses gRPC calls without the token', async () => {
    const c = scenario.coordinator;
    await expect(routesOf(c.grpcPort, east, 'wrong-token-wrong-token')).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    await expect(routesOf(c.grpcPort, east, '')).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });

  it('gives exactly one new job for a label change', async () => {
    const before = await enqueuedVersion(east);
    const versions = await versionsDuring(
      east,
      () =>
        updateService(client, `${prefix}-shop`, (spec) => ({
          Labels: { ...spec.Labels, 'com.docker.lb.context_root': '/shop' },
        })),
      2_500,
    );
    expect(versions.filter((v) => v !== before)).toHaveLength(1);
  }, 60_000);

  it('gives no job when a VIP-mode service scales', async () => {
    const before = await enqueuedVersion(east);
    const versions = await versionsDuring(
      east,
      async () => {
        await updateService(client, `${prefix}-api`, () => ({ Mode: { Replicated: { Replicas: 2 } } }));
        await waitFor('two api tasks', async () => {
          const tasks = await tasksMeantToRun(client, `${prefix}-api`);
          return tasks.filter((t) => t.Status?.State === 'running').length === 2 ? true : undefined;
        });
      },
      1_500,
    );
    expect(versions.filter((v) => v !== before)).toEqual([]);
  }, 90_000);

  it("adds a network an app joins to its cluster's proxy", async () => {
    await scenario.deploy([{ name: 'blog', host: `blog.${prefix}.test`, cluster: east, network: 'n2' }]);
    const n2 = (await client.getNetwork(`${prefix}-n2`).inspect()).Id;
    await waitFor(
      'the proxy on n2',
      async () => {
        const proxy = await client.getService(`${east}-proxy`).inspect();
        return proxy.Spec.TaskTemplate.Networks.some((n: { Target: string }) => n.Target === n2)
          ? true
          : undefined;
      },
      30_000,
    );
  }, 60_000);

  it('a coordinator started after changes it never saw converges, and two coordinators enqueue each change once', async () => {
    await scenario.stopCoordinator();
    await scenario.deploy([{ name: 'late', host: `late.${prefix}.test`, cluster: west, network: 'n1' }]);
    const [a, b] = [
      await scenario.startCoordinator(`${prefix}-0`),
      await scenario.startCoordinator(`${prefix}-1`),
    ];
    const leader = await waitFor('a leader', async () => [a, b].find((c) => c?.lease.isLeader), 10_000);
    await waitFor(
      'the late app routed with its task',
      async () => {
        const list = await routesOf(leader.grpcPort, west);
        return list.length === 1 && (list[0]?.targets ?? []).length === 1 ? true : undefined;
      },
      30_000,
    );
    const version = await waitFor(
      'the job for the routed state of west',
      async () => {
        const desired = leader.coordinator.desired()?.clusters.find((c) => c.cluster === west)?.version;
        const enqueued = await enqueuedVersion(west);
        return desired !== undefined && enqueued === desired ? enqueued : undefined;
      },
      30_000,
    );
    expect([a?.lease.isLeader, b?.lease.isLeader].filter(Boolean)).toHaveLength(1);
    const waiting = await scenario.queue.getWaiting();
    expect(waiting.filter((j) => j.data.cluster === west).map((j) => j.data.version)).toEqual([version]);
    const versions = await versionsDuring(
      west,
      () =>
        updateService(client, `${prefix}-late`, (spec) => ({
          Labels: { ...spec.Labels, 'com.docker.lb.hosts': `late2.${prefix}.test` },
        })),
      2_500,
    );
    expect(versions.filter((v) => v !== version)).toHaveLength(1);
    expect((await scenario.queue.getWaiting()).filter((j) => j.data.cluster === west)).toHaveLength(1);
  }, 120_000);
});
