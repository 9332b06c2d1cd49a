import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SentinelSet, startSentinelSet } from '../../../../testing/redis-sentinel.js';
import { RoutedScenario } from '../../../../testing/routed-scenario.js';
import { steadyLoad } from '../../../../testing/steady-load.js';
import { tasksMeantToRun, updateService, waitFor } from '../../../../testing/swarm.js';

/**
 * Issue 15, item 3: Redis that survives its primary. Coordinator and worker reach Redis through three real
 * Redis Sentinels (redis-sentinel://…); the primary is SIGKILLed while a config change is in flight and
 * steady load runs through the front door, and later demoted alive by a manual failover (its connections
 * then answer READONLY). Each time a replica is promoted, leadership comes back, a change made after the
 * failover goes live, the cluster reaches the latest desired version, and no request fails.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const cluster = `${prefix}-c`;
const app = `${prefix}-web`;
const host = `web.${prefix}.test`;
const WS = 'com.docker.lb.websocket_endpoints';
let set: SentinelSet | undefined;

const status = async () => {
  const report = await scenario.coordinator.coordinator.status();
  return report?.clusters?.find((c) => c.name === cluster);
};

/** The nginx.conf the (first) running proxy task serves now. */
async function liveConfig(): Promise<string> {
  const task = (await tasksMeantToRun(client, `${cluster}-proxy`)).find((t) => t.Status?.State === 'running');
  const id =
    (task?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)?.ContainerStatus
      ?.ContainerID ?? '';
  const exec = await client
    .getContainer(id)
    .exec({ Cmd: ['cat', '/etc/nginx/nginx.conf'], AttachStdout: true });
  const chunks: Buffer[] = [];
  for await (const chunk of await exec.start({})) chunks.push(chunk as Buffer);
  // Docker multiplexes exec output in frames: an 8-byte header, then the payload.
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; at += 8 + raw.readUInt32BE(at + 4))
    out.push(raw.subarray(at + 8, at + 8 + raw.readUInt32BE(at + 4)));
  return Buffer.concat(out).toString();
}

/** Sets the app's websocket paths (a label change that alters the config, not the routes load uses). */
const setPaths = (paths: string): Promise<void> =>
  updateService(client, app, (spec) => ({ Labels: { ...spec.Labels, [WS]: paths } }));

/** The desired version once the coordinator has seen a change away from `before`. */
const nextDesired = (before: string): Promise<string> =>
  waitFor(
    'the coordinator to see the change',
    async () => {
      const v = scenario.coordinator.coordinator
        .desired()
        ?.clusters.find((c) => c.cluster === cluster)?.version;
      return v && v !== before ? v : undefined;
    },
    15_000,
  );

/** Live on the proxy: the latest desired version in sync, no job failed, `path` in the served config. */
async function waitLive(path: string): Promise<void> {
  await waitFor(
    `the cluster in sync with ${path} live`,
    async () => {
      const s = await status();
      const desired = scenario.coordinator.coordinator
        .desired()
        ?.clusters.find((c) => c.cluster === cluster)?.version;
      return s?.inSync && s.desiredVersion === desired && (await liveConfig()).includes(path)
        ? true
        : undefined;
    },
    45_000,
  );
}

/** The port of the data node the sentinels name primary once it is another than `old` and says so itself. */
function promotedOtherThan(sentinels: SentinelSet, old: number): Promise<number> {
  return waitFor(
    'a replica promoted',
    async () => {
      const port = await sentinels.primaryPort();
      return port !== old && String(await sentinels.call(port, 'ROLE')).startsWith('master')
        ? port
        : undefined;
    },
    20_000,
  );
}

beforeAll(async () => {
  set = await startSentinelSet({ replicas: 2, downAfterMs: 1_000 });
  await scenario.start({
    apps: [{ name: 'web', host, cluster }],
    clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
    frontDoor: true,
    env: { SIGNALBOX_REDIS_URL: set.url },
    worker: { redisUrl: set.url },
  });
  await scenario.waitAnswering(host, 120_000);
  await waitFor('the cluster in sync', async () => ((await status())?.inSync ? true : undefined), 60_000);
}, 200_000);

afterAll(async () => {
  // Coordinator and worker stop while their Redis still answers. The run's keys live in the sentinel set
  // and go with it: the cleanup finds none in the test Redis.
  try {
    await scenario.stop();
  } finally {
    set?.stop();
  }
}, 120_000);

describe('Redis Sentinel failover under load', () => {
  it('survives a SIGKILLed primary: a replica is promoted, no job lost, no request failed', async () => {
    const sentinels = set as SentinelSet;
    const oldPrimary = await sentinels.primaryPort();
    expect(oldPrimary).toBe(sentinels.servers[0]);
    const load = steadyLoad(scenario.frontDoor.httpPort, host, { concurrency: 4, maxMs: 80_000 });
    try {
      const start = scenario.coordinator.coordinator
        .desired()
        ?.clusters.find((c) => c.cluster === cluster)?.version;
      // A change in flight: the coordinator has seen it and queued its job when the primary dies.
      await setPaths('/ws1');
      await nextDesired(start ?? '');
      sentinels.kill(oldPrimary);
      const killedAt = Date.now();
      const newPrimary = await promotedOtherThan(sentinels, oldPrimary);
      expect(sentinels.servers).toContain(newPrimary);
      const promotedMs = Date.now() - killedAt;
      // A change made after the failover goes live too, and so does the latest desired version.
      const afterKill = scenario.coordinator.coordinator
        .desired()
        ?.clusters.find((c) => c.cluster === cluster)?.version;
      await setPaths('/ws1,/ws2');
      await nextDesired(afterKill ?? '');
      await waitLive('/ws2');
      await waitFor(
        'the coordinator leading again',
        async () => (scenario.coordinator.lease.isLeader ? true : undefined),
        10_000,
      );
      const s = await status();
      expect(s?.inSync).toBe(true);
      expect((await scenario.coordinator.coordinator.status())?.queue?.failed).toBe(0);
      expect(scenario.worker.worker.isRunning()).toBe(true);
      // Let load run on a little after the last rollout, then: not one request failed.
      await new Promise((r) => setTimeout(r, 1_000));
      const result = await load.stop();
      console.log(
        `sentinel failover: promoted in ${promotedMs} ms, live ${Date.now() - killedAt} ms after the kill, ${result.requests} requests`,
      );
      expect(result.requests).toBeGreaterThan(100);
      expect(result.failures).toEqual([]);
    } finally {
      await load.stop();
    }
  }, 90_000);

  it('follows a manual failover, where the old primary lives on as a replica that answers READONLY', async () => {
    const sentinels = set as SentinelSet;
    const oldPrimary = await sentinels.primaryPort();
    const load = steadyLoad(scenario.frontDoor.httpPort, host, { concurrency: 4, maxMs: 60_000 });
    try {
      const before = scenario.coordinator.coordinator
        .desired()
        ?.clusters.find((c) => c.cluster === cluster)?.version;
      await setPaths('/ws1,/ws3');
      await nextDesired(before ?? '');
      await sentinels.call(sentinels.sentinels[0] as number, 'SENTINEL', 'FAILOVER', sentinels.name);
      const failoverAt = Date.now();
      const newPrimary = await promotedOtherThan(sentinels, oldPrimary);
      await waitFor(
        'the old primary demoted',
        async () => (String(await sentinels.call(oldPrimary, 'ROLE')).startsWith('slave') ? true : undefined),
        20_000,
      );
      expect(newPrimary).not.toBe(oldPrimary);
      const afterFailover = scenario.coordinator.coordinator
        .desired()
        ?.clusters.find((c) => c.cluster === cluster)?.version;
      await setPaths('/ws1,/ws3,/ws4');
      await nextDesired(afterFailover ?? '');
      const changedAt = Date.now();
      await waitLive('/ws4');
      console.log(
        `manual failover: demoted and promoted in ${changedAt - failoverAt} ms, the next change live ${Date.now() - changedAt} ms later`,
      );
      await waitFor(
        'the coordinator leading',
        async () => (scenario.coordinator.lease.isLeader ? true : undefined),
        10_000,
      );
      expect((await scenario.coordinator.coordinator.status())?.queue?.failed).toBe(0);
      await new Promise((r) => setTimeout(r, 1_000));
      const result = await load.stop();
      expect(result.requests).toBeGreaterThan(100);
      expect(result.failures).toEqual([]);
    } finally {
      await load.stop();
    }
  }, 90_000);
});
