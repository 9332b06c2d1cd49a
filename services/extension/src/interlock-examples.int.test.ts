import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import {
  cleanUpRun,
  startTestCoordinator,
  startTestWorker,
  type TestFrontDoor,
  testFrontDoor,
} from '../../../testing/coordinator-harness.js';
import { get, websocketEcho } from '../../../testing/http-client.js';
import {
  appPort,
  httpsGet,
  type InterlockExample,
  loadExamples,
  runCheck,
  STACK_LABEL,
  type Transport,
} from '../../../testing/interlock-examples.js';
import { redis, redisPrefix } from '../../../testing/redis.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  gwbridgeAddressOf,
  removeLabelledObjects,
  TEST_LABEL,
  tasksMeantToRun,
  testPrefix,
  updateService,
  waitFor,
} from '../../../testing/swarm.js';
import type { RunningCoordinator } from '../../coordinator/src/start-coordinator.js';

/**
 * A migration run as a test: Interlock's documented service examples (shared/src/labels/testdata/
 * interlock-examples, labels byte for byte) deployed one after another as real Swarm services, each asked
 * through the front door (or, for service clusters, each cluster's proxy) what the docs' curl output shows.
 * The docs' images cannot be pulled here: every task runs testing/apps/docker-demo.mjs (node in the local
 * Signalbox image), which answers as ehazlett/docker-demo does in the docs.
 *
 * Kept from the docs: hosts, labels, secret names, cluster names (`us-east`, `us-west`: the labels name
 * them) and the network a label names (`demo_demo-network`). Made unique per run: service names and the
 * networks no label names (`<prefix>-demo`, …). The examples without a service_cluster label go to the
 * run's own cluster, which takes unpinned apps (`AutoAssign`). A keeper app (the busybox image, a host of
 * the run's own) stays on each network the whole run, so the proxy does not leave and rejoin it between
 * examples.
 */
const SIGNALBOX_IMAGE = 'signalbox/signalbox:local';
const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const r = redis();
const mainCluster = `${prefix}-c`;
// INTERLOCK_EXAMPLES=<regular expression> runs only the examples whose file name matches (to look into one).
const examples = loadExamples().filter((e) => new RegExp(process.env.INTERLOCK_EXAMPLES ?? '').test(e.file));
const documentedClusters = [...new Set(examples.flatMap((e) => e.clusters ?? []))];
let frontDoor: TestFrontDoor;
let coordinator: RunningCoordinator | undefined;
let worker: { stop: () => Promise<void> } | undefined;
let appConfigId = '';
/** One certificate per common name; the example's secrets hold it. */
const pems = new Map<string, { cert: string; key: string }>();
const secretIds = new Map<string, string>();

/** Networks a label names keep their documented name (stack examples); the others get the run's prefix. */
const networkName = (example: InterlockExample, name: string): string =>
  example.stack ? name : `${prefix}-${name}`;
const serviceName = (name: string): string => `${prefix}-${name}`;
/** The networks of the examples that route through the run's own cluster, each of which gets a keeper. */
const keeperNetworks = (): Set<string> =>
  new Set(examples.filter((e) => !e.clusters).flatMap((e) => e.networks.map((n) => networkName(e, n))));
const keeperHost = (network: string): string => `keeper.${network.replaceAll('_', '-')}.${prefix}.test`;

const transport: Transport = {
  http: async (host, path, headers = {}, cluster) => {
    if (!cluster) return get(frontDoor.httpPort, host, path, { headers });
    // A request to one cluster's proxy task, as the docs curl one load balancer node: at its docker_gwbridge
    // address (the proxies publish nothing behind the front door).
    const address = await gwbridgeAddressOf(client, `${cluster}-proxy`);
    if (!address) throw new Error(`no running task of ${cluster}-proxy`);
    return get(80, host, path, { headers, address });
  },
  https: (host, path, ca) => httpsGet(frontDoor.httpsPort, host, path, ca),
  websocket: (host, path, message) => websocketEcho(frontDoor.httpPort, host, path, message),
};

const caOf = (example: InterlockExample): string => {
  const cn = example.secrets[0]?.cn;
  return cn ? (pems.get(cn)?.cert ?? '') : '';
};

async function deploy(example: InterlockExample): Promise<void> {
  for (const svc of example.services) {
    await client.createService({
      Name: serviceName(svc.name),
      Labels: {
        ...svc.labels,
        ...(example.stack ? { [STACK_LABEL]: example.stack } : {}),
        [TEST_LABEL]: prefix,
      },
      TaskTemplate: {
        ContainerSpec: {
          Image: SIGNALBOX_IMAGE,
          Args: ['/docker-demo.mjs', ...svc.args],
          Env: [...Object.entries(svc.env).map(([k, v]) => `${k}=${v}`), `PORT=${appPort(svc)}`],
          Configs: [
            {
              ConfigID: appConfigId,
              ConfigName: `${prefix}-docker-demo`,
              File: { Name: '/docker-demo.mjs', UID: '0', GID: '0', Mode: 0o444 },
            },
          ],
          // `--secret source=app.cert,target=/run/secrets/cert.pem`
          Secrets: svc.secrets.map((s) => ({
            SecretID: secretIds.get(s.source) ?? '',
            SecretName: s.source,
            File: { Name: basename(s.target), UID: '0', GID: '0', Mode: 0o400 },
          })),
          StopGracePeriod: 1_000_000_000,
        },
        Networks: svc.networks.map((n) => ({ Target: networkName(example, n) })),
        RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
      },
      Mode: { Replicated: { Replicas: svc.replicas } },
      EndpointSpec: { Mode: 'vip' },
    });
  }
}

/** Removes the example's services and waits until what they routed answers 503 again. */
async function undeploy(example: InterlockExample): Promise<void> {
  for (const svc of example.services)
    await client
      .getService(serviceName(svc.name))
      .remove()
      .catch(() => undefined);
  for (const check of example.checks) {
    if (check.proxyOf) continue;
    await waitFor(
      `${check.host} to be unrouted`,
      async () =>
        (await get(frontDoor.httpPort, check.host, '/').catch(() => undefined))?.status === 503
          ? true
          : undefined,
      60_000,
    );
  }
  for (const svc of example.services)
    await waitFor(
      `${svc.name}'s tasks to stop`,
      async () =>
        (await tasksMeantToRun(client, serviceName(svc.name)).catch(() => [])).length === 0
          ? true
          : undefined,
      30_000,
    );
}

/**
 * Each check is asked until it passes (60 s): a route, its targets and another cluster's proxy go live
 * separately (a redirect answers before the app's task is a target), so the first answer may be a 503.
 */
async function runChecks(example: InterlockExample): Promise<void> {
  const ca = caOf(example);
  for (const check of example.checks) {
    // `docker service scale demo=4`, then the spread once the new tasks are targets.
    for (const [name, replicas] of Object.entries(check.scale ?? {}))
      await updateService(client, serviceName(name), () => ({
        Mode: { Replicated: { Replicas: replicas } },
      }));
    await waitFor(
      `${example.file}: ${check.curl}${check.proxyOf ? ` (to the ${check.proxyOf} proxy)` : ''}`,
      async () => {
        await runCheck(transport, check, ca);
        return true;
      },
      check === example.checks[0] ? 120_000 : 60_000,
    );
  }
}

/**
 * The documented names (a stack's network, the secrets, the us-east and us-west proxies) are not the run's
 * own. One left by an earlier run that was killed before its cleanup carries the test label: that run's
 * objects go. One without it is someone else's, and the run stops rather than touch it.
 */
async function clearDocumentedNames(networks: Set<string>): Promise<void> {
  const named = async (
    kind: string,
    list: () => Promise<{ name: string; labels?: Record<string, string> }[]>,
    names: Set<string>,
  ) => {
    for (const found of (await list()).filter((o) => names.has(o.name))) {
      const run = found.labels?.[TEST_LABEL];
      if (!run) throw new Error(`${kind} ${found.name} exists and is no test's: remove it first`);
      await removeLabelledObjects(client, `${TEST_LABEL}=${run}`);
    }
  };
  await named(
    'service',
    async () =>
      (await client.listServices()).map((x) => ({ name: x.Spec?.Name ?? '', labels: x.Spec?.Labels })),
    new Set(documentedClusters.map((c) => `${c}-proxy`)),
  );
  await named(
    'secret',
    async () =>
      (await client.listSecrets()).map((x) => ({ name: x.Spec?.Name ?? '', labels: x.Spec?.Labels })),
    new Set(examples.flatMap((e) => e.secrets.map((x) => x.name))),
  );
  await named(
    'network',
    async () => (await client.listNetworks()).map((x) => ({ name: x.Name, labels: x.Labels })),
    networks,
  );
}

beforeAll(async () => {
  // Every network the examples attach to, once, plus a keeper app on each so the proxy stays on it between
  // examples (a proxy that leaves and joins a network is replaced each time).
  const networks = new Set<string>();
  for (const e of examples) for (const n of e.networks) networks.add(networkName(e, n));
  await clearDocumentedNames(networks);
  for (const name of networks) await createTestNetwork(client, prefix, name);
  for (const [i, name] of [...keeperNetworks()].entries())
    await createTestService(client, prefix, {
      name: `${prefix}-keeper-${i}`,
      networks: [name],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': keeperHost(name),
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': mainCluster,
      },
    });
  for (const e of examples)
    for (const s of e.secrets) {
      const pem = pems.get(s.cn) ?? (await selfSignedCertificate(s.cn));
      pems.set(s.cn, pem);
      if (secretIds.has(s.name)) continue;
      const created = await client.createSecret({
        Name: s.name,
        Labels: { [TEST_LABEL]: prefix },
        Data: Buffer.from(s.part === 'cert' ? pem.cert : pem.key).toString('base64'),
      });
      secretIds.set(s.name, (created as { id: string }).id);
    }
  const app = await client.createConfig({
    Name: `${prefix}-docker-demo`,
    Labels: { [TEST_LABEL]: prefix },
    Data: readFileSync('testing/apps/docker-demo.mjs').toString('base64'),
  });
  appConfigId = (app as { id: string }).id;
  frontDoor = await testFrontDoor(client);
  coordinator = await startTestCoordinator(
    prefix,
    keyPrefix,
    [
      { extension: 'main', cluster: mainCluster, proxyReplicas: 1, extra: 'AutoAssign = true\n' },
      ...documentedClusters.map((cluster) => ({ extension: cluster, cluster, proxyReplicas: 1 })),
    ],
    prefix,
    frontDoor,
  );
  worker = await startTestWorker(coordinator, prefix, keyPrefix);
  await waitFor(
    'the keepers through the front door',
    async () => {
      for (const name of keeperNetworks()) {
        const reply = await get(frontDoor.httpPort, keeperHost(name), '/').catch(() => undefined);
        if (reply?.status !== 200) return undefined;
      }
      return true;
    },
    150_000,
  );
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  await coordinator?.stop();
  await cleanUpRun(client, r, prefix, keyPrefix, [mainCluster, ...documentedClusters]);
}, 180_000);

describe("Interlock's documented examples on the real swarm, through the front door", () => {
  for (const example of examples) {
    it(`${example.file}: ${example.title}`, async () => {
      await deploy(example);
      const names = new Set(example.services.map((s) => serviceName(s.name)));
      const rejections = () =>
        (coordinator?.coordinator.desired()?.rejections ?? []).filter((x) => names.has(x.service));
      try {
        await runChecks(example).catch((e: Error) => {
          const host = example.checks[0]?.host ?? '';
          throw new Error(
            `${e.message}\nrejections: ${JSON.stringify(rejections())}\nexplain ${host}: ${JSON.stringify(coordinator?.coordinator.explain(host, '/'))}`,
          );
        });
        // Routed with no rejection: the coordinator reports none for the example's services.
        expect(rejections()).toEqual([]);
      } finally {
        await undeploy(example);
      }
    }, 300_000);
  }
});
