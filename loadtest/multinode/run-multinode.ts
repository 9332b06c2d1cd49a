/**
 * `npm run loadtest:multinode`: Signalbox on a three-engine swarm built on this machine
 * (multinode-swarm.sh: a manager and two workers, each dockerd in a network namespace of its own). The
 * coordinator runs here and drives the manager's engine; proxies are constrained to the workers; the front
 * door runs on the manager. It shows, under steady load through the front door:
 *
 *   1. placement: both proxy tasks on workers, the front door on the manager;
 *   2. draining a worker moves its proxy task to the other worker, and no request fails;
 *   3. without the front door, a start-first rollout of a one-replica proxy with a host-mode port lands on
 *      the spare worker (the port is taken on its own node) instead of deadlocking.
 *
 * Everything is removed afterwards, the swarm included, also when a step fails. Traffic goes only to the
 * namespaced test hosts (10.231.0.0/24) this run made.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadCoordinatorSettings } from '../../services/coordinator/src/settings.js';
import {
  type RunningCoordinator,
  startCoordinator,
} from '../../services/coordinator/src/start-coordinator.js';
import { startWorker } from '../../services/extension/src/start-worker.js';
import { TEST_TOKEN } from '../../testing/coordinator-harness.js';
import { get } from '../../testing/http-client.js';
import { deleteKeys, REDIS_URL } from '../../testing/redis.js';
import { steadyLoad } from '../../testing/steady-load.js';
import { APP_IMAGE, tasksMeantToRun, testPrefix, waitFor } from '../../testing/swarm.js';
import { freePort } from '../../testing/upstreams.js';

const SCRIPT = join(import.meta.dirname, 'multinode-swarm.sh');
const HOST_ADDRESS = '10.231.0.1';
const MANAGER = '10.231.0.11';
const manager = new Docker({ socketPath: '/run/sbmn1/docker.sock' });
const prefix = testPrefix();
const cluster = `${prefix}-c`;
const appHost = `app.${prefix}.test`;
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/** Node ID → hostname-free name: sbmn<N>, from each engine's advertised address. */
async function nodeNames(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const n of await manager.listNodes()) {
    const addr = n.Status?.Addr ?? '';
    names.set(n.ID, `node${addr.slice(-1)}${n.Spec?.Role === 'manager' ? ' (manager)' : ''}`);
  }
  return names;
}

async function placement(service: string): Promise<string[]> {
  const names = await nodeNames();
  return (await tasksMeantToRun(manager, service))
    .filter((t) => t.Status?.State === 'running')
    .map((t) => names.get(t.NodeID ?? '') ?? '?')
    .sort();
}

async function config(
  frontDoor: boolean,
  ports: { http: number; https: number; agent: number; published: number },
) {
  const file = join(tmpdir(), `${prefix}-${frontDoor ? 'fd' : 'host'}.toml`);
  writeFileSync(
    file,
    `ListenAddr = "127.0.0.1:0"
AgentListenAddr = "${HOST_ADDRESS}:${ports.agent}"
DockerURL = "unix:///run/sbmn1/docker.sock"
RedisURL = "${REDIS_URL}"
PollInterval = "2s"
TaskPollInterval = "200ms"
[Extensions.mn]
ServiceCluster = "${cluster}"
ProxyServiceName = "${cluster}-proxy"
ProxyReplicas = ${frontDoor ? 2 : 1}
ProxyConstraints = ["node.role==worker"]
ProxyUpdateOrder = "start-first"
ProxyUpdateDelay = "1s"
PublishMode = "host"
PublishedPort = ${ports.published}
PublishedSSLPort = ${ports.published + 1}
${
  frontDoor
    ? `[FrontDoor]
ServiceName = "${prefix}-frontdoor"
Network = "${prefix}-edge"
HTTPPort = ${ports.http}
HTTPSPort = ${ports.https}
Constraints = ["node.role==manager"]
ConfigURL = "http://${HOST_ADDRESS}:${ports.agent}/v1/front-door/nginx.conf"`
    : '[FrontDoor]\nEnabled = false'
}
`,
  );
  return loadCoordinatorSettings({
    SIGNALBOX_CONFIG: file,
    SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
    SIGNALBOX_INSTANCE: prefix,
  });
}

/** A worker in this process on the run's queue and keys, driving `coordinator`. */
const startMultinodeWorker = (coordinator: RunningCoordinator, name: string) =>
  startWorker(
    {
      coordinatorAddress: `127.0.0.1:${coordinator.grpcPort}`,
      token: TEST_TOKEN,
      redisUrl: REDIS_URL,
      concurrency: 1,
      workerId: `${prefix}-${name}`,
      serverInfo: 'signalbox/multinode',
      queuePrefix: prefix,
      keyPrefix: prefix,
    },
    log,
  );

async function run(): Promise<void> {
  const keyPrefix = prefix;
  const ports = {
    http: await freePort(),
    https: await freePort(),
    agent: await freePort(),
    published: 20_080,
  };
  await manager.createNetwork({ Name: `${prefix}-net`, Driver: 'overlay', Attachable: true });
  await manager.createService({
    Name: `${prefix}-app`,
    Labels: {
      'com.docker.lb.hosts': appHost,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    },
    TaskTemplate: { ContainerSpec: { Image: APP_IMAGE }, Networks: [{ Target: `${prefix}-net` }] },
    Mode: { Replicated: { Replicas: 2 } },
  });
  let coordinator: RunningCoordinator | undefined = await startCoordinator(await config(true, ports), log, {
    keyPrefix,
    queuePrefix: keyPrefix,
  });
  const worker = await startMultinodeWorker(coordinator, 'w');
  const inSync = (c: RunningCoordinator, what: string) =>
    waitFor(
      what,
      async () => ((await c.coordinator.status()).clusters?.every((x) => x.inSync) ? true : undefined),
      300_000,
    );
  try {
    await waitFor(
      `${appHost} through the front door on the manager`,
      async () =>
        (await get(ports.http, appHost, '/', { address: MANAGER }).catch(() => undefined))?.status === 200
          ? true
          : undefined,
      300_000,
    );
    await inSync(coordinator, 'the first config');
    const proxies = await placement(`${cluster}-proxy`);
    const door = await placement(`${prefix}-frontdoor`);
    console.log(`proxy tasks on: ${proxies.join(', ')}; front door on: ${door.join(', ')}`);
    if (proxies.some((p) => p.includes('manager')) || proxies.length !== 2)
      throw new Error('proxies are not on the two workers');

    const names = await nodeNames();
    const workerNode = [...names].find(([, name]) => name === proxies[0]);
    if (!workerNode) throw new Error('no worker node to drain');
    const [nodeId, nodeName] = workerNode;
    const load = steadyLoad(ports.http, appHost, { address: MANAGER, concurrency: 4, maxMs: 300_000 });
    await new Promise((r) => setTimeout(r, 2_000));
    const drainAt = Date.now();
    const node = manager.getNode(nodeId);
    const spec = await node.inspect();
    await node.update({ ...spec.Spec, Availability: 'drain', version: spec.Version.Index });
    await waitFor(
      `the proxy task to leave ${nodeName}`,
      async () => {
        const now = await placement(`${cluster}-proxy`);
        return now.length === 2 && !now.includes(nodeName) ? now : undefined;
      },
      180_000,
    );
    const moved = (Date.now() - drainAt) / 1000;
    await new Promise((r) => setTimeout(r, 3_000));
    const result = await load.stop();
    console.log(
      `drain ${nodeName}: proxy tasks now on ${(await placement(`${cluster}-proxy`)).join(', ')} after ${moved.toFixed(1)} s; ${result.requests} requests, ${result.failures.length} failed${
        result.failures.length
          ? `: ${result.failures
              .slice(0, 3)
              .map((f) => `${f.status} ${f.body ?? ''}`)
              .join(' | ')}`
          : ''
      }`,
    );
    const again = await node.inspect();
    await node.update({ ...again.Spec, Availability: 'active', version: again.Version.Index });

    // Phase 3: no front door, one replica with a host-mode port on a worker; a start-first rollout.
    await worker.stop(true);
    await coordinator.stop();
    coordinator = undefined;
    await manager
      .getService(`${prefix}-frontdoor`)
      .remove()
      .catch(() => undefined);
    coordinator = await startCoordinator(await config(false, ports), log, {
      keyPrefix,
      queuePrefix: keyPrefix,
    });
    const worker2 = await startMultinodeWorker(coordinator, 'w2');
    try {
      await waitFor(
        'one proxy replica',
        async () => ((await placement(`${cluster}-proxy`)).length === 1 ? true : undefined),
        180_000,
      );
      await inSync(coordinator, 'the host-mode config');
      const before = await placement(`${cluster}-proxy`);
      const app = manager.getService(`${prefix}-app`);
      const appSpec = await app.inspect();
      const rolloutAt = Date.now();
      await app.update({
        ...appSpec.Spec,
        Labels: { ...appSpec.Spec.Labels, 'com.docker.lb.websocket_endpoints': '/ws' },
        version: appSpec.Version.Index,
      });
      const after = await waitFor(
        'the start-first rollout to finish on the spare worker',
        async () => {
          const now = await placement(`${cluster}-proxy`);
          const clusters = (await coordinator?.coordinator.status())?.clusters ?? [];
          return now.length === 1 && now[0] !== before[0] && clusters.every((c) => c.inSync)
            ? now
            : undefined;
        },
        300_000,
      );
      console.log(
        `start-first with host port ${ports.published}: proxy moved ${before[0]} → ${after[0]} in ${((Date.now() - rolloutAt) / 1000).toFixed(1)} s`,
      );
      const address = after[0]?.includes('2') ? '10.231.0.12' : '10.231.0.13';
      const reply = await get(ports.published, appHost, '/', { address });
      if (reply.status !== 200) throw new Error(`the moved proxy answers ${reply.status}`);
    } finally {
      await worker2.stop(true);
    }
  } finally {
    await coordinator?.stop();
    const r = new Redis(REDIS_URL);
    await deleteKeys(r, `${keyPrefix}*`);
    r.disconnect();
  }
}

let failed = false;
try {
  execFileSync('bash', [SCRIPT, 'up'], { stdio: 'inherit' });
  await run();
} catch (e) {
  failed = true;
  console.error(`multinode run failed: ${(e as Error).message}`);
} finally {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: 'inherit' });
}
process.exit(failed ? 1 : 0);
