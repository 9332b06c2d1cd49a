import { Queue } from 'bullmq';
import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import { CONFIG_QUEUE } from '#shared/jobs/config-job.js';
import type { RunningCoordinator } from '../services/coordinator/src/start-coordinator.js';
import type { RunningWorker, WorkerSettings } from '../services/extension/src/start-worker.js';
import {
  cleanUpRun,
  startCoordinatorFrom,
  startTestWorker,
  type TestCluster,
  type TestFrontDoor,
  testFrontDoor,
  writeCoordinatorConfig,
} from './coordinator-harness.js';
import { get } from './http-client.js';
import { redis, redisPrefix } from './redis.js';
import { createTestNetwork, createTestService, docker, testPrefix, waitFor } from './swarm.js';
import { freePort } from './upstreams.js';

/** An app service of the run, routed by Interlock's labels to the app image's port 8080. */
export interface ScenarioApp {
  /** The service is `<prefix>-<name>`. */
  name: string;
  /** `com.docker.lb.hosts`. */
  host: string;
  /** `com.docker.lb.service_cluster`; without it the app names no cluster. */
  cluster?: string;
  /** The overlay network it joins, `<prefix>-<network>`; `net` unless given. */
  network?: string;
  replicas?: number;
  /** Further labels, over the routing ones (e.g. a port the coordinator must reject). */
  labels?: Record<string, string>;
}

export interface ScenarioOptions {
  /** Deployed first, as `deploy` does. */
  apps?: ScenarioApp[];
  clusters: TestCluster[];
  /** A front door on free ports with its own edge network; off unless true. */
  frontDoor?: boolean;
  /** Further top-level TOML tables, e.g. `[Tenancy]`. */
  tables?: string;
  /** Added to the environment every coordinator of the run reads. */
  env?: Record<string, string>;
  /** The first coordinator's instance name; the prefix unless given. */
  instance?: string;
  /**
   * Every coordinator of the run listens for gRPC on one address, so one started after another stopped is,
   * to proxies, agents and workers, the same one (a restarted coordinator task behind its service name).
   */
  pinGrpcAddress?: boolean;
  /** A BullMQ queue on the run's config jobs, to read their outcomes. */
  queue?: boolean;
  /** The worker's settings over the test defaults; `false` starts none, for a test that starts its own. */
  worker?: Partial<WorkerSettings> | false;
}

interface CoordinatorConfig {
  file: string;
  frontDoor: TestFrontDoor | undefined;
  tables: string;
  env: Record<string, string>;
  grpcAddress: string | undefined;
}

/**
 * The scenario the real-swarm tests share: labelled apps on test networks, a coordinator in this process
 * (with a front door if asked), a worker, under one run's name prefix and Redis key prefix. Create it at
 * module level, `start` it in beforeAll (or in the test whose subject is the start, after `deploy` in
 * beforeAll) and `stop` it in afterAll: `stop` stops whatever runs and then removes everything the run
 * made, even after a setup that failed half way.
 */
export class RoutedScenario {
  readonly client: Docker = docker();
  readonly prefix = testPrefix();
  readonly keyPrefix = redisPrefix();
  readonly redis: Redis = redis();
  /** The clusters any coordinator of the run was given: their proxies' configs are the run's too. */
  private readonly clusters = new Set<string>();
  /** Networks already made: an app deployed later joins the one made for an earlier app. */
  private readonly networks = new Set<string>();
  private readonly coordinators: RunningCoordinator[] = [];
  private readonly workers: RunningWorker[] = [];
  private config: CoordinatorConfig | undefined;
  private configQueue: Queue | undefined;

  /** Creates the apps' networks, each once for the run, then the apps in their order. */
  async deploy(apps: ScenarioApp[]): Promise<void> {
    const networkOf = (app: ScenarioApp): string => `${this.prefix}-${app.network ?? 'net'}`;
    for (const network of new Set(apps.map(networkOf))) {
      if (this.networks.has(network)) continue;
      await createTestNetwork(this.client, this.prefix, network);
      this.networks.add(network);
    }
    for (const app of apps)
      await createTestService(this.client, this.prefix, {
        name: `${this.prefix}-${app.name}`,
        networks: [networkOf(app)],
        replicas: app.replicas ?? 1,
        labels: {
          'com.docker.lb.hosts': app.host,
          'com.docker.lb.port': '8080',
          ...(app.cluster ? { 'com.docker.lb.service_cluster': app.cluster } : {}),
          ...app.labels,
        },
      });
  }

  /**
   * Deploys the apps, picks the front door's ports if asked, then starts the coordinator (which creates the
   * proxies and the front door) and one worker unless told not to.
   */
  async start(options: ScenarioOptions): Promise<void> {
    for (const c of options.clusters) this.clusters.add(c.cluster);
    await this.deploy(options.apps ?? []);
    const frontDoor = options.frontDoor ? await testFrontDoor(this.client) : undefined;
    const tables = options.tables ?? '';
    this.config = {
      file: await writeCoordinatorConfig(this.prefix, options.clusters, frontDoor, tables),
      frontDoor,
      tables,
      env: options.env ?? {},
      grpcAddress: options.pinGrpcAddress ? `127.0.0.1:${await freePort()}` : undefined,
    };
    await this.startCoordinator(options.instance ?? this.prefix);
    if (options.queue)
      this.configQueue = new Queue(CONFIG_QUEUE, { connection: redis(), prefix: this.keyPrefix });
    if (options.worker !== false) await this.startWorker(options.worker);
  }

  /**
   * Starts another coordinator of the run; `clusters` first rewrites the run's config with them (same front
   * door and tables), as a coordinator redeployed with another config.
   */
  async startCoordinator(instance: string, clusters?: TestCluster[]): Promise<RunningCoordinator> {
    const config = this.config;
    if (!config) throw new Error('the scenario has not started');
    if (clusters) {
      for (const c of clusters) this.clusters.add(c.cluster);
      config.file = await writeCoordinatorConfig(this.prefix, clusters, config.frontDoor, config.tables);
    }
    const started = await startCoordinatorFrom(config.file, this.keyPrefix, instance, {
      env: config.env,
      grpcAddress: config.grpcAddress,
    });
    this.coordinators.push(started);
    return started;
  }

  /** Stops a coordinator (the latest unless given); the others keep running. */
  async stopCoordinator(coordinator = this.coordinator): Promise<void> {
    await coordinator.stop();
    this.coordinators.splice(this.coordinators.indexOf(coordinator), 1);
  }

  /** Starts a worker on the latest coordinator, with `overrides` over the test defaults. */
  async startWorker(overrides: Partial<WorkerSettings> = {}): Promise<RunningWorker> {
    const started = await startTestWorker(this.coordinator, this.prefix, this.keyPrefix, overrides);
    this.workers.push(started);
    return started;
  }

  /** Stops a worker (the latest unless given), without waiting for a job in hand. */
  async stopWorker(worker = this.worker): Promise<void> {
    await worker.stop();
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /** Workers first, so none is left holding a job; then the queue and the coordinators; then the cleanup. */
  async stop(): Promise<void> {
    try {
      for (const w of [...this.workers]) await this.stopWorker(w);
      await this.configQueue?.close();
      for (const c of [...this.coordinators]) await this.stopCoordinator(c);
    } finally {
      await cleanUpRun(this.client, this.redis, this.prefix, this.keyPrefix, [...this.clusters]);
    }
  }

  /** The coordinator started last. */
  get coordinator(): RunningCoordinator {
    const latest = this.coordinators.at(-1);
    if (!latest) throw new Error('no coordinator of the scenario runs');
    return latest;
  }

  /** The worker started last. */
  get worker(): RunningWorker {
    const latest = this.workers.at(-1);
    if (!latest) throw new Error('no worker of the scenario runs');
    return latest;
  }

  get frontDoor(): TestFrontDoor {
    const frontDoor = this.config?.frontDoor;
    if (!frontDoor) throw new Error('the scenario has no front door');
    return frontDoor;
  }

  get queue(): Queue {
    if (!this.configQueue) throw new Error('the scenario has no queue');
    return this.configQueue;
  }

  /** Waits until `host` answers 200 through the front door. */
  async waitAnswering(host: string, timeoutMs: number): Promise<void> {
    const port = this.frontDoor.httpPort;
    await waitFor(
      `${host} through the front door`,
      async () => ((await get(port, host, '/').catch(() => undefined))?.status === 200 ? true : undefined),
      timeoutMs,
    );
  }

  /** A waitFor probe: true once every cluster of the latest coordinator is in sync. */
  readonly allInSync = async (): Promise<true | undefined> =>
    (await this.coordinator.coordinator.status())?.clusters?.every((c) => c.inSync) ? true : undefined;
}
