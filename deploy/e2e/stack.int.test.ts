import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRoutesResponse__Output } from '#shared/gen/signalbox/v1/ListRoutesResponse.js';
import type { StatusReport__Output } from '#shared/gen/signalbox/v1/StatusReport.js';
import { CONFIG_LABEL } from '#shared/labels/index.js';
import type { CliIo } from '../../services/cli/src/cli-io.js';
import { main as cli } from '../../services/cli/src/main.js';
import { selfSignedCertificate } from '../../testing/certificates.js';
import { type GrpcTlsFiles, makeGrpcTls, stackTlsSecrets } from '../../testing/grpc-tls-files.js';
import { get, tlsGreeting, websocketEcho } from '../../testing/http-client.js';
import { deployTestStack, removeTestStack } from '../../testing/stack-deploy.js';
import { steadyLoad } from '../../testing/steady-load.js';
import {
  APP_IMAGE,
  docker,
  TEST_LABEL,
  taskHostnames,
  testPrefix,
  updateService,
  waitFor,
} from '../../testing/swarm.js';
import { freePort } from '../../testing/upstreams.js';

/**
 * The product as users deploy it: deploy/stack/docker-stack.yml on the real swarm (coordinator, workers,
 * Redis, all in containers from the local images), labelled apps, and real requests through the front door
 * the coordinator creates, on 127.0.0.1. Every name carries the run's prefix, so another deployment on the
 * same swarm is never touched; everything is removed afterwards.
 */
const run = promisify(execFile);
const client = docker();
const prefix = testPrefix();
const stack = prefix;
const tokenSecret = `${prefix}-grpc-token`;
const redisPasswordSecret = `${prefix}-redis-password`;
const viewerTokenSecret = `${prefix}-viewer-token`;
const viewerToken = randomBytes(24).toString('hex');
const redisPassword = randomBytes(24).toString('hex');
const edge = `${prefix}-edge`;
const ports = { http: 0, https: 0, api: 0, dashboard: 0 };
const apiToken = randomBytes(24).toString('hex');
let tlsCa = '';
/** The gRPC API's CA and certificates; the stack runs with mutual TLS, so the CLI shows `operator`'s pair. */
let grpcTls: GrpcTlsFiles | undefined;

const host = (name: string): string => `${name}.${prefix}.test`;
const SIGNALBOX_IMAGE = 'signalbox/signalbox:local';
let echoConfigId = '';
let vaultCa = '';

async function deployStack(tls: GrpcTlsFiles): Promise<void> {
  const proxy = (ext: string, extra: string) =>
    `[Extensions.${ext}]\nServiceCluster = "${prefix}-${ext}"\nProxyServiceName = "${prefix}-proxy-${ext}"\nProxyReplicas = 1\n` +
    `ProxyLabels = { "${TEST_LABEL}" = "${prefix}" }\n${extra}`;
  const toml = `ListenAddr = ":8080"
AgentListenAddr = ":8081"
PollInterval = "2s"
TaskPollInterval = "300ms"
RedisURL = "redis://redis:6379"
GRPCTokenFile = "/run/secrets/signalbox-grpc-token"
ViewerTokenFile = "/run/secrets/signalbox-viewer-token"
[FrontDoor]
ServiceName = "${prefix}-frontdoor"
Network = "${edge}"
HTTPPort = ${ports.http}
HTTPSPort = ${ports.https}
Labels = { "${TEST_LABEL}" = "${prefix}" }
ConfigURL = "http://tasks.${stack}_coordinator:8081/v1/front-door/nginx.conf"
${proxy('blue', 'AutoAssign = true\n')}${proxy('green', 'AutoAssign = true\n')}${proxy('eu', '')}`;
  await deployTestStack(client, {
    prefix,
    stack,
    files: [
      'deploy/stack/docker-stack.yml',
      'deploy/stack/docker-stack.operator-ports.yml',
      'deploy/stack/docker-stack.mutual-tls.yml',
    ],
    toml,
    edge,
    secrets: {
      SIGNALBOX_TOKEN_SECRET: { name: tokenSecret, value: apiToken },
      SIGNALBOX_REDIS_PASSWORD_SECRET: { name: redisPasswordSecret, value: redisPassword },
      SIGNALBOX_VIEWER_TOKEN_SECRET: { name: viewerTokenSecret, value: viewerToken },
      ...stackTlsSecrets(prefix, tls, true),
    },
    env: { SIGNALBOX_API_PORT: String(ports.api), SIGNALBOX_HTTP_PORT: String(ports.dashboard) },
  });
}

async function createApp(
  name: string,
  replicas: number,
  labels: Record<string, string>,
  options: { vip?: boolean; failingHealthCheck?: boolean } = {},
): Promise<void> {
  await client.createService({
    Name: `${prefix}-${name}`,
    Labels: {
      'com.docker.lb.port': '8080',
      ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`com.docker.lb.${k}`, v])),
      [TEST_LABEL]: prefix,
    },
    TaskTemplate: {
      ContainerSpec: {
        Image: APP_IMAGE,
        StopGracePeriod: 1_000_000_000,
        ...(options.failingHealthCheck
          ? { Healthcheck: { Test: ['CMD', '/bin/sh', '-c', 'exit 1'], Interval: 1_000_000_000, Retries: 1 } }
          : {}),
      },
      Networks: [{ Target: `${prefix}-tenant` }],
    },
    Mode: { Replicated: { Replicas: replicas } },
    EndpointSpec: { Mode: options.vip ? 'vip' : 'dnsrr' },
  });
}

/** What a command run in a container printed (stdout and stderr, Docker's frame headers left in). */
async function execOutput(container: string, cmd: string[]): Promise<string> {
  const exec = await client
    .getContainer(container)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  return new Promise<string>((resolve) => {
    let text = '';
    stream.on('data', (b: Buffer) => {
      text += b.toString('latin1');
    });
    stream.on('end', () => resolve(text));
  });
}

/**
 * The `signalbox` CLI against the deployed coordinator's published API port, over mutual TLS unless `tls`
 * says what to leave out: `server-only` shows no certificate of its own, `plain` speaks no TLS at all.
 */
async function cliRun(
  args: string[],
  tls: 'mutual' | 'server-only' | 'plain' = 'mutual',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const files = grpcTls as GrpcTlsFiles;
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readFile: async () => '',
  };
  const code = await cli(args, io, {
    SIGNALBOX_COORDINATOR: `127.0.0.1:${ports.api}`,
    SIGNALBOX_GRPC_TOKEN: apiToken,
    ...(tls === 'plain' ? {} : { SIGNALBOX_GRPC_CA_FILE: files.file('ca.crt') }),
    ...(tls === 'mutual'
      ? {
          SIGNALBOX_GRPC_CERT_FILE: files.file('operator.crt'),
          SIGNALBOX_GRPC_KEY_FILE: files.file('operator.key'),
        }
      : {}),
  });
  return { code, stdout, stderr };
}

/** A self-signed certificate for host(name) as the secrets `<prefix>-<name>.cert` and `.key`; returns the cert. */
async function certificateSecrets(name: string): Promise<string> {
  const pem = await selfSignedCertificate(host(name));
  for (const [secret, data] of [
    [`${prefix}-${name}.cert`, pem.cert],
    [`${prefix}-${name}.key`, pem.key],
  ] as const) {
    await client.createSecret({
      Name: secret,
      Labels: { [TEST_LABEL]: prefix },
      Data: Buffer.from(data).toString('base64'),
    });
  }
  return pem.cert;
}

/**
 * An app that speaks websockets and TLS (testing/apps/echo-app.mjs, run by node in the signalbox image):
 * the busybox app image can do neither.
 */
async function createNodeApp(
  name: string,
  labels: Record<string, string>,
  tls?: { cert: string; key: string },
): Promise<void> {
  const secrets = tls
    ? await Promise.all(
        [tls.cert, tls.key].map(async (secret) => {
          const [found] = await client.listSecrets({ filters: JSON.stringify({ name: [secret] }) } as object);
          return {
            SecretID: found?.ID ?? '',
            SecretName: secret,
            File: { Name: secret, UID: '0', GID: '0', Mode: 0o400 },
          };
        }),
      )
    : [];
  await client.createService({
    Name: `${prefix}-${name}`,
    Labels: {
      'com.docker.lb.port': '8080',
      ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`com.docker.lb.${k}`, v])),
      [TEST_LABEL]: prefix,
    },
    TaskTemplate: {
      ContainerSpec: {
        Image: SIGNALBOX_IMAGE,
        Args: ['/echo-app.mjs'],
        Configs: [
          {
            ConfigID: echoConfigId,
            ConfigName: `${prefix}-echo-app`,
            File: { Name: '/echo-app.mjs', UID: '0', GID: '0', Mode: 0o444 },
          },
        ],
        Secrets: secrets,
        Env: tls ? [`TLS_CERT=/run/secrets/${tls.cert}`, `TLS_KEY=/run/secrets/${tls.key}`] : [],
        StopGracePeriod: 1_000_000_000,
      },
      Networks: [{ Target: `${prefix}-tenant` }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: 'dnsrr' },
  });
}

/** The nginx.conf each cluster proxy runs, by extension name. */
async function proxyConfigs(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const ext of ['blue', 'green', 'eu']) {
    const svc = await client.getService(`${prefix}-proxy-${ext}`).inspect();
    // With agents the label names the config they run; the task template keeps the one tasks started on.
    const agentConfig = svc.Spec.Labels?.[CONFIG_LABEL];
    const ref = (svc.Spec.TaskTemplate?.ContainerSpec?.Configs ?? [])[0] as { ConfigID: string } | undefined;
    const id = agentConfig ?? ref?.ConfigID;
    const stored = id ? await client.getConfig(id).inspect() : undefined;
    out[ext] = Buffer.from(stored?.Spec?.Data ?? '', 'base64').toString();
  }
  return out;
}

const hostnamesOf = (service: string): Promise<string[]> => taskHostnames(client, `${prefix}-${service}`);

/** Hostnames of the tasks of `service` that Swarm reports running (health check passed, if any). */
const runningHostnames = async (service: string): Promise<string[]> =>
  (
    await client.listTasks({
      filters: JSON.stringify({ service: [`${prefix}-${service}`], 'desired-state': ['running'] }),
    } as object)
  )
    .filter((t) => (t.Status as { State?: string } | undefined)?.State === 'running')
    .map(
      (t) =>
        (t.Status as { ContainerStatus?: { ContainerID?: string } }).ContainerStatus?.ContainerID?.slice(
          0,
          12,
        ) ?? '',
    );

/** The app image answers with its container's hostname, so a reply names the task that served it. */
const answer = async (name: string, path = '/', headers: Record<string, string> = {}) =>
  get(ports.http, host(name), path, { headers }).catch(() => undefined);

const answersOk = (name: string, path = '/') =>
  waitFor(
    `${host(name)}${path} through the front door`,
    async () => ((await answer(name, path))?.status === 200 ? true : undefined),
    240_000,
  );

beforeAll(async () => {
  ports.http = await freePort();
  ports.https = await freePort();
  ports.api = await freePort();
  ports.dashboard = await freePort();
  // The proxy that terminates TLS mounts these; the app only names them in its labels.
  tlsCa = await certificateSecrets('secure');
  await client.createNetwork({
    Name: `${prefix}-tenant`,
    Driver: 'overlay',
    Labels: { [TEST_LABEL]: prefix },
  });
  await createApp('web', 4, { hosts: host('web') });
  await createApp('web-canary', 1, { hosts: host('web') });
  await createApp('admin', 1, { hosts: host('web'), context_root: '/admin', context_root_rewrite: 'true' });
  await createApp('sticky', 3, { hosts: host('sticky'), sticky_session_cookie: 'session' });
  await createApp('pinned-ip', 3, { hosts: host('iphash'), ip_hash: 'true' });
  await createApp('moved', 1, {
    hosts: `${host('old')},${host('new')}`,
    redirects: `http://${host('old')},http://${host('new')}`,
  });
  await createApp('vip', 1, { hosts: host('vip'), backend_mode: 'vip' }, { vip: true });
  await createApp('bg-blue', 1, { hosts: host('bg') });
  await createApp('bg-green', 0, { hosts: host('bg') });
  await createApp('healthy', 1, { hosts: host('health') });
  await createApp('sick', 1, { hosts: host('health') }, { failingHealthCheck: true });
  await createApp('crm', 1, { hosts: host('crm'), service_cluster: `${prefix}-eu` });
  await createApp('secure', 1, {
    hosts: host('secure'),
    ssl_cert: `${prefix}-secure.cert`,
    ssl_key: `${prefix}-secure.key`,
  });
  await createApp('gone', 1, { hosts: host('gone') });
  const echo = await client.createConfig({
    Name: `${prefix}-echo-app`,
    Labels: { [TEST_LABEL]: prefix },
    Data: readFileSync('testing/apps/echo-app.mjs').toString('base64'),
  });
  echoConfigId = (echo as { id: string }).id;
  // The passthrough app mounts these itself: the proxies never see its key.
  vaultCa = await certificateSecrets('vault');
  await createNodeApp('chat', { hosts: host('chat'), websocket_endpoints: '/ws' });
  await createNodeApp(
    'vault',
    { hosts: host('vault'), ssl_passthrough: 'true', port: '8443' },
    { cert: `${prefix}-vault.cert`, key: `${prefix}-vault.key` },
  );
  grpcTls = await makeGrpcTls('worker', 'operator');
  await deployStack(grpcTls);
  for (const name of ['web', 'sticky', 'crm', 'secure', 'iphash', 'new', 'bg', 'health', 'chat', 'gone'])
    await answersOk(name);
}, 420_000);

afterAll(async () => {
  await removeTestStack(client, {
    prefix,
    stack,
    edge,
    clusters: ['blue', 'green', 'eu'].map((c) => `${prefix}-${c}`),
    volumes: ['redis-data'],
    log: 'e2e-coordinator.log',
  });
  if (grpcTls) await rm(grpcTls.dir, { recursive: true, force: true });
}, 240_000);

describe('the deployed stack, through the front door', () => {
  it('routes by host, and splits a 4 + 1 canary by task count (about 20 %)', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const reply = await answer('web');
      expect(reply?.status).toBe(200);
      const task = reply?.body.trim() ?? '';
      seen.set(task, (seen.get(task) ?? 0) + 1);
    }
    expect(seen.size).toBe(5);
    const canaryTasks = await client.listTasks({
      filters: JSON.stringify({ service: [`${prefix}-web-canary`], 'desired-state': ['running'] }),
    } as object);
    const canaryHost = (
      canaryTasks[0]?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined
    )?.ContainerStatus?.ContainerID?.slice(0, 12);
    const share = (seen.get(canaryHost ?? '') ?? 0) / 100;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.35);
  });

  it('strips a rewritten context root and redirects its bare path', async () => {
    await answersOk('web', '/admin/');
    const bare = await answer('web', '/admin');
    expect(bare?.status).toBe(301);
    expect(bare?.headers.location).toBe('/admin/');
  });

  it('keeps a session cookie on one task', async () => {
    const tasks = new Set<string>();
    for (let i = 0; i < 10; i++)
      tasks.add((await answer('sticky', '/', { cookie: 'session=abc' }))?.body ?? '');
    expect(tasks.size).toBe(1);
  });

  it('terminates TLS with the certificate from the Docker secrets, passed through the front door by SNI', async () => {
    const reply = await waitFor(
      'https through the front door',
      async () => {
        const r = await get(ports.https, host('secure'), '/', { tls: { ca: tlsCa } }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      60_000,
    );
    expect(reply.body.trim()).toMatch(/^[0-9a-f]{12}$/);
  });

  it('routes an app pinned by label through its own cluster proxy, on its network', async () => {
    const eu = await client.getService(`${prefix}-proxy-eu`).inspect();
    const tenant = await client.getNetwork(`${prefix}-tenant`).inspect();
    expect((eu.Spec.TaskTemplate?.Networks ?? []).map((n: { Target: string }) => n.Target)).toContain(
      tenant.Id,
    );
    expect((await answer('crm'))?.status).toBe(200);
  });

  it('keeps one client on one task with ip_hash', async () => {
    const tasks = new Set<string>();
    for (let i = 0; i < 10; i++) tasks.add((await answer('iphash'))?.body ?? '');
    expect(tasks.size).toBe(1);
  });

  it('redirects a host named in the redirects label', async () => {
    const reply = await answer('old', '/a?b=1');
    expect(reply?.status).toBe(302);
    expect(reply?.headers.location).toBe(`http://${host('new')}/a?b=1`);
  });

  it('lets the planner place unlabelled apps on the auto clusters, keeping a host on one proxy', async () => {
    const { blue = '', green = '', eu = '' } = await proxyConfigs();
    const names = (name: string) =>
      [blue, green, eu].filter((c) => c.includes(`server_name ${host(name)};`)).length;
    // Eleven unlabelled apps in nine host groups over two auto clusters with 10 % slack: both get some.
    expect(blue.includes('server_name') && green.includes('server_name')).toBe(true);
    for (const name of ['web', 'sticky', 'iphash', 'secure', 'bg', 'health']) expect(names(name)).toBe(1);
    expect(eu).not.toContain(`server_name ${host('web')};`);
    expect(eu).toContain(`server_name ${host('crm')};`);
  });

  it('sends a VIP-mode app to its service VIP, which the proxy resolves by name (this kernel cannot forward VIPs)', async () => {
    const svc = await client.getService(`${prefix}-vip`).inspect();
    const tenant = await client.getNetwork(`${prefix}-tenant`).inspect();
    const vip = (svc.Endpoint?.VirtualIPs ?? [])
      .find((v: { NetworkID: string }) => v.NetworkID === tenant.Id)
      ?.Addr?.split('/')[0];
    expect(vip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // Run-time targets: the VIP is handed to the proxy's balancer, not written into its config.
    const routes = JSON.parse((await cliRun(['routes', '--json'])).stdout) as ListRoutesResponse__Output;
    const route = routes.routes.find((x) => x.host === host('vip'));
    expect(route?.targets).toEqual([`${vip}:8080`]);
    const ext = route?.cluster.slice(`${prefix}-`.length);
    const [proxyTask] = await client.listContainers({
      filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${prefix}-proxy-${ext}`] }),
    });
    expect(await execOutput(proxyTask?.Id ?? '', ['nslookup', `${prefix}-vip`])).toContain(vip);
  });

  it('sends no traffic to a task whose health check fails', async () => {
    const healthy = await hostnamesOf('healthy');
    // The sick service has tasks (Swarm keeps restarting them), none of which ever passes its check.
    const sick = await client.listTasks({
      filters: JSON.stringify({ service: [`${prefix}-sick`] }),
    } as object);
    expect(sick.length).toBeGreaterThan(0);
    expect(sick.filter((t) => t.Status?.State === 'running')).toEqual([]);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await answer('health'))?.body.trim() ?? '');
    expect([...seen]).toEqual(healthy);
  });

  it('switches blue-green by scaling: green up, blue down, and the host follows', async () => {
    const blue = await hostnamesOf('bg-blue');
    expect((await answer('bg'))?.body.trim()).toBe(blue[0]);
    const scale = async (name: string, replicas: number) => {
      const svc = client.getService(`${prefix}-${name}`);
      const current = await svc.inspect();
      await svc.update({
        ...current.Spec,
        Mode: { Replicated: { Replicas: replicas } },
        version: current.Version.Index,
      });
    };
    await scale('bg-green', 1);
    const green = await waitFor('the green task', async () => {
      const names = (await hostnamesOf('bg-green')).filter((n) => n !== '');
      return names.length === 1 ? names : undefined;
    });
    await scale('bg-blue', 0);
    await waitFor(
      'the host to answer from green only',
      async () => {
        const replies = new Set<string>();
        for (let i = 0; i < 5; i++) replies.add((await answer('bg'))?.body.trim() ?? '');
        return replies.size === 1 && replies.has(green[0] ?? '') ? true : undefined;
      },
      90_000,
    );
  }, 120_000);

  it('answers 503 for a host no service claims', async () => {
    expect((await answer('nobody'))?.status).toBe(503);
  });

  it('passes websocket upgrades through on the websocket endpoint', async () => {
    const ws = await websocketEcho(ports.http, host('chat'), '/ws', 'hello through the stack');
    expect(ws).toEqual({ status: 101, echoed: 'hello through the stack' });
  });

  it('passes TLS through by SNI to an app that terminates it itself', async () => {
    const greeting = await waitFor(
      'the passthrough route',
      () => tlsGreeting(ports.https, host('vault'), vaultCa).catch(() => undefined),
      120_000,
    );
    expect(greeting.cn).toBe(host('vault'));
    expect(greeting.line).toMatch(/^passthrough:[0-9a-f]{12}$/);
  }, 130_000);

  it('reflects scaling within 2 s: a new task gets traffic, a removed one none', async () => {
    const before = new Set(await hostnamesOf('web-canary'));
    await updateService(client, `${prefix}-web-canary`, () => ({ Mode: { Replicated: { Replicas: 2 } } }));
    const added = await waitFor('the new canary task to run', async () => {
      const now = await runningHostnames('web-canary');
      const fresh = now.filter((h) => h !== '' && !before.has(h));
      return now.length === 2 && fresh.length === 1 ? fresh[0] : undefined;
    });
    const runningAt = Date.now();
    await waitFor(
      'traffic on the new canary task',
      async () => ((await answer('web'))?.body.trim() === added ? true : undefined),
      10_000,
    );
    const upMs = Date.now() - runningAt;
    await updateService(client, `${prefix}-web-canary`, () => ({ Mode: { Replicated: { Replicas: 1 } } }));
    const scaledAt = Date.now();
    const kept = await waitFor('one canary task', async () => {
      const now = await hostnamesOf('web-canary');
      return now.length === 1 ? now[0] : undefined;
    });
    const removed = added === kept ? [...before][0] : added;
    // No answer from the removed task in 20 answers in a row.
    let clean = 0;
    while (clean < 20 && Date.now() - scaledAt < 10_000) {
      clean = (await answer('web'))?.body.trim() === removed ? 0 : clean + 1;
    }
    const downMs = Date.now() - scaledAt;
    console.log(`scale up: ${upMs} ms from running to traffic; scale down: ${downMs} ms to no traffic`);
    expect(upMs).toBeLessThan(2_000);
    expect(downMs).toBeLessThan(2_000);
  }, 60_000);

  it('keeps answering every request while an app moves to another cluster by relabelling', async () => {
    // Keep-alive, no client retries: the front door routes HTTP hosts through its run-time host map, so the
    // move reloads no front door; the cluster it leaves serves until the new one does (make before break).
    const load = steadyLoad(ports.http, host('crm'), { concurrency: 4, maxMs: 150_000 });
    const started = Date.now();
    await updateService(client, `${prefix}-crm`, (spec) => ({
      Labels: { ...spec.Labels, 'com.docker.lb.service_cluster': `${prefix}-blue` },
    }));
    await waitFor(
      'crm in the blue proxy and out of the eu one',
      async () => {
        const { blue = '', eu = '' } = await proxyConfigs();
        return blue.includes(`server_name ${host('crm')};`) && !eu.includes(`server_name ${host('crm')};`)
          ? true
          : undefined;
      },
      120_000,
    );
    const movedMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 2_000));
    const result = await load.stop();
    console.log(`move: ${movedMs} ms to the old cluster dropping the route; ${result.requests} requests`);
    expect(result.requests).toBeGreaterThan(50);
    expect(result.failures).toEqual([]);
  }, 150_000);

  it('answers 503 within 2 s for a service that was removed', async () => {
    expect((await answer('gone'))?.status).toBe(200);
    await client.getService(`${prefix}-gone`).remove();
    const removedAt = Date.now();
    await waitFor(
      '503 for the removed service',
      async () => ((await answer('gone'))?.status === 503 ? true : undefined),
      10_000,
    );
    const ms = Date.now() - removedAt;
    console.log(`removed service: 503 after ${ms} ms`);
    expect(ms).toBeLessThan(2_000);
  }, 30_000);

  it('sends unknown hosts to a default backend once one exists', async () => {
    await createApp('fallback', 1, { default_backend: 'true' });
    const body = await waitFor(
      'the default backend',
      async () => {
        const reply = await answer('nobody');
        return reply?.status === 200 ? reply.body.trim() : undefined;
      },
      120_000,
    );
    expect(await hostnamesOf('fallback')).toContain(body);
  }, 130_000);
});

describe('operating the deployed stack', () => {
  it('runs every Signalbox service healthy by its own health check', async () => {
    const health = await waitFor(
      'healthy coordinator, workers and Redis',
      async () => {
        const containers = await client.listContainers({
          filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }),
        });
        const states = await Promise.all(
          containers.map(async (c) => {
            const info = await client.getContainer(c.Id).inspect();
            return `${info.Config.Labels['com.docker.swarm.service.name']}:${info.State.Health?.Status}`;
          }),
        );
        return states.length === 4 && states.every((x) => x.endsWith(':healthy')) ? states : undefined;
      },
      90_000,
    );
    expect(health.sort()).toEqual([
      `${stack}_coordinator:healthy`,
      `${stack}_extension:healthy`,
      `${stack}_extension:healthy`,
      `${stack}_redis:healthy`,
    ]);
  }, 100_000);

  it('runs Redis as a user that is not root, answering only with the password from its secret', async () => {
    const [task] = await client.listContainers({
      filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${stack}_redis`] }),
    });
    const id = task?.Id ?? '';
    expect((await client.getContainer(id).inspect()).Config.User).toBe('999:999');
    const ask = (before: string) =>
      execOutput(id, ['/bin/sh', '-c', `printf '${before}PING\\r\\nQUIT\\r\\n' | nc 127.0.0.1 6379`]);
    expect(await ask('')).toContain('-NOAUTH');
    expect(await ask(`AUTH ${redisPassword}\\r\\n`)).toContain('+PONG');
    // The password is in no process's arguments.
    const top = (await client.getContainer(id).top()) as { Processes: string[][] };
    expect(top.Processes.flat().join(' ')).not.toContain(redisPassword);
  });

  it('answers `signalbox status` on the published API port, every cluster in sync', async () => {
    let last = '';
    const status = await waitFor(
      'all clusters in sync',
      async () => {
        const { code, stdout, stderr } = await cliRun(['status', '--json']);
        const s = code === 0 ? (JSON.parse(stdout) as StatusReport__Output) : undefined;
        last = s ? JSON.stringify({ clusters: s.clusters, queue: s.queue }) : `exit ${code}: ${stderr}`;
        return s?.clusters.every((c) => c.inSync) ? s : undefined;
      },
      120_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last status: ${last}`);
    });
    expect(status.leader).toBe(true);
    expect(status.clusters.map((c) => c.name).sort()).toEqual([
      `${prefix}-blue`,
      `${prefix}-eu`,
      `${prefix}-green`,
    ]);
  }, 130_000);

  it('takes API calls only over TLS from a client whose certificate the stack’s CA signed: the token alone is refused', async () => {
    // The workers rolled every cluster out (the test above) over the same mutual TLS, with their own pair.
    expect((await cliRun(['routes'])).code).toBe(0);
    for (const tls of ['server-only', 'plain'] as const) {
      const refused = await cliRun(['routes'], tls);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain(`coordinator 127.0.0.1:${ports.api}`);
    }
    expect((await cliRun(['routes'], 'plain')).stderr).toContain('set SIGNALBOX_GRPC_CA_FILE');
  });

  it('runs its control and edge overlays encrypted', async () => {
    for (const name of [`${stack}_control`, edge])
      expect((await client.getNetwork(name).inspect()).Options).toHaveProperty('encrypted');
  });

  it('serves metrics and the dashboard with the viewer token only, on the published HTTP port', async () => {
    const url = `http://127.0.0.1:${ports.dashboard}`;
    const basic = (token: string) => ({
      authorization: `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`,
    });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${viewerToken}` } });
    expect(await metrics.text()).toMatch(/^signalbox_coordinator_leader 1$/m);
    expect((await fetch(`${url}/dashboard/`)).status).toBe(401);
    // The API token is no key to the dashboard: a browser never holds it.
    expect((await fetch(`${url}/dashboard/`, { headers: basic(apiToken) })).status).toBe(401);
    const page = await fetch(`${url}/dashboard/`, { headers: basic(viewerToken) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`data-cluster="${prefix}-eu"`);
  });

  it('publishes no port of its own from the main stack file; the operator-ports file adds exactly the two', async () => {
    const published = async (...files: string[]) => {
      const { stdout } = await run('docker', ['stack', 'config', ...files.flatMap((f) => ['-c', f])]);
      return [...stdout.matchAll(/^\s*published: "?(\S+?)"?$/gm)].map((m) => m[1]);
    };
    expect(await published('deploy/stack/docker-stack.yml')).toEqual([]);
    expect(
      await published('deploy/stack/docker-stack.yml', 'deploy/stack/docker-stack.operator-ports.yml'),
    ).toEqual(['8080', '8081']);
    const coordinator = await client.getService(`${stack}_coordinator`).inspect();
    expect(
      (coordinator.Endpoint?.Ports ?? []).map((p: { PublishedPort?: number }) => p.PublishedPort).sort(),
    ).toEqual([ports.api, ports.dashboard].sort());
  });
});
