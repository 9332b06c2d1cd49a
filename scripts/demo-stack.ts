/**
 * The stack demo, after scripts/demo.sh deployed the product: deploys a three-tenant sample (each
 * tenant on its own overlay network; a canary, a sticky app, a rewritten context root, an app pinned to the
 * `eu` cluster), waits until every route answers through the front door on 127.0.0.1, and prints
 * host → cluster → proxy → targets, the networks each proxy joined, and a curl line per route.
 *
 *   tsx scripts/demo-stack.ts up     deploy the sample and report
 *   tsx scripts/demo-stack.ts down   remove the sample and everything the coordinator created
 */
import { readFileSync } from 'node:fs';
import { coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import { clientTlsFromEnv } from '#platform/grpc/grpc-tls.js';
import type { ListRoutesResponse__Output } from '#shared/gen/signalbox/v1/ListRoutesResponse.js';
import { get } from '../testing/http-client.js';
import { APP_IMAGE, docker, gwbridgeAddressOf, removeLabelledObjects, waitFor } from '../testing/swarm.js';

const DEMO_LABEL = 'io.signalbox.demo';
const MANAGED = 'io.signalbox.managed-by=signalbox';
const FRONT_DOOR_PORT = Number(process.env.SIGNALBOX_DEMO_HTTP_PORT ?? 80);
const client = docker();

const step = (text: string): void => {
  process.stderr.write(`==> ${text}\n`);
};

interface DemoApp {
  name: string;
  tenant: string;
  replicas: number;
  labels: Record<string, string>;
  /** A path that answers 200 through the front door. */
  probe: string;
}

const lb = (labels: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries({ port: '8080', ...labels }).map(([k, v]) => [`com.docker.lb.${k}`, v]));

const APPS: DemoApp[] = [
  { name: 'shop-web', tenant: 'shop', replicas: 4, labels: lb({ hosts: 'shop.demo.test' }), probe: '/' },
  {
    name: 'shop-web-canary',
    tenant: 'shop',
    replicas: 1,
    labels: lb({ hosts: 'shop.demo.test' }),
    probe: '/',
  },
  {
    name: 'shop-admin',
    tenant: 'shop',
    replicas: 1,
    labels: lb({ hosts: 'shop.demo.test', context_root: '/admin', context_root_rewrite: 'true' }),
    probe: '/admin/',
  },
  {
    name: 'blog-web',
    tenant: 'blog',
    replicas: 2,
    labels: lb({ hosts: 'blog.demo.test', sticky_session_cookie: 'session' }),
    probe: '/',
  },
  { name: 'blog-media', tenant: 'blog', replicas: 1, labels: lb({ hosts: 'media.demo.test' }), probe: '/' },
  {
    name: 'crm-api',
    tenant: 'crm',
    replicas: 2,
    labels: lb({ hosts: 'crm.demo.test', service_cluster: 'eu' }),
    probe: '/',
  },
];

async function up(): Promise<void> {
  step('deploying the sample: three tenants, each on its own overlay network');
  for (const tenant of [...new Set(APPS.map((a) => a.tenant))]) {
    const name = `demo-${tenant}`;
    const found = await client.listNetworks({ filters: JSON.stringify({ name: [name] }) });
    if (!found.some((n) => n.Name === name))
      await client.createNetwork({ Name: name, Driver: 'overlay', Labels: { [DEMO_LABEL]: '1' } });
  }
  for (const app of APPS) {
    const name = `demo-${app.name}`;
    if (
      await client
        .getService(name)
        .inspect()
        .catch(() => undefined)
    )
      continue;
    await client.createService({
      Name: name,
      Labels: { ...app.labels, [DEMO_LABEL]: '1' },
      TaskTemplate: {
        ContainerSpec: { Image: APP_IMAGE, StopGracePeriod: 1_000_000_000 },
        Networks: [{ Target: `demo-${app.tenant}` }],
      },
      Mode: { Replicated: { Replicas: app.replicas } },
      EndpointSpec: { Mode: 'dnsrr' },
    });
  }
  const hosts = [...new Map(APPS.map((a) => [a.labels['com.docker.lb.hosts'] ?? '', a])).values()];
  for (const app of APPS) {
    const host = app.labels['com.docker.lb.hosts'] ?? '';
    step(`waiting for http://${host}${app.probe} through the front door on 127.0.0.1:${FRONT_DOOR_PORT}`);
    await waitFor(
      `${host}${app.probe} to answer 200 (see: docker service logs signalbox_coordinator)`,
      async () =>
        (await get(FRONT_DOOR_PORT, host, app.probe).catch(() => undefined))?.status === 200
          ? true
          : undefined,
      300_000,
    );
  }
  await report(hosts.length);
}

async function report(hostCount: number): Promise<void> {
  const address = await gwbridgeAddressOf(client, 'signalbox_coordinator');
  if (!address) throw new Error('the coordinator task has no docker_gwbridge address');
  const token = readFileSync(process.env.SIGNALBOX_DEMO_TOKEN_FILE ?? '.tmp/demo-grpc-token', 'utf8').trim();
  const api = coordinatorClient(`${address}:8080`, token, clientTlsFromEnv(process.env));
  try {
    const { routes } = await unary<object, ListRoutesResponse__Output>(api.ListRoutes.bind(api), {});
    // The proxies and the front door; not the placeholders that keep networks warm.
    const proxies = (await client.listServices({ filters: JSON.stringify({ label: [MANAGED] }) })).filter(
      (p) => p.Spec?.Labels?.['io.signalbox.role'] !== 'warm-networks',
    );
    const networkNames = new Map((await client.listNetworks()).map((n) => [n.Id, n.Name]));
    const out: string[] = ['', 'host → cluster → proxy → targets'];
    for (const r of [...routes].sort((a, b) => `${a.host}${a.path}`.localeCompare(`${b.host}${b.path}`))) {
      const proxy = proxies.find((p) => p.Spec?.Labels?.['io.signalbox.cluster'] === r.cluster);
      out.push(
        `  ${`${r.host}${r.path}`.padEnd(26)} ${r.cluster.padEnd(6)} ${(proxy?.Spec?.Name ?? '-').padEnd(24)} ${r.services.join(', ')} → ${r.targets.join(' ')}`,
      );
    }
    out.push('', 'networks each proxy joined');
    for (const p of proxies.sort((a, b) => (a.Spec?.Name ?? '').localeCompare(b.Spec?.Name ?? ''))) {
      const nets = (p.Spec?.TaskTemplate as { Networks?: { Target: string }[] } | undefined)?.Networks ?? [];
      out.push(
        `  ${(p.Spec?.Name ?? '').padEnd(30)} ${nets.map((n) => networkNames.get(n.Target) ?? n.Target).join(', ')}`,
      );
    }
    out.push('', `try (${hostCount} hosts, through the front door):`);
    const curls = APPS.map(
      (app) =>
        `  curl -H 'Host: ${app.labels['com.docker.lb.hosts']}' http://127.0.0.1:${FRONT_DOOR_PORT}${app.probe}`,
    );
    out.push(...new Set(curls));
    const tokenFile = process.env.SIGNALBOX_DEMO_TOKEN_FILE ?? '.tmp/demo-grpc-token';
    const viewerFile = process.env.SIGNALBOX_DEMO_VIEWER_TOKEN_FILE ?? '.tmp/demo-viewer-token';
    out.push(
      '',
      'operate it:',
      `  dashboard  http://127.0.0.1:8081/dashboard/  (any user name; the password is the viewer token in ${viewerFile})`,
      `  CLI        SIGNALBOX_GRPC_TOKEN=$(cat ${tokenFile}) SIGNALBOX_GRPC_CA_FILE=${process.env.SIGNALBOX_GRPC_CA_FILE ?? ''} bin/signalbox.js status`,
      '             (also routes, explain HOST, map, plan --dry-run)',
      `  metrics    curl -H "Authorization: Bearer $(cat ${viewerFile})" http://127.0.0.1:8081/metrics`,
    );
    out.push('', 'remove everything: npm run demo:down');
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    api.close();
  }
}

async function down(): Promise<void> {
  step('removing the sample apps and what the coordinator created (proxies, front door)');
  // The proxies first: they hold the tenants' networks, which go with the sample.
  await removeLabelledObjects(client, MANAGED);
  await removeLabelledObjects(client, `${DEMO_LABEL}=1`);
  // The stack made the edge network, but could not remove it while the coordinator's services held it.
  await waitFor('the edge network to be removed', async () => {
    await client
      .getNetwork('signalbox-edge')
      .remove()
      .catch(() => undefined);
    const left = await client.listNetworks({ filters: JSON.stringify({ name: ['signalbox-edge'] }) });
    return left.some((n) => n.Name === 'signalbox-edge') ? undefined : true;
  }).catch(() => undefined);
}

const command = process.argv[2];
if (command === 'up') await up();
else if (command === 'down') await down();
else {
  process.stderr.write('usage: demo-stack.ts up|down\n');
  process.exitCode = 2;
}
