import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type SignalboxConfig } from '#shared/config/index.js';
import { buildDesiredState } from '#shared/desired/index.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  removeTestObjects,
  TEST_LABEL,
  testPrefix,
} from '../../../../testing/swarm.js';
import { DockerSwarmSource } from '../docker/swarm-source.js';
import { ensureEdgePrerequisites, markSignalboxSecret } from './edge-prerequisites.js';
import { proxyServiceSpec } from './proxy-service-spec.js';

/**
 * Issue 14, item 5 against the real swarm: a tenant naming Signalbox's agent or API token secret, or another tenant's
 * key, in ssl_cert/ssl_key is rejected, and its proxy mounts neither; its own key still works (mode 0400).
 */
const client = docker();
const prefix = testPrefix();
const cluster = `${prefix}-c`;
const TENANT = `${prefix}.tenant`;
let config: SignalboxConfig;
let tokenSecret = '';

const secret = async (name: string, labels: Record<string, string>): Promise<void> => {
  await client.createSecret({
    Name: name,
    Data: Buffer.from('pem').toString('base64'),
    Labels: { ...labels, [TEST_LABEL]: prefix },
  });
};

beforeAll(async () => {
  config = loadConfig(`[Tenancy]
TenantLabel = "${TENANT}"
[Extensions.c]
ServiceCluster = "${cluster}"
ProxyServiceName = "${cluster}-proxy"
ProxyReplicas = 0
ProxyLabels = { "${TEST_LABEL}" = "${prefix}" }
[FrontDoor]
ServiceName = "${prefix}-frontdoor"
Network = "${prefix}-edge"
Labels = { "${TEST_LABEL}" = "${prefix}" }
`).config;
  const edge = await ensureEdgePrerequisites(client, config.FrontDoor, `${prefix}-agent-token-value`);
  tokenSecret = edge.tokenSecret.name;
  // The operator's API token secret: created without our label, which the coordinator adds at start.
  await secret(`${prefix}-api-token`, { [TENANT]: 'a' });
  expect(await markSignalboxSecret(client, `${prefix}-api-token`)).toBe(true);
  await secret(`${prefix}-a.pem`, { [TENANT]: 'a' });
  await secret(`${prefix}-b.pem`, { [TENANT]: 'b' });
  const net = `${prefix}-n`;
  await createTestNetwork(client, prefix, net);
  const app = (name: string, cert: string) =>
    createTestService(client, prefix, {
      name: `${prefix}-${name}`,
      networks: [net],
      replicas: 0,
      labels: {
        [TENANT]: 'a',
        'com.docker.lb.hosts': `${name}.${prefix}.test`,
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': cluster,
        'com.docker.lb.ssl_cert': cert,
        'com.docker.lb.ssl_key': cert,
      },
    });
  await app('own', `${prefix}-a.pem`);
  await app('steals-token', tokenSecret);
  await app('steals-key', `${prefix}-b.pem`);
  await app('steals-api-token', `${prefix}-api-token`);
}, 60_000);

afterAll(async () => {
  await removeTestObjects(client, prefix);
}, 90_000);

describe('TLS secrets on a real swarm', () => {
  it("rejects services naming the agent token secret or another tenant's key, and mounts only the tenant's own", async () => {
    const { snapshot } = await new DockerSwarmSource(client).readSnapshot();
    const desired = buildDesiredState(snapshot, config);
    const rejected = desired.routes.rejected
      .filter((r) => r.service.startsWith(prefix))
      .map((r) => ({
        service: r.service,
        codes: r.errors.map((e) => [e.code, e.details.label, e.details.secret]),
      }));
    expect(rejected).toEqual([
      {
        service: `${prefix}-steals-api-token`,
        codes: [
          ['SECRET_FORBIDDEN', 'com.docker.lb.ssl_cert', `${prefix}-api-token`],
          ['SECRET_FORBIDDEN', 'com.docker.lb.ssl_key', `${prefix}-api-token`],
        ],
      },
      {
        service: `${prefix}-steals-key`,
        codes: [
          ['SECRET_FORBIDDEN', 'com.docker.lb.ssl_cert', `${prefix}-b.pem`],
          ['SECRET_FORBIDDEN', 'com.docker.lb.ssl_key', `${prefix}-b.pem`],
        ],
      },
      {
        service: `${prefix}-steals-token`,
        codes: [
          ['SECRET_FORBIDDEN', 'com.docker.lb.ssl_cert', tokenSecret],
          ['SECRET_FORBIDDEN', 'com.docker.lb.ssl_key', tokenSecret],
        ],
      },
    ]);
    const model = desired.clusters.find((c) => c.cluster === cluster)?.model;
    expect(model?.secrets).toEqual([`${prefix}-a.pem`]);

    // What the coordinator mounts: the cluster model's secrets, by ID from the same snapshot.
    const ext = config.Extensions.c;
    if (!ext) throw new Error('no extension c');
    // Not ProxyServiceManager.reconcile: it removes every managed service it is not given, other runs' too.
    await client.createService(
      proxyServiceSpec({
        cluster,
        ext,
        networkIds: model?.networks.map((n) => n.id) ?? [],
        secrets: (model?.secrets ?? []).map((name) => ({ name, id: snapshot.secrets?.get(name) ?? '' })),
      }),
    );
    const proxy = await client.getService(`${cluster}-proxy`).inspect();
    const mounted = (
      proxy.Spec.TaskTemplate.ContainerSpec.Secrets as { SecretName: string; File: { Mode: number } }[]
    ).map((s) => [s.SecretName, s.File.Mode]);
    expect(mounted).toEqual([[`${prefix}-a.pem`, 0o400]]);
  }, 60_000);
});
