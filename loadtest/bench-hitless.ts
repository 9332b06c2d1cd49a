/**
 * `npm run bench:hitless`: hitless updates under steady keep-alive load through the front door on
 * 127.0.0.1, with no client retries. One coordinator, one worker, a cluster proxy with two replicas and an
 * app on the local swarm, then three phases, each with its own load and figures:
 *
 *   scale   BENCH_SCALES scale events of the app (2 ↔ 3 ↔ 4 tasks), each waited for until the proxies'
 *           run-time targets have it: no config, no reload, no task replacement expected.
 *   route   BENCH_ROUTES route changes (the context root of a second app on the same host), each waited for
 *           until every replica serves it: applied in place, one replica at a time, a reload each.
 *   host    BENCH_HOSTS new hosts: these also change the front door's host map, which it takes at run
 *           time (no reload expected), measured apart.
 *
 * For each phase it prints requests, failures (socket errors, timeouts, non-2xx), proxy reloads (as the
 * agents report them to the coordinator), front door reloads, proxy task replacements and p99 latency.
 *
 *   BENCH_SCALES (default 100)  BENCH_ROUTES (default 100)  BENCH_HOSTS (default 10)
 *   BENCH_CONNECTIONS keep-alive connections of the load (default 10)
 *
 * Needs dockerd in swarm mode, redis-server and the local images (scripts/test.sh sets them up). Every
 * request goes to 127.0.0.1; every phase and every wait is bounded in time.
 */

import autocannon from 'autocannon';
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
  nginxWorkerPids,
  tasksMeantToRun,
  testPrefix,
  updateService,
  waitFor,
} from '../testing/swarm.js';

const SCALES = Number(process.env.BENCH_SCALES ?? 100);
const ROUTES = Number(process.env.BENCH_ROUTES ?? 100);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PHASE_LIMIT_S = 1_800;
const STEP_LIMIT_MS = 60_000;

const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const cluster = `${prefix}-c`;
const host = `web.${cluster}.test`;
const web = `${cluster}-web`;
const extra = `${cluster}-extra`;

interface PhaseResult {
  phase: string;
  events: number;
  requests: number;
  failures: number;
  breakdown: string;
  proxyReloads: number;
  frontDoorReloads: number;
  replacements: number;
  p99: number;
  seconds: number;
}

const metric = async (coordinator: RunningCoordinator, frontDoor: TestFrontDoor, line: RegExp) => {
  const text = await (await fetch(`http://${frontDoor.agentHost}:${coordinator.httpPort}/metrics`)).text();
  return [...text.matchAll(new RegExp(line.source, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
};

const proxyTaskIds = async (): Promise<Set<string>> =>
  new Set((await tasksMeantToRun(client, `${cluster}-proxy`)).map((t) => t.ID));

/** Front door reloads: nginx starts new workers on each, so count distinct worker pids over time. */
const frontDoorWorkers = async (): Promise<Set<string>> =>
  new Set(await nginxWorkerPids(client, `${prefix}-frontdoor`));

async function phase(
  name: string,
  events: number,
  coordinator: RunningCoordinator,
  frontDoor: TestFrontDoor,
  step: (i: number) => Promise<void>,
): Promise<PhaseResult> {
  const reloadsBefore = await metric(
    coordinator,
    frontDoor,
    /^signalbox_proxy_reloads_total\{[^}]*\} (\d+)$/,
  );
  const tasksBefore = await proxyTaskIds();
  const seenTasks = new Set(tasksBefore);
  const doorWorkers = await frontDoorWorkers();
  const doorWorkersBefore = doorWorkers.size;
  let finish: (r: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve) => {
    finish = resolve;
  });
  const load = autocannon(
    {
      url: `http://127.0.0.1:${frontDoor.httpPort}/`,
      headers: { host },
      connections: CONNECTIONS,
      duration: PHASE_LIMIT_S,
      timeout: 5,
    },
    (_err, result) => finish(result),
  );
  const started = Date.now();
  await new Promise((res) => setTimeout(res, 1_000));
  for (let i = 0; i < events; i++) {
    await step(i);
    for (const id of await proxyTaskIds()) seenTasks.add(id);
    for (const pid of await frontDoorWorkers()) doorWorkers.add(pid);
  }
  await new Promise((res) => setTimeout(res, 2_000));
  load.stop();
  const result = await finished;
  const reloads =
    (await metric(coordinator, frontDoor, /^signalbox_proxy_reloads_total\{[^}]*\} (\d+)$/)) - reloadsBefore;
  return {
    phase: name,
    events,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    breakdown: `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    proxyReloads: reloads,
    // Each reload starts as many workers as the front door runs (worker_processes auto).
    frontDoorReloads: Math.round((doorWorkers.size - doorWorkersBefore) / Math.max(1, doorWorkersBefore)),
    replacements: seenTasks.size - tasksBefore.size,
    p99: result.latency.p99,
    seconds: (Date.now() - started) / 1000,
  };
}

const runningTasks = async (service: string): Promise<number> =>
  (await tasksMeantToRun(client, service)).filter((t) => t.Status?.State === 'running').length;

const inSync = (coordinator: RunningCoordinator, what: string) =>
  waitFor(
    what,
    async () =>
      (await coordinator.coordinator.status()).clusters?.every((c) => c.inSync) ? true : undefined,
    STEP_LIMIT_MS,
  );

async function main(): Promise<PhaseResult[]> {
  await createTestNetwork(client, prefix, `${cluster}-net`);
  const labels = (h: string, more: Record<string, string> = {}) => ({
    'com.docker.lb.hosts': h,
    'com.docker.lb.port': '8080',
    'com.docker.lb.service_cluster': cluster,
    ...more,
  });
  await createTestService(client, prefix, {
    name: web,
    networks: [`${cluster}-net`],
    replicas: 2,
    labels: labels(host),
  });
  await createTestService(client, prefix, {
    name: extra,
    networks: [`${cluster}-net`],
    replicas: 1,
    labels: labels(host, {
      'com.docker.lb.context_root': '/r0',
      'com.docker.lb.context_root_rewrite': 'true',
    }),
  });
  const frontDoor = await testFrontDoor(client);
  const coordinator = await startTestCoordinator(
    prefix,
    keyPrefix,
    [{ extension: 'bench', cluster, proxyReplicas: 2 }],
    prefix,
    frontDoor,
  );
  const worker = await startTestWorker(coordinator, prefix, keyPrefix);
  try {
    await waitFor(
      `${host} through the front door`,
      async () =>
        (await get(frontDoor.httpPort, host, '/').catch(() => undefined))?.status === 200 ? true : undefined,
      300_000,
    );
    await inSync(coordinator, 'the first config on both replicas');
    const results: PhaseResult[] = [];

    const sizes = [3, 4, 3, 2];
    results.push(
      await phase('scale', SCALES, coordinator, frontDoor, async (i) => {
        const replicas = sizes[i % sizes.length] ?? 2;
        const before = coordinator.coordinator.clusterTargets(cluster)?.version;
        await updateService(client, web, () => ({ Mode: { Replicated: { Replicas: replicas } } }));
        await waitFor(
          `scale ${i + 1} to ${replicas}`,
          async () =>
            (await runningTasks(web)) === replicas &&
            coordinator.coordinator.clusterTargets(cluster)?.version !== before
              ? true
              : undefined,
          STEP_LIMIT_MS,
        );
      }),
    );

    results.push(
      await phase('route', ROUTES, coordinator, frontDoor, async (i) => {
        const path = `/r${i + 1}`;
        await updateService(client, extra, (spec) => ({
          Labels: { ...spec.Labels, 'com.docker.lb.context_root': path },
        }));
        await waitFor(
          `route ${path} desired`,
          async () =>
            coordinator.coordinator
              .desired()
              ?.clusters.some((c) =>
                c.model.virtualHosts.some((v) => v.locations.some((l) => l.path === path)),
              )
              ? true
              : undefined,
          STEP_LIMIT_MS,
        );
        await inSync(coordinator, `route ${path} on both replicas`);
      }),
    );

    results.push(
      await phase('host', HOSTS, coordinator, frontDoor, async (i) => {
        const name = `h${i}.${cluster}.test`;
        await updateService(client, extra, (spec) => ({
          Labels: { ...spec.Labels, 'com.docker.lb.hosts': `${host},${name}` },
        }));
        await waitFor(
          `${name} through the front door`,
          async () =>
            (await get(frontDoor.httpPort, name, `/r${ROUTES}/`).catch(() => undefined))?.status === 200
              ? true
              : undefined,
          STEP_LIMIT_MS,
        );
        await inSync(coordinator, `host ${name} on both replicas`);
      }),
    );
    return results;
  } finally {
    await worker.stop();
    await coordinator.stop();
    await cleanUpRun(client, redis(), prefix, keyPrefix, [cluster]);
  }
}

const results = await main();
console.log(
  `\n${CONNECTIONS} keep-alive connections through the front door, no client retries; two proxy replicas\n`,
);
console.log(
  '| phase | events | requests | failed | proxy reloads | front door reloads | proxy tasks replaced | p99 | time |',
);
console.log(
  '| ----- | ------ | -------- | ------ | ------------- | ------------------ | -------------------- | --- | ---- |',
);
for (const r of results)
  console.log(
    `| ${r.phase} | ${r.events} | ${r.requests} | ${r.failures}${r.failures > 0 ? ` (${r.breakdown})` : ''} | ${r.proxyReloads} | ${r.frontDoorReloads} | ${r.replacements} | ${r.p99} ms | ${r.seconds.toFixed(0)} s |`,
  );
process.exit(0);
