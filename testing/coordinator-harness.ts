import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { CLUSTER_LABEL } from '#shared/labels/index.js';
import { loadCoordinatorSettings } from '../services/coordinator/src/settings.js';
import { type RunningCoordinator, startCoordinator } from '../services/coordinator/src/start-coordinator.js';
import {
  type RunningWorker,
  startWorker,
  type WorkerSettings,
} from '../services/extension/src/start-worker.js';
import { deleteKeys, REDIS_URL } from './redis.js';
import { gwbridgeGateway, removeLabelledObjects, removeTestObjects, TEST_LABEL } from './swarm.js';
import { freePort } from './upstreams.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Silent unless SIGNALBOX_TEST_LOG names a pino level (then JSON lines on stderr, to debug a test). */
const testLog = () => pino({ level: process.env.SIGNALBOX_TEST_LOG ?? 'silent' }, pino.destination(2));

export interface TestCluster {
  /** The `[Extensions.<extension>]` table name. */
  extension: string;
  /** ServiceCluster; the proxy service is `<cluster>-proxy`. */
  cluster: string;
  proxyReplicas?: number;
  /** Extra TOML lines appended after the extension's keys, e.g. a `[Extensions.x.Config]` table. */
  extra?: string;
}

export interface TestFrontDoor {
  httpPort: number;
  httpsPort: number;
  /** The address the front door's agent reaches this process at (its docker_gwbridge gateway). */
  agentHost: string;
  agentPort: number;
}

/** Free ports for a front door on 127.0.0.1, its agent reaching this process at the docker_gwbridge gateway. */
export async function testFrontDoor(client: Docker): Promise<TestFrontDoor> {
  return {
    httpPort: await freePort(),
    httpsPort: await freePort(),
    agentHost: await gwbridgeGateway(client),
    agentPort: await freePort(),
  };
}

/**
 * A coordinator config for a test run: free published ports, proxies labelled with the run's prefix so
 * cleanup finds them, and fast polling. The front door is off unless `frontDoor` is given; it then gets its
 * own edge network and labels, so cleanup finds them too. Returns the file's path.
 */
export async function writeCoordinatorConfig(
  prefix: string,
  clusters: TestCluster[],
  frontDoor?: TestFrontDoor,
  /** Further top-level tables, e.g. `[Tenancy]`. */
  tables = '',
): Promise<string> {
  const agentListen = frontDoor ? `${frontDoor.agentHost}:${frontDoor.agentPort}` : '127.0.0.1:0';
  let toml = `ListenAddr = "127.0.0.1:0"\nAgentListenAddr = "${agentListen}"\nPollInterval = "2s"\nTaskPollInterval = "200ms"\nRedisURL = "${REDIS_URL}"\n`;
  for (const c of clusters) {
    toml += `[Extensions.${c.extension}]
ServiceCluster = "${c.cluster}"
ProxyServiceName = "${c.cluster}-proxy"
ProxyReplicas = ${c.proxyReplicas ?? 0}
ProxyLabels = { "${TEST_LABEL}" = "${prefix}" }
PublishedPort = ${await freePort()}
PublishedSSLPort = ${await freePort()}
${c.extra ?? ''}`;
  }
  toml += frontDoor
    ? `[FrontDoor]
ServiceName = "${prefix}-frontdoor"
Network = "${prefix}-edge"
HTTPPort = ${frontDoor.httpPort}
HTTPSPort = ${frontDoor.httpsPort}
Labels = { "${TEST_LABEL}" = "${prefix}" }
ConfigURL = "http://${frontDoor.agentHost}:${frontDoor.agentPort}/v1/front-door/nginx.conf"
`
    : '[FrontDoor]\nEnabled = false\n';
  toml += tables;
  const file = join(tmpdir(), `${prefix}-${clusters.length}.toml`);
  writeFileSync(file, toml);
  return file;
}

/**
 * Starts a coordinator on a test config, with Redis keys and queues under `keyPrefix`; `env` adds to the
 * environment it reads, e.g. SIGNALBOX_REDIS_URL for another Redis than the test one.
 */
export async function startTestCoordinator(
  prefix: string,
  keyPrefix: string,
  clusters: TestCluster[],
  instance = prefix,
  frontDoor?: TestFrontDoor,
  tables = '',
  env: Record<string, string> = {},
): Promise<RunningCoordinator> {
  const file = await writeCoordinatorConfig(prefix, clusters, frontDoor, tables);
  return startCoordinatorFrom(file, keyPrefix, instance, { env });
}

/**
 * Starts a coordinator on a config file already written (writeCoordinatorConfig): coordinators started one
 * after another from the same file and `grpcAddress` are, to proxies, agents and workers, the same one.
 */
export async function startCoordinatorFrom(
  file: string,
  keyPrefix: string,
  instance: string,
  options: { env?: Record<string, string>; grpcAddress?: string } = {},
): Promise<RunningCoordinator> {
  const settings = loadCoordinatorSettings({
    SIGNALBOX_CONFIG: file,
    SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
    SIGNALBOX_INSTANCE: instance,
    ...options.env,
  });
  return startCoordinator(
    { ...settings, ...(options.grpcAddress ? { grpcAddress: options.grpcAddress } : {}) },
    testLog(),
    { keyPrefix, queuePrefix: keyPrefix, leaseTtlMs: 1_500 },
  );
}

/**
 * A worker in this process, on the test coordinator's queue and Redis keys. Its `stop` does not wait for a
 * job in hand: a test's cleanup must not hang on a rollout that will never finish.
 */
export async function startTestWorker(
  coordinator: RunningCoordinator,
  prefix: string,
  keyPrefix: string,
  overrides: Partial<WorkerSettings> = {},
): Promise<RunningWorker> {
  const running = await startWorker(
    {
      coordinatorAddress: `127.0.0.1:${coordinator.grpcPort}`,
      token: TEST_TOKEN,
      redisUrl: REDIS_URL,
      concurrency: 1,
      workerId: `${prefix}-worker`,
      serverInfo: 'signalbox/test',
      queuePrefix: keyPrefix,
      keyPrefix,
      ...overrides,
    },
    testLog(),
  );
  return { ...running, stop: (force = true) => running.stop(force) };
}

/** Everything a run left: its labelled services, networks and secrets, its clusters' configs, its Redis keys. */
export async function cleanUpRun(
  client: Docker,
  redisClient: Redis,
  prefix: string,
  keyPrefix: string,
  clusters: string[],
): Promise<void> {
  await removeTestObjects(client, prefix);
  // The proxies' stored configs carry their cluster, not the run's label.
  for (const cluster of clusters) await removeLabelledObjects(client, `${CLUSTER_LABEL}=${cluster}`);
  await deleteKeys(redisClient, `${keyPrefix}*`);
  redisClient.disconnect();
}
