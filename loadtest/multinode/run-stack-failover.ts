/**
 * `npm run loadtest:stack-failover`: the Signalbox stack itself (deploy/stack/docker-stack.yml, with
 * docker-stack.operator-ports.yml for the coordinators' metrics, and unencrypted where the kernel has no ESP)
 * on a swarm of three managers built on this machine (multinode-swarm.sh), so its two coordinator replicas
 * run on two managers, each with its own node's engine. Under steady load through the front door it kills
 * the leading coordinator's container (SIGKILL) and measures how long the standby takes to lead, how many
 * requests to an app routed before the kill fail, and how long a service created right after the kill
 * takes to answer through the front door (the new leader's pass, a worker's job, the proxies' agents).
 *
 * Everything is removed afterwards, the swarm included, also when a step fails. Traffic goes only to the
 * namespaced test hosts (10.231.0.0/24) this run made.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { get } from '../../testing/http-client.js';
import { steadyLoad } from '../../testing/steady-load.js';
import { APP_IMAGE, testPrefix, waitFor } from '../../testing/swarm.js';
import { kernelHasEsp } from './kernel-esp.js';

const SCRIPT = join(import.meta.dirname, 'multinode-swarm.sh');
const RESULTS = join(import.meta.dirname, '..', 'results');
const NODES: readonly number[] = [1, 2, 3];
const address = (n: number) => `10.231.0.1${n}`;
const engines = new Map(NODES.map((n) => [n, new Docker({ socketPath: `/run/sbmn${n}/docker.sock` })]));
const manager = engines.get(1) as Docker;
const prefix = testPrefix();
const stack = prefix;
const cluster = `${prefix}-c`;
const hostOf = (name: string) => `${name}.${prefix}.test`;
const FRONT_DOOR_PORT = 80;
const OPS_PORT = 8081;

/** Node number (1–3) by node ID, from each node's advertised address. */
async function nodeNumbers(): Promise<Map<string, number>> {
  return new Map(
    (await manager.listNodes()).map(
      (n) => [n.ID, Number((n.Status?.Addr ?? '').slice(-1))] as [string, number],
    ),
  );
}

/** The running coordinator replicas: node number → container ID. */
async function coordinators(): Promise<Map<number, string>> {
  const nodes = await nodeNumbers();
  const tasks = await manager.listTasks({
    filters: JSON.stringify({ service: [`${stack}_coordinator`], 'desired-state': ['running'] }),
  } as object);
  const out = new Map<number, string>();
  for (const t of tasks) {
    const id = (t.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)?.ContainerStatus
      ?.ContainerID;
    if (t.Status?.State === 'running' && id) out.set(nodes.get(t.NodeID ?? '') ?? 0, id);
  }
  return out;
}

/** The dashboard's and /metrics' read-only token. */
const VIEWER_TOKEN = randomBytes(24).toString('hex');

/** Whether the coordinator on node `n` says it leads (its metrics, on the ops port the overlay publishes). */
async function leads(n: number): Promise<boolean> {
  const res = await fetch(`http://${address(n)}:${OPS_PORT}/metrics`, {
    headers: { authorization: `Bearer ${VIEWER_TOKEN}` },
    signal: AbortSignal.timeout(2_000),
  }).catch(() => undefined);
  return /^signalbox_coordinator_leader 1$/m.test((await res?.text()) ?? '');
}

const answers = async (host: string, node: number): Promise<boolean> =>
  (await get(FRONT_DOOR_PORT, host, '/', { address: address(node) }).catch(() => undefined))?.status === 200;

async function createApp(name: string, replicas: number): Promise<void> {
  await manager.createService({
    Name: `${prefix}-${name}`,
    Labels: {
      'com.docker.lb.hosts': hostOf(name),
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    },
    TaskTemplate: { ContainerSpec: { Image: APP_IMAGE }, Networks: [{ Target: `${prefix}-tenant` }] },
    Mode: { Replicated: { Replicas: replicas } },
    EndpointSpec: { Mode: 'dnsrr' },
  });
}

const CONFIG_FILE = join(tmpdir(), `${prefix}-signalbox.toml`);
/** The gRPC API's CA and the coordinator's certificate, made as operators make them. */
const TLS_DIR = join(tmpdir(), `${prefix}-grpc-tls`);

/**
 * The stack file, unchanged where the kernel has ESP; here (no ESP, see kernel-esp.ts) a copy without the
 * overlays' encryption, which would otherwise carry nothing between the nodes.
 */
function stackFile(): string {
  const file = 'deploy/stack/docker-stack.yml';
  if (kernelHasEsp()) return file;
  console.log('this kernel has no ESP: deploying the stack file with its overlays unencrypted');
  const copy = join(tmpdir(), `${prefix}-stack-unencrypted.yml`);
  const text = readFileSync(file, 'utf8');
  const unencrypted = text.replaceAll(/^\s*driver_opts: \{ encrypted: "" \}\n/gm, '');
  // A stack file written another way would otherwise deploy encrypted and never reach a leader here.
  if (unencrypted === text || unencrypted.includes('encrypted: ""'))
    throw new Error(
      `cannot take the encryption out of ${file}: its driver_opts are not in the expected form`,
    );
  writeFileSync(copy, unencrypted);
  return copy;
}

function deployStack(): void {
  const file = CONFIG_FILE;
  writeFileSync(
    file,
    `ListenAddr = ":8080"
AgentListenAddr = ":${OPS_PORT}"
PollInterval = "2s"
TaskPollInterval = "300ms"
RedisURL = "redis://redis:6379"
GRPCTokenFile = "/run/secrets/signalbox-grpc-token"
ViewerTokenFile = "/run/secrets/signalbox-viewer-token"
[FrontDoor]
ServiceName = "${prefix}-frontdoor"
Network = "${prefix}-edge"
HTTPPort = ${FRONT_DOOR_PORT}
HTTPSPort = 443
ConfigURL = "http://tasks.${stack}_coordinator:${OPS_PORT}/v1/front-door/nginx.conf"
[Extensions.fo]
ServiceCluster = "${cluster}"
ProxyServiceName = "${prefix}-proxy"
ProxyReplicas = 2
`,
  );
  execFileSync('bash', ['deploy/tls/make-grpc-tls.sh', TLS_DIR]);
  const tls = (file: string) => readFileSync(join(TLS_DIR, file), 'utf8');
  for (const [secret, value] of [
    [`${prefix}-token`, `${prefix}-api-token-0123456789`],
    [`${prefix}-redis-password`, randomBytes(24).toString('hex')],
    [`${prefix}-viewer-token`, VIEWER_TOKEN],
    [`${prefix}-grpc-ca`, tls('ca.crt')],
    [`${prefix}-grpc-tls-cert`, tls('server.crt')],
    [`${prefix}-grpc-tls-key`, tls('server.key')],
  ] as const)
    execFileSync('docker', ['secret', 'create', secret, '-'], {
      input: value,
      env: { ...process.env, DOCKER_HOST: 'unix:///run/sbmn1/docker.sock' },
      stdio: ['pipe', 'ignore', 'inherit'],
    });
  const files = [stackFile(), 'deploy/stack/docker-stack.operator-ports.yml'];
  execFileSync(
    'docker',
    ['stack', 'deploy', '--resolve-image', 'never', ...files.flatMap((f) => ['-c', f]), stack],
    {
      env: {
        ...process.env,
        DOCKER_HOST: 'unix:///run/sbmn1/docker.sock',
        SIGNALBOX_CONFIG_FILE: file,
        SIGNALBOX_CONFIG_HASH: prefix,
        SIGNALBOX_EDGE_NETWORK: `${prefix}-edge`,
        SIGNALBOX_TOKEN_SECRET: `${prefix}-token`,
        SIGNALBOX_REDIS_PASSWORD_SECRET: `${prefix}-redis-password`,
        SIGNALBOX_VIEWER_TOKEN_SECRET: `${prefix}-viewer-token`,
        SIGNALBOX_GRPC_CA_SECRET: `${prefix}-grpc-ca`,
        SIGNALBOX_GRPC_TLS_CERT_SECRET: `${prefix}-grpc-tls-cert`,
        SIGNALBOX_GRPC_TLS_KEY_SECRET: `${prefix}-grpc-tls-key`,
        SIGNALBOX_DOCKER_SOCKET: '/run/signalbox-node/docker.sock',
        SIGNALBOX_HTTP_PORT: String(OPS_PORT),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

async function run(): Promise<Record<string, unknown>> {
  await manager.createNetwork({ Name: `${prefix}-tenant`, Driver: 'overlay', Attachable: true });
  deployStack();
  await createApp('app', 2);
  const both = await waitFor(
    'two coordinator replicas on two managers',
    async () => ((await coordinators()).size === 2 ? await coordinators() : undefined),
    300_000,
  );
  const replicaNodes = [...both.keys()];
  console.log(`coordinator replicas on nodes ${replicaNodes.join(' and ')}`);
  const leader = await waitFor(
    'a leading coordinator',
    async () => {
      for (const n of replicaNodes) if (await leads(n)) return n;
      return undefined;
    },
    120_000,
  );
  const standby = replicaNodes.find((n) => n !== leader) as number;
  const door = NODES.find((n) => !replicaNodes.includes(n)) ?? standby;
  await waitFor(
    `${hostOf('app')} through the front door`,
    async () => ((await answers(hostOf('app'), door)) ? true : undefined),
    300_000,
  );
  console.log(
    `leader on node ${leader}, standby on node ${standby}; load through the front door on node ${door}`,
  );

  const load = steadyLoad(FRONT_DOOR_PORT, hostOf('app'), {
    address: address(door),
    concurrency: 4,
    maxMs: 240_000,
  });
  await new Promise((r) => setTimeout(r, 3_000));
  const killedAt = Date.now();
  await engines
    .get(leader)
    ?.getContainer(both.get(leader) ?? '')
    .kill();
  await createApp('late', 1);
  const [tookOverMs, lateMs] = await Promise.all([
    waitFor(
      'the standby to lead',
      async () => ((await leads(standby)) ? Date.now() - killedAt : undefined),
      120_000,
    ),
    waitFor(
      `${hostOf('late')} (created after the kill) through the front door`,
      async () => ((await answers(hostOf('late'), door)) ? Date.now() - killedAt : undefined),
      180_000,
    ),
  ]);
  const restartedMs = await waitFor(
    'Swarm to restart the killed replica',
    async () => ((await coordinators()).size === 2 ? Date.now() - killedAt : undefined),
    180_000,
  );
  await new Promise((r) => setTimeout(r, 3_000));
  const result = await load.stop();
  const leaders = [];
  for (const n of replicaNodes) if (await leads(n)) leaders.push(n);
  const figures = {
    killed: `coordinator on node ${leader}`,
    standbyLeadsAfterMs: tookOverMs,
    newServiceAnswersAfterMs: lateMs,
    killedReplicaRunningAgainAfterMs: restartedMs,
    leadersAtEnd: leaders,
    requests: result.requests,
    failed: result.failures.length,
    failures: result.failures.slice(0, 5),
  };
  console.log(
    `killed the leader (node ${leader}): standby led after ${(tookOverMs / 1000).toFixed(1)} s; a service created ` +
      `after the kill answered after ${(lateMs / 1000).toFixed(1)} s; the killed replica ran again after ` +
      `${(restartedMs / 1000).toFixed(1)} s; leaders now: node ${leaders.join(', ')}; ${result.requests} requests, ` +
      `${result.failures.length} failed`,
  );
  if (leaders.length !== 1) throw new Error(`${leaders.length} coordinators lead after the failover`);
  if (result.failures.length > 0)
    throw new Error(`${result.failures.length} requests failed during the failover`);
  return figures;
}

let failed = false;
// A swarm someone else built (e.g. `multinode-swarm.sh up` with one manager) is neither used nor removed.
const alreadyUp = await manager.info().then(
  () => true,
  () => false,
);
if (alreadyUp) {
  console.error('a multinode swarm is already up: run loadtest/multinode/multinode-swarm.sh down first');
  process.exit(1);
}
try {
  execFileSync('bash', [SCRIPT, 'up'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      SIGNALBOX_MN_MANAGERS: '3',
      SIGNALBOX_MN_IMAGES: 'signalbox/signalbox:local signalbox/redis:local',
    },
  });
  const figures = await run();
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'stack-failover.json'),
    `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
} catch (e) {
  failed = true;
  console.error(`stack failover run failed: ${(e as Error).message}`);
} finally {
  rmSync(CONFIG_FILE, { force: true });
  rmSync(TLS_DIR, { recursive: true, force: true });
  rmSync(join(tmpdir(), `${prefix}-stack-unencrypted.yml`), { force: true });
  execFileSync('bash', [SCRIPT, 'down'], { stdio: 'inherit' });
}
process.exit(failed ? 1 : 0);
