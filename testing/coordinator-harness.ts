import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadCoordinatorSettings } from '../services/coordinator/src/settings.js';
import { type RunningCoordinator, startCoordinator } from '../services/coordinator/src/start-coordinator.js';
import { REDIS_URL } from './redis.js';
import { TEST_LABEL } from './swarm.js';
import { freePort } from './upstreams.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface TestCluster {
  /** The `[Extensions.<extension>]` table name. */
  extension: string;
  /** ServiceCluster; the proxy service is `<cluster>-proxy`. */
  cluster: string;
  proxyReplicas?: number;
  /** Extra TOML lines appended after the extension's keys, e.g. a `[Extensions.x.Config]` table. */
  extra?: string;
}

/**
 * A coordinator config for a test run: free published ports, proxies labelled with the run's prefix so
 * cleanup finds them, and fast polling. Returns the file's path.
 */
export async function writeCoordinatorConfig(prefix: string, clusters: TestCluster[]): Promise<string> {
  let toml = `ListenAddr = "127.0.0.1:0"\nPollInterval = "2s"\nTaskPollInterval = "200ms"\nRedisURL = "${REDIS_URL}"\n`;
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
  const file = join(tmpdir(), `${prefix}-${clusters.length}.toml`);
  writeFileSync(file, toml);
  return file;
}

/** Starts a coordinator on a test config, with Redis keys and queues under `keyPrefix`. */
export async function startTestCoordinator(
  prefix: string,
  keyPrefix: string,
  clusters: TestCluster[],
  instance = prefix,
): Promise<RunningCoordinator> {
  const file = await writeCoordinatorConfig(prefix, clusters);
  const settings = loadCoordinatorSettings({
    SIGNALBOX_CONFIG: file,
    SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
    SIGNALBOX_INSTANCE: instance,
  });
  return startCoordinator(settings, pino({ level: 'silent' }), {
    keyPrefix,
    queuePrefix: keyPrefix,
    leaseTtlMs: 1_500,
  });
}
