import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_LABEL } from '#shared/labels/index.js';
import { get } from '../../../testing/http-client.js';
import { redis } from '../../../testing/redis.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { gwbridgeAddressOf, tasksMeantToRun, updateService, waitFor } from '../../../testing/swarm.js';
import { ClusterLock } from './lock/cluster-lock.js';

/** Coordinator + two workers + real proxies on the real swarm; requests go to the proxy task itself. */
const scenario = new RoutedScenario();
const { client, prefix, keyPrefix } = scenario;
const good = `${prefix}-good`;
const bad = `${prefix}-bad`;
const stuck = `${prefix}-stuck`;

const proxyConfigOf = async (service: string): Promise<string | undefined> => {
  const svc = await client.getService(service).inspect();
  return (svc.Spec.TaskTemplate.ContainerSpec.Configs as { ConfigName: string }[] | undefined)?.[0]
    ?.ConfigName;
};

beforeAll(async () => {
  await scenario.start({
    apps: [
      { name: 'web', host: `web.${prefix}.test`, cluster: good },
      { name: 'other', host: `other.${prefix}.test`, cluster: bad },
      { name: 'pinned', host: `pinned.${prefix}.test`, cluster: stuck },
    ],
    clusters: [
      { extension: 'good', cluster: good, proxyReplicas: 1 },
      {
        extension: 'bad',
        cluster: bad,
        proxyReplicas: 1,
        extra: '[Extensions.bad.Config]\nHTTPOptions = ["bogus_directive on;"]\n',
      },
      // Start-first on a host-mode port of a one-node swarm: the new task can never bind the port.
      {
        extension: 'stuck',
        cluster: stuck,
        proxyReplicas: 1,
        extra: 'PublishMode = "host"\nProxyUpdateOrder = "start-first"\n',
      },
    ],
    queue: true,
    worker: { concurrency: 2, workerId: `${prefix}-w1` },
  });
  await scenario.startWorker({ concurrency: 2, workerId: `${prefix}-w2` });
}, 120_000);

afterAll(() => scenario.stop(), 120_000);

describe('extension workers on a real swarm', () => {
  it('render, validate, store and roll out a cluster: the new route answers on the proxy task', async () => {
    const configName = await waitFor('a rolled-out config', () => proxyConfigOf(`${good}-proxy`), 90_000);
    expect(configName).toMatch(/^signalbox-[a-z2-7]{52}$/);
    const reply = await waitFor(
      'the route through the proxy task',
      async () => {
        const ip = await gwbridgeAddressOf(client, `${good}-proxy`);
        if (!ip) return undefined;
        const res = await get(80, `web.${prefix}.test`, '/', { address: ip }).catch(() => undefined);
        return res?.status === 200 ? res : undefined;
      },
      60_000,
    );
    expect(reply.body.trim()).toMatch(/^[0-9a-f]{12}$/);
  }, 150_000);

  it('never lets a config that nginx rejects reach a proxy', async () => {
    const failed = await waitFor(
      'the failed job of the bad cluster',
      async () => (await scenario.queue.getFailed()).find((j) => j.data.cluster === bad),
      60_000,
    );
    expect(failed.failedReason).toMatch(/nginx -t rejected the config of cluster .*bogus_directive/);
    expect(await proxyConfigOf(`${bad}-proxy`)).toBeUndefined();
    const configs = await client.listConfigs({
      filters: JSON.stringify({ label: [`${CLUSTER_LABEL}=${bad}`] }),
    } as object);
    expect(configs).toEqual([]);
  }, 90_000);

  it('fails a rollout stuck on a host-mode port clearly, rolls it back, and the old task keeps serving', async () => {
    // The first config starts the proxy's only task; the second must replace it start-first, and the new
    // task can never bind the port the old one holds.
    await waitFor(
      'the first rollout of the stuck cluster',
      async () => proxyConfigOf(`${stuck}-proxy`),
      90_000,
    );
    await waitFor('its task running', async () => {
      const tasks = await tasksMeantToRun(client, `${stuck}-proxy`);
      return tasks.some((t) => t.Status?.State === 'running') ? true : undefined;
    });
    await updateService(client, `${prefix}-pinned`, (spec) => ({
      Labels: { ...spec.Labels, 'com.docker.lb.websocket_endpoints': '/ws' },
    }));
    const failed = await waitFor(
      'the failed job of the stuck cluster',
      async () => (await scenario.queue.getFailed()).find((j) => j.data.cluster === stuck),
      90_000,
    );
    expect(failed.failedReason).toMatch(
      /is stuck and was rolled back: task pending for \d+ s: .*host-mode port/,
    );
    await waitFor(
      'one running proxy task again',
      async () => {
        const tasks = await tasksMeantToRun(client, `${stuck}-proxy`);
        return tasks.length === 1 && tasks[0]?.Status?.State === 'running' ? true : undefined;
      },
      60_000,
    );
  }, 150_000);

  it('lets only one worker hold a cluster at a time', async () => {
    const lock = new ClusterLock(scenario.redis, `${keyPrefix}:locktest`, 2_000);
    const first = await lock.tryAcquire('c', 'a');
    expect(first).toBeDefined();
    expect(await lock.tryAcquire('c', 'b')).toBeUndefined();
    await first?.release();
    const second = await lock.tryAcquire('c', 'b');
    expect(second?.token).toBeGreaterThan(first?.token ?? 0);
    await second?.release();
  });

  it('keeps a worker alive when its Redis connection closes under a held lock, and says so', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const own = redis();
    const lock = new ClusterLock(own, `${keyPrefix}:locktest`, 300, log);
    const held = await lock.tryAcquire('closing', 'a');
    expect(held).toBeDefined();
    await own.quit();
    // Renewals fire every 100 ms; a rejected one would fail this run as an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const warnings = lines.map((line) => JSON.parse(line) as { msg: string; cluster: string });
    expect(warnings).toEqual([
      expect.objectContaining({ msg: 'cluster lock renewal failed', cluster: 'closing' }),
    ]);
  });
});
