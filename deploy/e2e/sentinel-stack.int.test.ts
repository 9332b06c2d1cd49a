import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GrpcTlsFiles, makeGrpcTls, stackTlsSecrets } from '../../testing/grpc-tls-files.js';
import { get } from '../../testing/http-client.js';
import { deployTestStack, removeTestStack } from '../../testing/stack-deploy.js';
import { steadyLoad } from '../../testing/steady-load.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  TEST_LABEL,
  testPrefix,
  waitFor,
} from '../../testing/swarm.js';
import { freePort } from '../../testing/upstreams.js';

/**
 * The opt-in Sentinel variant as users deploy it: deploy/stack/docker-stack.yml with
 * deploy/stack/docker-stack.sentinel.yml over it, on the real swarm (three Redis data nodes, three
 * sentinels, coordinator and workers, from the local images). It checks what the variant promises: every
 * Redis process runs as 999 and answers only with the password; when the primary's container is killed
 * under load, the sentinels promote a replica, no request through the front door fails, and a route added
 * afterwards is rolled out through the new primary (the queue survived its primary). Names carry the run's
 * prefix; everything is removed afterwards.
 */
const run = promisify(execFile);
const client = docker();
const prefix = testPrefix();
const stack = prefix;
const edge = `${prefix}-edge`;
const cluster = `${prefix}-c`;
const redisPassword = randomBytes(24).toString('hex');
const secrets = {
  SIGNALBOX_TOKEN_SECRET: { name: `${prefix}-grpc-token`, value: randomBytes(24).toString('hex') },
  SIGNALBOX_REDIS_PASSWORD_SECRET: { name: `${prefix}-redis-password`, value: redisPassword },
  SIGNALBOX_VIEWER_TOKEN_SECRET: { name: `${prefix}-viewer-token`, value: randomBytes(24).toString('hex') },
};
/** The gRPC API's TLS files: the variant keeps the main file's TLS between workers and coordinators. */
let grpcTls: GrpcTlsFiles | undefined;
const REDIS_NODES = ['redis', 'redis-2', 'redis-3'];
const SENTINELS = ['sentinel-1', 'sentinel-2', 'sentinel-3'];
let httpPort = 0;

const host = (name: string): string => `${name}.${prefix}.test`;

async function deploy(tls: GrpcTlsFiles): Promise<void> {
  const toml = `ListenAddr = ":8080"
AgentListenAddr = ":8081"
PollInterval = "2s"
TaskPollInterval = "300ms"
GRPCTokenFile = "/run/secrets/signalbox-grpc-token"
ViewerTokenFile = "/run/secrets/signalbox-viewer-token"
[FrontDoor]
ServiceName = "${prefix}-frontdoor"
Network = "${edge}"
HTTPPort = ${httpPort}
HTTPSPort = ${await freePort()}
Labels = { "${TEST_LABEL}" = "${prefix}" }
ConfigURL = "http://tasks.${stack}_coordinator:8081/v1/front-door/nginx.conf"
[Extensions.c]
ServiceCluster = "${cluster}"
ProxyServiceName = "${prefix}-proxy"
ProxyReplicas = 1
AutoAssign = true
ProxyLabels = { "${TEST_LABEL}" = "${prefix}" }
`;
  await deployTestStack(client, {
    prefix,
    stack,
    files: ['deploy/stack/docker-stack.yml', 'deploy/stack/docker-stack.sentinel.yml'],
    toml,
    edge,
    secrets: { ...secrets, ...stackTlsSecrets(prefix, tls) },
  });
}

/** The running container of the stack's service `name`. */
async function containerOf(name: string): Promise<string> {
  const [c] = await client.listContainers({
    filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${stack}_${name}`] }),
  });
  if (!c) throw new Error(`no running container of ${stack}_${name}`);
  return c.Id;
}

/** What a shell command run in the service's container printed (Docker's frame headers stripped). */
async function shell(service: string, script: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', await containerOf(service), '/bin/sh', '-c', script]);
  return stdout;
}

/** A command to the Redis process on `port` inside `service`'s container, with or without the password. */
const redisCommand = (service: string, port: number, command: string, withPassword = true) =>
  shell(
    service,
    withPassword
      ? `printf 'AUTH %s\\r\\n${command}\\r\\nQUIT\\r\\n' "$(cat /run/secrets/signalbox-redis-password)" | nc 127.0.0.1 ${port}`
      : `printf '${command}\\r\\nQUIT\\r\\n' | nc 127.0.0.1 ${port}`,
  );

/** The primary as the sentinels' quorum names it: the data node's service name. */
async function primary(): Promise<string | undefined> {
  const names = await Promise.all(
    SENTINELS.map((s) =>
      redisCommand(s, 26379, 'SENTINEL GET-MASTER-ADDR-BY-NAME signalbox')
        .then((out) => out.split('\r\n').find((line) => REDIS_NODES.includes(line)))
        .catch(() => undefined),
    ),
  );
  const [first] = names;
  return first !== undefined && names.filter((n) => n === first).length >= 2 ? first : undefined;
}

const answers = async (name: string) =>
  (await get(httpPort, host(name), '/').catch(() => undefined))?.status === 200 ? true : undefined;

beforeAll(async () => {
  httpPort = await freePort();
  await createTestNetwork(client, prefix, `${prefix}-tenant`);
  await createTestService(client, prefix, {
    name: `${prefix}-web`,
    networks: [`${prefix}-tenant`],
    replicas: 2,
    labels: { 'com.docker.lb.hosts': host('web'), 'com.docker.lb.port': '8080' },
  });
  grpcTls = await makeGrpcTls();
  await deploy(grpcTls);
  await waitFor(`${host('web')} through the front door`, () => answers('web'), 300_000);
}, 330_000);

afterAll(async () => {
  await removeTestStack(client, {
    prefix,
    stack,
    edge,
    clusters: [cluster],
    volumes: ['redis-data', 'redis-2-data', 'redis-3-data', ...SENTINELS.map((s) => `${s}-data`)],
    log: 'e2e-sentinel-coordinator.log',
  });
  if (grpcTls) await rm(grpcTls.dir, { recursive: true, force: true });
}, 240_000);

describe('the Sentinel stack variant', () => {
  it('runs every data node and sentinel healthy, as 999, answering only with the password', async () => {
    for (const service of [...REDIS_NODES, ...SENTINELS]) {
      const health = await waitFor(
        `${service} healthy`,
        async () => {
          const info = await client.getContainer(await containerOf(service)).inspect();
          return info.State.Health?.Status === 'healthy' ? info : undefined;
        },
        90_000,
      );
      expect(health.Config.User).toBe('999:999');
      const port = SENTINELS.includes(service) ? 26379 : 6379;
      expect(await redisCommand(service, port, 'PING', false)).toMatch(/^-NOAUTH/);
      expect(await redisCommand(service, port, 'PING')).toContain('+PONG');
      // No process shows the password in its arguments.
      expect(await shell(service, 'cat /proc/[0-9]*/cmdline | tr "\\0" " "')).not.toContain(redisPassword);
    }
    expect(await primary()).toBe('redis');
  }, 200_000);

  it('fails over when the primary is killed: no request fails, and a route added afterwards rolls out', async () => {
    const load = steadyLoad(httpPort, host('web'), { concurrency: 4, maxMs: 180_000 });
    try {
      await client.getContainer(await containerOf('redis')).kill();
      const promoted = await waitFor(
        'the sentinels to promote a replica',
        async () => {
          const p = await primary();
          return p !== undefined && p !== 'redis' ? p : undefined;
        },
        90_000,
      );
      expect(['redis-2', 'redis-3']).toContain(promoted);
      await createTestService(client, prefix, {
        name: `${prefix}-after`,
        networks: [`${prefix}-tenant`],
        replicas: 1,
        labels: { 'com.docker.lb.hosts': host('after'), 'com.docker.lb.port': '8080' },
      });
      await waitFor(`${host('after')} through the front door`, () => answers('after'), 120_000);
      expect(await redisCommand(promoted, 6379, 'INFO replication')).toContain('role:master');
    } finally {
      const result = await load.stop();
      expect(result.requests).toBeGreaterThan(100);
      expect(result.failures).toEqual([]);
    }
  }, 240_000);
});
