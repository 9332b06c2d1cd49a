/**
 * `npm run loadtest:multinode-host-mode`: Interlock's host-mode apps on the three-engine swarm of
 * multinode-swarm.sh (a manager and two workers, each dockerd in a network namespace of its own). The app is
 * a global service on no overlay network that publishes its port in host mode (`--publish
 * mode=host,target=8080`, each node picks its own published port); the only proxy replica runs on a worker,
 * without the front door. It shows that the proxy reaches every task at its node's address (`GET /nodes` →
 * `Status.Addr`) and published port, those on the other two nodes included, and joins no network for it.
 *
 * Everything is removed afterwards, the swarm included, also when a step fails. Traffic goes only to the
 * namespaced test hosts (10.231.0.0/24) this run made. Figures go to loadtest/results/multinode-host-mode.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
import { APP_IMAGE, tasksMeantToRun, testPrefix, waitFor } from '../../testing/swarm.js';

const SCRIPT = join(import.meta.dirname, 'multinode-swarm.sh');
const RESULTS = join(import.meta.dirname, '..', 'results');
const manager = new Docker({ socketPath: '/run/sbmn1/docker.sock' });
const prefix = testPrefix();
const cluster = `${prefix}-c`;
const appHost = `hm.${prefix}.test`;
const app = `${prefix}-hm`;
const PROXY_PORT = 20_080;
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/** Node ID → its address (`Status.Addr`, 10.231.0.1N). */
async function nodeAddresses(): Promise<Map<string, string>> {
  return new Map((await manager.listNodes()).map((n) => [n.ID, n.Status?.Addr ?? '']));
}

/** The running tasks of `service`: node address, published host-mode port and hostname (short container ID). */
async function runningTasks(service: string) {
  const nodes = await nodeAddresses();
  return (await tasksMeantToRun(manager, service))
    .filter((t) => t.Status?.State === 'running')
    .map((t) => {
      const status = t.Status as {
        PortStatus?: { Ports?: { PublishedPort?: number }[] };
        ContainerStatus?: { ContainerID?: string };
      };
      return {
        node: nodes.get(t.NodeID ?? '') ?? '?',
        published: status.PortStatus?.Ports?.[0]?.PublishedPort ?? 0,
        hostname: status.ContainerStatus?.ContainerID?.slice(0, 12) ?? '',
      };
    })
    .sort((a, b) => (a.node < b.node ? -1 : 1));
}

function settings() {
  const file = join(tmpdir(), `${prefix}-host-mode.toml`);
  writeFileSync(
    file,
    `ListenAddr = "127.0.0.1:0"
AgentListenAddr = "127.0.0.1:0"
DockerURL = "unix:///run/sbmn1/docker.sock"
RedisURL = "${REDIS_URL}"
PollInterval = "2s"
TaskPollInterval = "200ms"
[Extensions.hm]
ServiceCluster = "${cluster}"
ProxyServiceName = "${cluster}-proxy"
ProxyReplicas = 1
ProxyConstraints = ["node.role==worker"]
PublishMode = "host"
PublishedPort = ${PROXY_PORT}
PublishedSSLPort = ${PROXY_PORT + 1}
[FrontDoor]
Enabled = false
`,
  );
  return loadCoordinatorSettings({
    SIGNALBOX_CONFIG: file,
    SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
    SIGNALBOX_INSTANCE: prefix,
  });
}

async function run(): Promise<Record<string, unknown>> {
  const startedAt = Date.now();
  await manager.createService({
    Name: app,
    Labels: {
      'com.docker.lb.hosts': appHost,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    },
    TaskTemplate: { ContainerSpec: { Image: APP_IMAGE } },
    Mode: { Global: {} },
    EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishMode: 'host' }] },
  });
  const coordinator: RunningCoordinator = await startCoordinator(settings(), log, {
    keyPrefix: prefix,
    queuePrefix: prefix,
  });
  const worker = await startWorker(
    {
      coordinatorAddress: `127.0.0.1:${coordinator.grpcPort}`,
      token: TEST_TOKEN,
      redisUrl: REDIS_URL,
      concurrency: 1,
      workerId: `${prefix}-w`,
      serverInfo: 'signalbox/multinode',
      queuePrefix: prefix,
      keyPrefix: prefix,
    },
    log,
  );
  try {
    const tasks = await waitFor(
      'an app task on each of the three nodes',
      async () => {
        const now = await runningTasks(app);
        return now.length === 3 && now.every((t) => t.published > 0) ? now : undefined;
      },
      180_000,
    );
    const [proxy] = await waitFor(
      'the proxy task on a worker',
      async () => {
        const now = await runningTasks(`${cluster}-proxy`);
        return now.length === 1 ? now : undefined;
      },
      180_000,
    );
    if (!proxy || proxy.node === '10.231.0.11')
      throw new Error(`the proxy runs on ${proxy?.node}, not a worker`);
    await waitFor(
      `${appHost} through the proxy on ${proxy.node}`,
      async () =>
        (await get(PROXY_PORT, appHost, '/', { address: proxy.node }).catch(() => undefined))?.status === 200
          ? true
          : undefined,
      300_000,
    );
    const answeredAfter = (Date.now() - startedAt) / 1000;
    const expected = tasks.map((t) => `${t.node}:${t.published}`).sort();
    const targets = coordinator.coordinator.explain(appHost, '/').routes?.[0]?.targets ?? [];
    const desired = coordinator.coordinator.desired()?.clusters.find((c) => c.cluster === cluster);
    const byHostname = new Map(tasks.map((t) => [t.hostname, t.node]));
    const answers = new Map<string, number>();
    let failed = 0;
    const requests = 60;
    for (let i = 0; i < requests; i++) {
      const reply = await get(PROXY_PORT, appHost, '/', { address: proxy.node }).catch(() => undefined);
      if (reply?.status !== 200) {
        failed += 1;
        continue;
      }
      const node = byHostname.get(reply.body.trim()) ?? `unknown task ${reply.body.trim()}`;
      answers.set(node, (answers.get(node) ?? 0) + 1);
    }
    const result = {
      proxyNode: proxy.node,
      appTasks: tasks.map(({ node, published }) => ({ node, published })),
      targets,
      proxyNetworks: desired?.model.networks.map((n) => n.name) ?? [],
      answeredAfterSeconds: Number(answeredAfter.toFixed(1)),
      requests,
      failed,
      answersByNode: Object.fromEntries([...answers].sort()),
    };
    console.log(JSON.stringify(result, null, 2));
    const problems = [
      JSON.stringify(targets) !== JSON.stringify(expected)
        ? `targets ${targets.join(', ')} are not ${expected.join(', ')}`
        : '',
      result.proxyNetworks.length > 0 ? `the proxy joins ${result.proxyNetworks.join(', ')}` : '',
      failed > 0 ? `${failed} of ${requests} requests failed` : '',
      answers.size !== 3 ? `answers came from ${answers.size} nodes, not 3` : '',
    ].filter((p) => p !== '');
    if (problems.length > 0) throw new Error(problems.join('; '));
    return result;
  } finally {
    await worker.stop(true);
    await coordinator.stop();
    const r = new Redis(REDIS_URL);
    await deleteKeys(r, `${prefix}*`);
    r.disconnect();
  }
}

let failed = false;
try {
  execFileSync('bash', [SCRIPT, 'up'], { stdio: 'inherit' });
  const result = await run();
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'multinode-host-mode.json'),
    `${JSON.stringify({ ranAt: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
} catch (e) {
  failed = true;
  console.error(`multinode host-mode run failed: ${(e as Error).message}`);
} finally {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: 'inherit' });
}
process.exit(failed ? 1 : 0);
