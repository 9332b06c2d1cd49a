/**
 * `npm run bench:encrypted-overlay`: what encrypting the overlays costs through the front door, on a
 * three-engine swarm built on this machine (multinode-swarm.sh). Every request crosses two nodes: the front
 * door runs on node 1, the cluster proxy on node 2 and the app on node 3, so it travels the edge network
 * (node 1 → 2) and the app's network (node 2 → 3). Each round sets the whole path up twice, both networks
 * plain and then both encrypted (`--opt encrypted`, Swarm's IPsec), and measures each for a fixed time:
 * small responses (a task's hostname; rate and latency) and 256 KiB ones (throughput). Rounds alternate the
 * order so neither variant always runs on a warmer machine.
 *
 * The nodes share this machine's kernel and two cores: the IPsec work is real, the wire is a veth pair, so
 * the figures are an upper bound on the relative cost where a real network is slower than the CPU. On a
 * kernel without ESP (kernel-esp.ts) only the plain path is measured and the cost is estimated, and the
 * output says so.
 * Results: loadtest/results/encrypted-overlay.json. Traffic goes only to the namespaced test hosts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadCoordinatorSettings } from '../../services/coordinator/src/settings.js';
import {
  type RunningCoordinator,
  startCoordinator,
} from '../../services/coordinator/src/start-coordinator.js';
import { type RunningWorker, startWorker } from '../../services/extension/src/start-worker.js';
import { TEST_TOKEN } from '../../testing/coordinator-harness.js';
import { get } from '../../testing/http-client.js';
import { deleteKeys, REDIS_URL } from '../../testing/redis.js';
import { APP_IMAGE, testPrefix, waitFor } from '../../testing/swarm.js';
import { freePort } from '../../testing/upstreams.js';
import { kernelHasEsp } from './kernel-esp.js';

const SCRIPT = join(import.meta.dirname, 'multinode-swarm.sh');
const RESULTS = join(import.meta.dirname, '..', 'results');
const HOST_ADDRESS = '10.231.0.1';
const FRONT_DOOR_NODE = '10.231.0.11';
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const SECONDS = Number(process.env.SECONDS_PER_LOAD ?? 10);
const BIG_KIB = 256;
const manager = new Docker({ socketPath: '/run/sbmn1/docker.sock' });
const prefix = testPrefix();
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

interface Load {
  requestsPerSecond: number;
  mbPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

interface VariantResult {
  encrypted: boolean;
  round: number;
  small: Load;
  big: Load;
}

/** Node IDs by the last digit of their address: 1 (the manager), 2 and 3. */
async function nodeIds(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const n of await manager.listNodes()) ids.set((n.Status?.Addr ?? '').slice(-1), n.ID);
  return ids;
}

async function measure(port: number, host: string, path: string, connections: number): Promise<Load> {
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url: `http://${FRONT_DOOR_NODE}:${port}${path}`,
        headers: { host },
        connections,
        duration: SECONDS,
        timeout: 5,
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    ),
  );
  return {
    requestsPerSecond: Math.round(result.requests.average),
    mbPerSecond: Number((result.throughput.average / 1e6).toFixed(1)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/** The whole path with both networks plain or both encrypted, measured, then removed. */
async function variant(
  encrypted: boolean,
  round: number,
  nodes: Map<string, string>,
): Promise<VariantResult> {
  const p = `${prefix}-${encrypted ? 'enc' : 'plain'}${round}`;
  const cluster = `${p}-c`;
  const host = `app.${p}.test`;
  const ports = { http: await freePort(), https: await freePort(), agent: await freePort() };
  const options = encrypted ? { Options: { encrypted: '' } } : {};
  const file = join(tmpdir(), `${p}.toml`);
  let coordinator: RunningCoordinator | undefined;
  let worker: RunningWorker | undefined;
  try {
    await manager.createNetwork({ Name: `${p}-net`, Driver: 'overlay', Attachable: true, ...options });
    await manager.createService({
      Name: `${p}-app`,
      Labels: {
        'com.docker.lb.hosts': host,
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': cluster,
      },
      TaskTemplate: {
        ContainerSpec: {
          Image: APP_IMAGE,
          Args: [
            '/bin/sh',
            '-c',
            `hostname > /www/index.html; /bin/busybox dd if=/dev/zero of=/www/big bs=1024 count=${BIG_KIB} 2>/dev/null; exec httpd -f -p 8080 -h /www`,
          ],
        },
        Networks: [{ Target: `${p}-net` }],
        Placement: { Constraints: [`node.id==${nodes.get('3')}`] },
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
    writeFileSync(
      file,
      `ListenAddr = "127.0.0.1:0"
  AgentListenAddr = "${HOST_ADDRESS}:${ports.agent}"
  DockerURL = "unix:///run/sbmn1/docker.sock"
  RedisURL = "${REDIS_URL}"
  PollInterval = "2s"
  TaskPollInterval = "200ms"
  [Extensions.x]
  ServiceCluster = "${cluster}"
  ProxyServiceName = "${p}-proxy"
  ProxyReplicas = 1
  ProxyConstraints = ["node.id==${nodes.get('2')}"]
  [FrontDoor]
  ServiceName = "${p}-frontdoor"
  Network = "${p}-edge"
  EncryptNetwork = ${encrypted}
  HTTPPort = ${ports.http}
  HTTPSPort = ${ports.https}
  Constraints = ["node.id==${nodes.get('1')}"]
  ConfigURL = "http://${HOST_ADDRESS}:${ports.agent}/v1/front-door/nginx.conf"
  `,
    );
    coordinator = await startCoordinator(
      loadCoordinatorSettings({
        SIGNALBOX_CONFIG: file,
        SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
        SIGNALBOX_INSTANCE: p,
      }),
      log,
      { keyPrefix: p, queuePrefix: p },
    );
    worker = await startWorker(
      {
        coordinatorAddress: `127.0.0.1:${coordinator.grpcPort}`,
        token: TEST_TOKEN,
        redisUrl: REDIS_URL,
        concurrency: 1,
        workerId: `${p}-worker`,
        serverInfo: 'signalbox/bench',
        queuePrefix: p,
        keyPrefix: p,
      },
      log,
    );
    await waitFor(
      `${host} through the front door on node 1`,
      async () =>
        (await get(ports.http, host, '/big', { address: FRONT_DOOR_NODE }).catch(() => undefined))?.status ===
        200
          ? true
          : undefined,
      300_000,
    );
    const edge = await manager.getNetwork(`${p}-edge`).inspect();
    if ('encrypted' in (edge.Options ?? {}) !== encrypted)
      throw new Error(`the edge network ${p}-edge is ${encrypted ? 'not ' : ''}encrypted`);
    // A warm-up, not counted: the first connections through each hop cost more than the rest.
    await measure(ports.http, host, '/', 8);
    const small = await measure(ports.http, host, '/', 8);
    const big = await measure(ports.http, host, '/big', 8);
    console.log(
      `round ${round} ${encrypted ? 'encrypted' : 'plain    '}: small ${small.requestsPerSecond} req/s p50 ${small.p50Ms} ms p99 ${small.p99Ms} ms; ` +
        `${BIG_KIB} KiB ${big.requestsPerSecond} req/s ${big.mbPerSecond} MB/s p99 ${big.p99Ms} ms; failed ${small.failed + big.failed}`,
    );
    return { encrypted, round, small, big };
  } finally {
    await worker?.stop(true);
    await coordinator?.stop();
    for (const service of [`${p}-frontdoor`, `${p}-proxy`, `${p}-app`])
      await manager
        .getService(service)
        .remove()
        .catch(() => undefined);
    await waitFor(
      `${p}'s networks to go`,
      async () => {
        for (const net of [`${p}-edge`, `${p}-net`])
          await manager
            .getNetwork(net)
            .remove()
            .catch(() => undefined);
        return (await manager.listNetworks({ filters: JSON.stringify({ name: [p] }) })).length === 0
          ? true
          : undefined;
      },
      60_000,
    );
    rmSync(file, { force: true });
    const r = new Redis(REDIS_URL);
    await deleteKeys(r, `${p}*`);
    r.disconnect();
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * An ESTIMATE, for a kernel without ESP (this machine's), where encrypted overlays carry nothing between
 * nodes and so cannot be measured: AES-128-GCM's speed on this CPU (openssl, user space, 1,408-byte
 * records as in ESP under a 1,450-byte overlay MTU) against the plain path's measured throughput. Each byte
 * is encrypted and decrypted once per encrypted hop, and the path has two, so four passes; were the path
 * bound by the CPU, throughput would fall by that work's share of it. The kernel's own AES may be slower
 * than openssl's, so the real cost may be higher.
 */
function estimatedCost(plainMbPerSecond: number): Record<string, unknown> {
  const out = execFileSync('openssl', ['speed', '-evp', 'aes-128-gcm', '-bytes', '1408', '-seconds', '3'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const kbPerSecond = Number(/AES-128-GCM\s+([\d.]+)k/.exec(out)?.[1]);
  if (!Number.isFinite(kbPerSecond)) throw new Error(`no AES-128-GCM figure in openssl's output: ${out}`);
  const gcmMbPerSecond = kbPerSecond / 1000;
  const cores = cpus().length;
  const extraCores = (4 * plainMbPerSecond) / gcmMbPerSecond;
  return {
    estimate: true,
    why: 'this kernel has no ESP: encrypted overlays carry no traffic between nodes here',
    gcmMbPerSecondPerCore: Math.round(gcmMbPerSecond),
    extraCoresAtPlainThroughput: Number(extraCores.toFixed(3)),
    throughputIfCpuBound: `${((100 * extraCores) / (cores + extraCores)).toFixed(1)} % less on ${cores} cores`,
  };
}

let failed = false;
try {
  const esp = kernelHasEsp();
  if (!esp)
    console.log('this kernel has no ESP: measuring the plain path only, and estimating the encrypted one');
  execFileSync('bash', [SCRIPT, 'up'], { stdio: 'inherit' });
  const nodes = await nodeIds();
  const results: VariantResult[] = [];
  for (let round = 1; round <= ROUNDS; round++)
    for (const encrypted of esp ? (round % 2 ? [false, true] : [true, false]) : [false])
      results.push(await variant(encrypted, round, nodes));
  const averaged = (encrypted: boolean) => {
    const runs = results.filter((r) => r.encrypted === encrypted);
    return {
      smallRequestsPerSecond: Math.round(mean(runs.map((r) => r.small.requestsPerSecond))),
      smallP99Ms: mean(runs.map((r) => r.small.p99Ms)),
      bigMbPerSecond: Number(mean(runs.map((r) => r.big.mbPerSecond)).toFixed(1)),
      bigP99Ms: mean(runs.map((r) => r.big.p99Ms)),
    };
  };
  const plain = averaged(false);
  const encrypted = esp ? averaged(true) : undefined;
  const failures = results.reduce((n, r) => n + r.small.failed + r.big.failed, 0);
  const cost = encrypted
    ? {
        smallRate: `${(100 * (1 - encrypted.smallRequestsPerSecond / plain.smallRequestsPerSecond)).toFixed(0)} %`,
        throughput: `${(100 * (1 - encrypted.bigMbPerSecond / plain.bigMbPerSecond)).toFixed(0)} %`,
      }
    : estimatedCost(plain.bigMbPerSecond);
  const summary = { plain, ...(encrypted ? { encrypted } : {}) };
  console.log(
    `mean over ${ROUNDS} rounds: ${JSON.stringify(summary)}; cost of encryption: ${JSON.stringify(cost)}`,
  );
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'encrypted-overlay.json'),
    `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, bigKiB: BIG_KIB, summary, cost, failures, results }, null, 2)}\n`,
  );
  if (failures > 0) throw new Error(`${failures} requests failed`);
} catch (e) {
  failed = true;
  console.error(`encrypted overlay bench failed: ${(e as Error).message}`);
} finally {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: 'inherit' });
}
process.exit(failed ? 1 : 0);
