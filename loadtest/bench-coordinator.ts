/**
 * `npm run bench:coordinator`: 1,000 labelled services on the real swarm (replicas 0, so they fit this
 * machine), one coordinator, and the time from `service create` / `scale` to the job in Redis.
 * Needs dockerd in swarm mode, redis-server and the local images (scripts/test.sh sets all of them up).
 * BENCH_SERVICES and BENCH_TRIALS shrink it.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { pino } from 'pino';
import { loadCoordinatorSettings } from '../services/coordinator/src/settings.js';
import { startCoordinator } from '../services/coordinator/src/start-coordinator.js';
import { deleteKeys, REDIS_URL, redis, redisPrefix } from '../testing/redis.js';
import {
  createTestNetwork,
  createTestService,
  removeTestObjects,
  TEST_LABEL,
  testPrefix,
  waitFor,
} from '../testing/swarm.js';
import { freePort } from '../testing/upstreams.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 50);
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const cluster = `${prefix}-bench`;
const r = redis();

let apiCalls = 0;
const docker = new Docker();
const modem = docker.modem as { dial: (...args: unknown[]) => unknown };
const dial = modem.dial.bind(modem);
modem.dial = (...args: unknown[]) => {
  apiCalls += 1;
  return dial(...args);
};
const admin = new Docker();

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const labels = (i: number) => ({
  'com.docker.lb.hosts': `s${i}.${prefix}.test`,
  'com.docker.lb.port': '8080',
  'com.docker.lb.service_cluster': cluster,
});
const version = () => r.hget(`${keyPrefix}:enqueued-version`, cluster);

/** When `read` first answers something other than `before` (polled every 10 ms). */
async function untilChanged<T>(
  read: () => Promise<T> | T,
  before: T,
  what: string,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await read()) !== before) return Date.now();
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`no new ${what}`);
}

/** Each VIP takes an address from its network's /24, so 1,000 services are spread over tenant networks. */
const NETWORKS = Math.max(1, Math.ceil(SERVICES / 25));
const netOf = (i: number): string => `${prefix}-net${i % NETWORKS}`;
const log = pino({ level: 'warn' });
let stop: (() => Promise<void>) | undefined;
try {
  for (let n = 0; n < NETWORKS; n++) await createTestNetwork(admin, prefix, netOf(n));
  const t0 = Date.now();
  for (let i = 0; i < SERVICES; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, SERVICES - i) }, (_, k) =>
        createTestService(admin, prefix, {
          name: `${prefix}-s${i + k}`,
          networks: [netOf(i + k)],
          replicas: 0,
          labels: labels(i + k),
        }),
      ),
    );
  }
  console.log(
    `created ${SERVICES} services on ${NETWORKS} networks in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const file = join(tmpdir(), `${prefix}.toml`);
  writeFileSync(
    file,
    `ListenAddr = "127.0.0.1:0"\nRedisURL = "${REDIS_URL}"\n[Extensions.bench]\nServiceCluster = "${cluster}"\nProxyServiceName = "${prefix}-proxy"\nProxyReplicas = 0\nProxyLabels = { "${TEST_LABEL}" = "${prefix}" }\nPublishedPort = ${await freePort()}\nPublishedSSLPort = ${await freePort()}\n` +
      // The front door as users run it (run-time targets come with it), under the run's names and ports.
      `[FrontDoor]\nServiceName = "${prefix}-frontdoor"\nNetwork = "${prefix}-edge"\nHTTPPort = ${await freePort()}\nHTTPSPort = ${await freePort()}\nLabels = { "${TEST_LABEL}" = "${prefix}" }\n`,
  );
  const settings = loadCoordinatorSettings({
    SIGNALBOX_CONFIG: file,
    SIGNALBOX_GRPC_TOKEN: 'bench-token-0123456789',
    SIGNALBOX_INSTANCE: prefix,
  });
  const startedAt = Date.now();
  const running = await startCoordinator(settings, log, { keyPrefix, queuePrefix: keyPrefix, docker });
  stop = running.stop;
  await waitFor('the first job', async () => ((await version()) ? true : undefined), 120_000);
  console.log(
    `first job ${((Date.now() - startedAt) / 1000).toFixed(2)} s after start; a full pass takes ${running.coordinator.stats.lastPassMs.toFixed(0)} ms`,
  );

  // With run-time targets (the default behind the front door) a scaled app changes no config and queues no
  // job: its new task reaches the agents in the cluster's targets document, whose version is timed instead.
  const runtime = running.coordinator.desired()?.clusters.find((c) => c.cluster === cluster)?.runtimeTargets;
  const scaleOutcome = runtime ? 'targets' : 'job';
  const scaleSignal = () => (runtime ? running.coordinator.clusterTargets(cluster)?.version : version());
  const created: number[] = [];
  const scaled: number[] = [];
  const fromRunning: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const before = await version();
    const sent = Date.now();
    await createTestService(admin, prefix, {
      name: `${prefix}-new${t}`,
      networks: [netOf(t)],
      replicas: 0,
      labels: labels(SERVICES + t),
    });
    created.push((await untilChanged(version, before, 'job')) - sent);
  }
  for (let t = 0; t < Math.min(TRIALS, SERVICES); t++) {
    const svc = admin.getService(`${prefix}-s${t}`);
    const spec = await svc.inspect();
    const before = await scaleSignal();
    const sent = Date.now();
    await svc.update({ ...spec.Spec, version: spec.Version.Index, Mode: { Replicated: { Replicas: 1 } } });
    const at = await untilChanged(scaleSignal, before, scaleOutcome).catch(async (e: Error) => {
      const tasks = await admin.listTasks({
        filters: JSON.stringify({ service: [`${prefix}-s${t}`] }),
      } as object);
      throw new Error(
        `${e.message} after scaling ${prefix}-s${t}: tasks ${JSON.stringify(tasks.map((x) => [x.Status?.State, x.Status?.Err, x.DesiredState]))}`,
      );
    });
    scaled.push(at - sent);
    const tasks = await admin.listTasks({
      filters: JSON.stringify({ service: [`${prefix}-s${t}`] }),
    } as object);
    const runningSince = tasks
      .map((x) => Date.parse(x.Status?.Timestamp ?? ''))
      .filter((n) => !Number.isNaN(n));
    if (runningSince.length > 0) fromRunning.push(at - Math.max(...runningSince));
    const up = await scaleSignal();
    const again = await svc.inspect();
    await svc.update({ ...again.Spec, version: again.Version.Index, Mode: { Replicated: { Replicas: 0 } } });
    // The next trial starts once the scale-down is seen, so it does not time the scale-down.
    await untilChanged(scaleSignal, up, `${scaleOutcome} after the scale-down`);
  }
  const row = (name: string, xs: number[]) =>
    console.log(
      `${name.padEnd(34)} n=${String(xs.length).padStart(3)}  p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms  p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms  p99 ${pct(xs, 99).toFixed(0).padStart(5)} ms`,
    );
  row('service create → job', created);
  row(`scale 0→1 call → ${scaleOutcome}`, scaled);
  row(`task running → ${scaleOutcome}`, fromRunning);

  await new Promise((res) => setTimeout(res, 5_000));
  const callsBefore = apiCalls;
  const restMs = 30_000;
  await new Promise((res) => setTimeout(res, restMs));
  console.log(
    `Docker API calls at rest: ${(((apiCalls - callsBefore) * 60_000) / restMs).toFixed(0)} per minute`,
  );
  const mem = process.memoryUsage();
  console.log(
    `coordinator process: rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB (${SERVICES + TRIALS} services)`,
  );
} finally {
  await stop?.();
  await removeTestObjects(admin, prefix);
  await deleteKeys(r, `${keyPrefix}*`);
  r.disconnect();
}
