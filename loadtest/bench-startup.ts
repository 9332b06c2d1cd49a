/**
 * `npm run bench:startup`: what the Signalbox image costs at start, for each of its two programs as the
 * stack runs them: the coordinator (`services/coordinator/src/main.*`) and an extension worker
 * (`services/extension/src/main.*`), each in its own container from the image.
 *
 * - ready: from the `docker start` call until the program's `/readyz` answers 200 (the coordinator's on
 *   8081 once its first reconcile pass has a desired state; the worker's on 8082 once Redis is up and its
 *   BullMQ worker runs), polled every 10 ms; `process → ready` counts from the container's StartedAt, and
 *   `CPU to ready` is the user + system time the node process had used by then (/proc/PID/stat).
 * - RSS: VmRSS of the container's node process (/proc on this host) BENCH_SETTLE_MS after ready, its peak
 *   (VmHWM) by then, and the VmRSS of every process in the container (tsx runs esbuild beside node).
 * - size: `docker image inspect`'s Size.
 *
 * BENCH_IMAGES (space-separated, default signalbox/signalbox:local) compares images, e.g. one built before
 * a change: each image's own CMD says whether it runs `.ts` (through tsx) or `.js`. The runs alternate
 * between images; the first run of each is a warm-up and not counted. BENCH_RUNS (default 5) and
 * BENCH_SETTLE_MS (default 10000) change the run. Needs dockerd in swarm mode (the coordinator reads the
 * swarm through the socket) and signalbox/redis:local (a Redis container of its own on a bridge network of
 * its own); everything it creates, the coordinator's one empty proxy service per run included, carries a
 * unique prefix and is removed. Writes loadtest/results/startup.json.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { removeTestObjects, TEST_LABEL, testPrefix } from '../testing/swarm.js';
import { freePort } from '../testing/upstreams.js';
import { cpuMs, memory } from './container-process-stats.js';

const IMAGES = (process.env.BENCH_IMAGES ?? 'signalbox/signalbox:local').split(/\s+/).filter(Boolean);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const REDIS_IMAGE = process.env.SIGNALBOX_REDIS_IMAGE ?? 'signalbox/redis:local';
const READY_TIMEOUT_MS = 120_000;

const docker = new Docker();
const prefix = testPrefix();
const labels = { [TEST_LABEL]: prefix };
const network = `${prefix}-startup`;
const token = randomBytes(24).toString('hex');
const configFile = (run: string) => join(tmpdir(), `${prefix}-${run}-startup.toml`);
const configFiles: string[] = [];
const created: Docker.Container[] = [];

interface Sample {
  readyMs: number;
  processReadyMs: number;
  cpuMs: number;
  rssMb: number;
  peakRssMb: number;
  /** Every process in the container: node, and under tsx its esbuild service processes. */
  containerRssMb: number;
}
type Program = 'coordinator' | 'worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function waitReady(url: string, t0: number): Promise<number> {
  while (performance.now() - t0 < READY_TIMEOUT_MS) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return performance.now();
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  throw new Error(`${url} not ready after ${READY_TIMEOUT_MS} ms`);
}

/** Starts one container, waits for its /readyz, lets it settle and reads its memory; leaves it running. */
async function measure(
  name: string,
  image: string,
  cmd: string,
  port: number,
  env: Record<string, string>,
  binds: string[],
): Promise<Sample> {
  const container = await docker.createContainer({
    name,
    Image: image,
    Cmd: [cmd],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    HostConfig: { NetworkMode: network, Binds: binds },
  });
  created.push(container);
  const t0 = performance.now();
  await container.start();
  const info = await container.inspect();
  const ip = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!ip) throw new Error(`${name} has no address on ${network}`);
  const ready = await waitReady(`http://${ip}:${port}/readyz`, t0);
  const cpu = cpuMs(info.State.Pid);
  const readyAt = Date.now() - (performance.now() - ready);
  const processReadyMs = readyAt - Date.parse(info.State.StartedAt);
  await sleep(SETTLE_MS);
  const { rss, peak, all } = await memory(container, info.State.Pid);
  return {
    readyMs: ready - t0,
    processReadyMs,
    cpuMs: cpu,
    rssMb: rss,
    peakRssMb: peak,
    containerRssMb: all,
  };
}

/**
 * One cluster of its own per run whose proxy has no replicas, no warm-network placeholder and host-mode
 * ports (nothing binds them), labelled for cleanup; no front door. The coordinator reads the swarm, takes
 * the lease, creates that one empty proxy service and serves; it leaves every other service alone.
 */
async function writeConfig(run: string): Promise<string> {
  const file = configFile(run);
  configFiles.push(file);
  writeFileSync(
    file,
    `ListenAddr = ":8080"
AgentListenAddr = ":8081"
RedisURL = "redis://${prefix}-redis:6379"
[Extensions.bench]
ServiceCluster = "${prefix}-${run}"
ProxyServiceName = "${prefix}-${run}-proxy"
ProxyReplicas = 0
WarmNetworks = false
PublishMode = "host"
PublishedPort = ${await freePort()}
PublishedSSLPort = ${await freePort()}
ProxyLabels = { "${TEST_LABEL}" = "${prefix}" }
[FrontDoor]
Enabled = false
`,
  );
  return file;
}

async function runOnce(image: string, run: string): Promise<Record<Program, Sample>> {
  const ext = (await docker.getImage(image).inspect()).Config.Cmd?.[0]?.endsWith('.ts') ? 'ts' : 'js';
  const keys = `${prefix}-${run}`;
  const config = await writeConfig(run);
  const coordinatorName = `${prefix}-coordinator-${run}`;
  const common = { SIGNALBOX_GRPC_TOKEN: token, SIGNALBOX_KEY_PREFIX: keys, SIGNALBOX_QUEUE_PREFIX: keys };
  const coordinator = await measure(
    coordinatorName,
    image,
    `services/coordinator/src/main.${ext}`,
    8081,
    { ...common, SIGNALBOX_CONFIG: '/config.toml', SIGNALBOX_INSTANCE: coordinatorName },
    [`${config}:/config.toml:ro`, '/var/run/docker.sock:/var/run/docker.sock'],
  );
  const worker = await measure(
    `${prefix}-worker-${run}`,
    image,
    `services/extension/src/main.${ext}`,
    8082,
    {
      ...common,
      SIGNALBOX_COORDINATOR: `${coordinatorName}:8080`,
      SIGNALBOX_REDIS_URL: `redis://${prefix}-redis:6379`,
      SIGNALBOX_HTTP_ADDR: ':8082',
    },
    [],
  );
  for (const c of created.splice(0)) await c.remove({ force: true }).catch(() => undefined);
  await removeServices();
  return { coordinator, worker };
}

/**
 * The services the run's coordinators made: labelled ones (the proxies) and any other named after the
 * run's clusters (`${prefix}-…`). The bridge network stays for the next run; cleanUp removes it.
 */
async function removeServices(): Promise<void> {
  const labelled = await docker.listServices({ filters: { label: [`${TEST_LABEL}=${prefix}`] } });
  const named = await docker.listServices({ filters: { name: [`${prefix}-`] } });
  for (const s of [...labelled, ...named].filter((s) => s.Spec?.Name?.startsWith(`${prefix}-`)))
    await docker
      .getService(s.ID)
      .remove()
      .catch(() => undefined);
}

async function cleanUp(): Promise<void> {
  for (const c of await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${prefix}`] } }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  await removeServices();
  await removeTestObjects(docker, prefix);
  for (const file of configFiles) rmSync(file, { force: true });
}

process.once('SIGINT', () => {
  void cleanUp().then(() => process.exit(130));
});

const samples = new Map<string, Record<Program, Sample[]>>(
  IMAGES.map((i) => [i, { coordinator: [], worker: [] }]),
);
try {
  await docker.createNetwork({ Name: network, Driver: 'bridge', Labels: labels });
  const redis = await docker.createContainer({
    name: `${prefix}-redis`,
    Image: REDIS_IMAGE,
    Cmd: ['--bind', '0.0.0.0', '--protected-mode', 'no', '--save', '', '--appendonly', 'no'],
    Labels: labels,
    HostConfig: { NetworkMode: network },
  });
  await redis.start();
  for (let run = 0; run <= RUNS; run++) {
    for (const [i, image] of IMAGES.entries()) {
      const result = await runOnce(image, `${run}-${i}`);
      const kept = samples.get(image);
      if (run === 0 || !kept) continue;
      kept.coordinator.push(result.coordinator);
      kept.worker.push(result.worker);
      console.error(
        `${image} run ${run}: coordinator ready ${result.coordinator.readyMs.toFixed(0)} ms ` +
          `(CPU ${result.coordinator.cpuMs.toFixed(0)} ms), ` +
          `RSS ${result.coordinator.rssMb.toFixed(1)} MB (container ${result.coordinator.containerRssMb.toFixed(1)} MB); ` +
          `worker ready ${result.worker.readyMs.toFixed(0)} ms ` +
          `(CPU ${result.worker.cpuMs.toFixed(0)} ms), ` +
          `RSS ${result.worker.rssMb.toFixed(1)} MB (container ${result.worker.containerRssMb.toFixed(1)} MB)`,
      );
    }
  }
  const rows: Record<string, unknown>[] = [];
  console.log(`\nmedian of ${RUNS} runs (min–max), RSS ${SETTLE_MS / 1000} s after ready\n`);
  console.log(
    '| image | size | program | start → ready | process → ready | CPU to ready | RSS node | RSS container |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const [image, byProgram] of samples) {
    const inspect = await docker.getImage(image).inspect();
    const sizeMb = inspect.Size / 1e6;
    for (const program of ['coordinator', 'worker'] as const) {
      const s = byProgram[program];
      const stat = (k: keyof Sample) => {
        const xs = s.map((x) => x[k]);
        return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
      };
      const row = {
        image,
        command: [...(inspect.Config.Entrypoint ?? []), ...(inspect.Config.Cmd ?? [])].join(' '),
        sizeMb,
        program,
        readyMs: stat('readyMs'),
        processReadyMs: stat('processReadyMs'),
        cpuMs: stat('cpuMs'),
        rssMb: stat('rssMb'),
        peakRssMb: stat('peakRssMb'),
        containerRssMb: stat('containerRssMb'),
      };
      rows.push(row);
      const ms = (v: { median: number; min: number; max: number }) =>
        `${v.median.toFixed(0)} ms (${v.min.toFixed(0)}–${v.max.toFixed(0)})`;
      const mb = (v: { median: number; min: number; max: number }) =>
        `${v.median.toFixed(1)} MB (${v.min.toFixed(1)}–${v.max.toFixed(1)})`;
      console.log(
        `| ${image} | ${sizeMb.toFixed(1)} MB | ${program} | ${ms(row.readyMs)} | ${ms(row.processReadyMs)} | ${ms(row.cpuMs)} | ${mb(row.rssMb)} | ${mb(row.containerRssMb)} |`,
      );
    }
  }
  writeFileSync(
    join('loadtest', 'results', 'startup.json'),
    `${JSON.stringify({ runs: RUNS, settleMs: SETTLE_MS, rows }, null, 2)}\n`,
  );
} finally {
  await cleanUp();
}
