import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import type { StatusReport__Output } from '#shared/gen/signalbox/v1/StatusReport.js';
import { CONFIG_QUEUE } from '#shared/jobs/config-job.js';
import { type RunningWorker, startWorker } from '../../services/extension/src/start-worker.js';
import {
  cleanUpRun,
  TEST_TOKEN,
  type TestFrontDoor,
  testFrontDoor,
  writeCoordinatorConfig,
} from '../../testing/coordinator-harness.js';
import { docker, testPrefix, waitFor } from '../../testing/swarm.js';
import { TcpHop } from '../../testing/tcp-hop.js';
import { freePort } from '../../testing/upstreams.js';
import { BreakableSocketProxy, type EpochWrite, forwardInTurn } from './fault-proxies.js';

const LOCK_MS = 4_000;

/**
 * The parts the fault suite kills, each a real process or connection it can break: a private redis-server,
 * two coordinator processes (so the leader can be SIGKILLed), their Docker socket behind a proxy that can cut
 * every stream and records every service write with its epoch, each coordinator's Redis behind a hop of its
 * own that a fault can partition, and the agents' coordinator address behind a forwarder that tries each
 * coordinator in turn (in the stack, `tasks.signalbox_coordinator` resolves to both). Workers run in this
 * process, except the one a fault SIGKILLs.
 */
export class FaultEnv {
  readonly client = docker();
  readonly prefix = testPrefix();
  readonly keyPrefix = this.prefix;
  readonly cluster = `${this.prefix}-c0`;
  readonly logDir = tmpdir();
  frontDoor!: TestFrontDoor;
  redisPort = 0;
  private redisProcess: ChildProcess | undefined;
  private readonly dockerProxy = new BreakableSocketProxy(
    join(tmpdir(), `${this.prefix}-docker.sock`),
    '/var/run/docker.sock',
  );
  private agentForwarder: Server | undefined;
  readonly coordinators: {
    name: string;
    grpcPort: number;
    agentPort: number;
    file: string;
    /** Its own way to Redis, which a fault can cut while the others still reach it. */
    redisHop: TcpHop;
    child?: ChildProcess;
  }[] = [];
  readonly workers: RunningWorker[] = [];
  private admin: Redis | undefined;

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  async start(): Promise<void> {
    this.redisPort = await freePort();
    await this.startRedis();
    await this.dockerProxy.listen();
    this.frontDoor = await testFrontDoor(this.client);
    const { agentHost } = this.frontDoor;
    const base = readFileSync(
      await writeCoordinatorConfig(
        this.prefix,
        [{ extension: 'f', cluster: this.cluster, proxyReplicas: 2 }],
        this.frontDoor,
      ),
      'utf8',
    );
    for (const name of ['a', 'b']) {
      const grpcPort = await freePort();
      const agentPort = await freePort();
      const redisHop = new TcpHop('127.0.0.1', this.redisPort);
      await redisHop.listen();
      const file = join(tmpdir(), `${this.prefix}-${name}.toml`);
      writeFileSync(
        file,
        base
          .replace(/^ListenAddr = .*$/m, `ListenAddr = "127.0.0.1:${grpcPort}"`)
          .replace(/^AgentListenAddr = .*$/m, `AgentListenAddr = "${agentHost}:${agentPort}"`)
          .replace(
            /^RedisURL = .*$/m,
            `RedisURL = "redis://127.0.0.1:${redisHop.port}"\nDockerURL = "unix://${this.dockerProxy.path}"`,
          ),
      );
      this.coordinators.push({ name, grpcPort, agentPort, file, redisHop });
    }
    this.agentForwarder = forwardInTurn(
      agentHost,
      this.frontDoor.agentPort,
      this.coordinators.map((c) => c.agentPort),
    );
    for (const c of this.coordinators) this.startCoordinator(c);
    await this.addWorker();
  }

  async startRedis(): Promise<void> {
    this.redisProcess = spawn(
      'redis-server',
      ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.admin?.disconnect();
    this.admin = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    // Refused connections while redis-server starts (or is killed by a fault) are retried by ioredis.
    this.admin.on('error', () => undefined);
    await waitFor(
      'the private redis-server',
      async () => ((await this.admin?.ping()) === 'PONG' ? true : undefined),
      10_000,
    );
  }

  /** SIGKILL: whatever was in Redis (queue, versions, lease, locks) is gone, as after a crash without persistence. */
  async killRedis(): Promise<void> {
    const exited = new Promise((r) => this.redisProcess?.once('exit', r));
    this.redisProcess?.kill('SIGKILL');
    await exited;
  }

  startCoordinator(c: (typeof this.coordinators)[number]): void {
    const log = openSync(join(this.logDir, `${this.prefix}-coordinator-${c.name}.log`), 'a');
    c.child = spawn('npx', ['tsx', 'services/coordinator/src/main.ts'], {
      env: {
        ...process.env,
        SIGNALBOX_CONFIG: c.file,
        SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
        SIGNALBOX_INSTANCE: `${this.prefix}-${c.name}`,
        SIGNALBOX_KEY_PREFIX: this.keyPrefix,
        SIGNALBOX_QUEUE_PREFIX: this.keyPrefix,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', log, log],
      detached: true,
    });
  }

  killCoordinator(c: (typeof this.coordinators)[number]): void {
    if (c.child?.pid) process.kill(-c.child.pid, 'SIGKILL');
    c.child = undefined;
  }

  async addWorker(): Promise<RunningWorker> {
    const w = await startWorker(
      {
        coordinatorAddress: `ipv4:${this.coordinators.map((c) => `127.0.0.1:${c.grpcPort}`).join(',')}`,
        token: TEST_TOKEN,
        redisUrl: this.redisUrl,
        concurrency: 1,
        workerId: `${this.prefix}-w${this.workers.length}`,
        serverInfo: 'signalbox/loadtest',
        queuePrefix: this.keyPrefix,
        keyPrefix: this.keyPrefix,
        jobLockMs: LOCK_MS,
        clusterLockMs: LOCK_MS,
      },
      pino(
        { level: 'info', base: { component: 'worker' } },
        pino.destination(join(this.logDir, `${this.prefix}-worker-${this.workers.length}.log`)),
      ),
    );
    this.workers.push(w);
    return w;
  }

  /** A worker process that a fault can SIGKILL mid-job. */
  spawnWorker(): ChildProcess {
    return spawn('npx', ['tsx', 'services/extension/src/main.ts'], {
      env: {
        ...process.env,
        SIGNALBOX_COORDINATOR: `ipv4:${this.coordinators.map((c) => `127.0.0.1:${c.grpcPort}`).join(',')}`,
        SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
        SIGNALBOX_REDIS_URL: this.redisUrl,
        SIGNALBOX_QUEUE_PREFIX: this.keyPrefix,
        SIGNALBOX_KEY_PREFIX: this.keyPrefix,
        SIGNALBOX_JOB_LOCK_MS: String(LOCK_MS),
        SIGNALBOX_CLUSTER_LOCK_MS: String(LOCK_MS),
        SIGNALBOX_HTTP_ADDR: '127.0.0.1:0',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
      detached: true,
    });
  }

  breakDocker(): void {
    this.dockerProxy.break();
  }

  healDocker(): void {
    this.dockerProxy.heal();
  }

  hangDocker(): void {
    this.dockerProxy.hang();
  }

  /** Every proxy service create and update the coordinators sent, with its epoch, in order. */
  get epochWrites(): readonly EpochWrite[] {
    return this.dockerProxy.epochWrites;
  }

  queue(): Queue {
    const connection = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    // Refused while a fault has Redis down; ioredis reconnects, and the suite's checks wait for it.
    connection.on('error', () => undefined);
    const queue = new Queue(CONFIG_QUEUE, { connection, prefix: this.keyPrefix });
    queue.on('error', () => undefined);
    return queue;
  }

  /** The status as the current leader reports it; undefined while no coordinator leads. */
  async leaderStatus(): Promise<{ status: StatusReport__Output; name: string } | undefined> {
    for (const c of this.coordinators) {
      if (!c.child) continue;
      const api = coordinatorClient(`127.0.0.1:${c.grpcPort}`, TEST_TOKEN);
      try {
        const status = (await unary(api.GetStatus.bind(api), {}).catch(() => undefined)) as
          | StatusReport__Output
          | undefined;
        if (status?.leader) return { status, name: c.name };
      } finally {
        api.close();
      }
    }
    return undefined;
  }

  async stop(): Promise<void> {
    for (const w of this.workers) await w.stop(true).catch(() => undefined);
    for (const c of this.coordinators) {
      this.killCoordinator(c);
      c.redisHop.close();
    }
    this.agentForwarder?.close();
    this.dockerProxy.close();
    // The whole Redis is this run's and dies with it; cleanUpRun only needs it for the key scan.
    await cleanUpRun(this.client, this.admin ?? new Redis(this.redisUrl), this.prefix, this.keyPrefix, [
      this.cluster,
    ]);
    this.redisProcess?.kill('SIGKILL');
  }
}
