/**
 * `npm run bench:rollout`: config rollouts under steady keep-alive load through the front door on
 * 127.0.0.1, with no client retries. For each scenario (update order × networks the proxy joins) one
 * coordinator, one worker and a two-replica cluster proxy run on the local swarm; each rollout changes a
 * label that changes the proxy's config but not the front door's host map (a websocket endpoint), so every
 * rollout replaces both proxy tasks. Per rollout it prints requests, failures (socket errors, timeouts and
 * non-2xx), p99 latency and the rollout's duration (label change → the worker's job done).
 *
 *   BENCH_ROLLOUTS           rollouts per scenario with one network (default 20)
 *   BENCH_NETWORK_ROLLOUTS   rollouts per scenario with more networks (default 3)
 *   BENCH_NETWORKS           network counts (default 1,10,40)
 *   BENCH_CONNECTIONS        keep-alive connections of the load (default 10)
 *
 * Needs dockerd in swarm mode, redis-server and the local images (scripts/test.sh sets them up). Every
 * request goes to 127.0.0.1; every load run is bounded by the rollout's own time limit.
 */

import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { CONFIG_QUEUE } from '#shared/jobs/config-job.js';
import type { RunningCoordinator } from '../services/coordinator/src/start-coordinator.js';
import {
  cleanUpRun,
  startTestCoordinator,
  startTestWorker,
  type TestFrontDoor,
  testFrontDoor,
} from '../testing/coordinator-harness.js';
import { get } from '../testing/http-client.js';
import { redis, redisPrefix } from '../testing/redis.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  tasksMeantToRun,
  testPrefix,
  updateService,
  waitFor,
} from '../testing/swarm.js';

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 20);
const NETWORK_ROLLOUTS = Number(process.env.BENCH_NETWORK_ROLLOUTS ?? 3);
const NETWORKS = (process.env.BENCH_NETWORKS ?? '1,10,40').split(',').map(Number);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROLLOUT_LIMIT_MS = 180_000;
/** Load keeps running this long after the job is done: the old task stops about 2 s after leaving DNS. */
const TAIL_MS = 4_000;

const client = docker();

interface Scenario {
  order: 'start-first' | 'stop-first';
  networks: number;
  rollouts: number;
}

interface RolloutResult {
  requests: number;
  failures: number;
  /** Socket errors, timeouts and non-2xx answers, for the failures' cause. */
  breakdown: string;
  p99: number;
  millis: number;
}

const scenarios: Scenario[] = NETWORKS.flatMap((networks) =>
  (['start-first', 'stop-first'] as const).map((order) => ({
    order,
    networks,
    rollouts: networks === 1 ? ROLLOUTS : NETWORK_ROLLOUTS,
  })),
);

/** One rollout under load: the label change, the job done, then TAIL_MS more of load. */
interface Bench {
  frontDoor: TestFrontDoor;
  host: string;
  web: string;
  cluster: string;
  queue: Queue;
  coordinator: RunningCoordinator;
}

const desiredCluster = (b: Bench) =>
  b.coordinator.coordinator.desired()?.clusters.find((c) => c.cluster === b.cluster);

/** The worker's job for `version` of the cluster, once it is done; it fails the bench if it failed. */
async function jobDone(b: Bench, version: string, what: string) {
  return waitFor(
    what,
    async () => {
      const mine = (j: { data: { cluster: string; version: string } }) =>
        j.data.cluster === b.cluster && j.data.version === version;
      const failed = (await b.queue.getFailed()).find(mine);
      if (failed) throw new Error(`job failed: ${failed.failedReason}`);
      return (await b.queue.getCompleted()).find(mine);
    },
    ROLLOUT_LIMIT_MS,
  );
}

async function measureRollout(b: Bench, k: number): Promise<RolloutResult> {
  let finish: (r: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve) => {
    finish = resolve;
  });
  const load = autocannon(
    {
      url: `http://127.0.0.1:${b.frontDoor.httpPort}/`,
      headers: { host: b.host },
      connections: CONNECTIONS,
      duration: (ROLLOUT_LIMIT_MS + TAIL_MS) / 1000,
      timeout: 5,
    },
    (_err, result) => finish(result),
  );
  await new Promise((res) => setTimeout(res, 1_000));
  const started = Date.now();
  const endpoint = `/ws${k}`;
  await updateService(client, b.web, (spec) => ({
    Labels: { ...spec.Labels, 'com.docker.lb.websocket_endpoints': endpoint },
  }));
  const version = await waitFor('the coordinator to see the label change', async () => {
    const c = desiredCluster(b);
    const seen = c?.model.virtualHosts.some((v) =>
      v.locations.some((l) => l.path === endpoint && l.websocket),
    );
    return seen ? c?.version : undefined;
  });
  const done = await jobDone(b, version, `rollout ${k} of ${b.cluster}`);
  if ((done.returnvalue as { outcome?: string }).outcome !== 'rolled-out')
    throw new Error(`rollout ${k}: ${JSON.stringify(done.returnvalue)}`);
  await new Promise((res) => setTimeout(res, TAIL_MS));
  load.stop();
  const result = await finished;
  return {
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    breakdown: `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    p99: result.latency.p99,
    millis: (done.finishedOn ?? Date.now()) - started,
  };
}

async function runScenario(sc: Scenario, index: number): Promise<RolloutResult[]> {
  const prefix = `${testPrefix()}-s${index}`;
  const keyPrefix = redisPrefix();
  const cluster = `${prefix}-c`;
  const host = `web.${cluster}.test`;
  const web = `${cluster}-web`;
  try {
    for (let i = 0; i < sc.networks; i++) {
      const net = `${cluster}-net${i}`;
      await createTestNetwork(client, prefix, net);
      await createTestService(client, prefix, {
        name: i === 0 ? web : `${cluster}-app${i}`,
        networks: [net],
        replicas: i === 0 ? 2 : 0,
        labels: {
          'com.docker.lb.hosts': i === 0 ? host : `a${i}.${cluster}.test`,
          'com.docker.lb.port': '8080',
          'com.docker.lb.service_cluster': cluster,
        },
      });
    }
    await waitFor('the app tasks to run', async () =>
      (await tasksMeantToRun(client, web)).filter((t) => t.Status?.State === 'running').length === 2
        ? true
        : undefined,
    );
    const frontDoor = await testFrontDoor(client);
    const coordinator = await startTestCoordinator(
      prefix,
      keyPrefix,
      [
        {
          extension: 'bench',
          cluster,
          proxyReplicas: 2,
          extra: `ProxyUpdateOrder = "${sc.order}"\nProxyUpdateDelay = "1s"\n`,
        },
      ],
      prefix,
      frontDoor,
    );
    const worker = await startTestWorker(coordinator, prefix, keyPrefix);
    const queue = new Queue(CONFIG_QUEUE, { connection: redis(), prefix: keyPrefix });
    try {
      await waitFor(
        `${host} through the front door`,
        async () =>
          (await get(frontDoor.httpPort, host, '/').catch(() => undefined))?.status === 200
            ? true
            : undefined,
        300_000,
      );
      const bench: Bench = { frontDoor, host, web, cluster, queue, coordinator };
      const first = await waitFor('a desired version', async () => desiredCluster(bench)?.version);
      await jobDone(bench, first, 'the first config to roll out');
      const results: RolloutResult[] = [];
      for (let k = 0; k < sc.rollouts; k++) {
        const res = await measureRollout(bench, k);
        results.push(res);
        console.log(
          `${sc.order.padEnd(11)} ${String(sc.networks).padStart(3)} net  #${String(k + 1).padStart(2)}  ` +
            `${String(res.requests).padStart(7)} req  ${String(res.failures).padStart(4)} failed  ` +
            `p99 ${String(res.p99).padStart(4)} ms  rollout ${(res.millis / 1000).toFixed(1)} s` +
            (res.failures > 0 ? `  (${res.breakdown})` : ''),
        );
      }
      return results;
    } finally {
      await queue.close();
      await worker.stop();
      await coordinator.stop();
    }
  } finally {
    await cleanUpRun(client, redis(), prefix, keyPrefix, [cluster]);
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const rows: string[] = [];
for (const [i, sc] of scenarios.entries()) {
  const results = await runScenario(sc, i);
  rows.push(
    `| ${sc.order} | ${sc.networks} | ${results.length} | ${sum(results.map((x) => x.requests))} | ` +
      `${sum(results.map((x) => x.failures))} | ${Math.max(...results.map((x) => x.p99))} ms | ` +
      `${(median(results.map((x) => x.millis)) / 1000).toFixed(1)} s |`,
  );
}
console.log(
  `\n${CONNECTIONS} keep-alive connections through the front door, two proxy replicas, update delay 1 s\n`,
);
console.log('| order | networks | rollouts | requests | failed | worst p99 | median rollout |');
console.log('| ----- | -------- | -------- | -------- | ------ | --------- | -------------- |');
for (const row of rows) console.log(row);
process.exit(0);
