import { Queue } from 'bullmq';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CONFIG_QUEUE, type ConfigJobData } from '#shared/jobs/config-job.js';
import { agentToken, startAgentServer } from './agent/agent-server.js';
import { Coordinator } from './coordinator.js';
import { DockerSwarmSource } from './docker/swarm-source.js';
import { SwarmWatcher } from './docker/swarm-watcher.js';
import { startGrpcServer } from './grpc/grpc-server.js';
import { ProxyServiceManager } from './proxy/proxy-service-manager.js';
import { ConfigJobQueue } from './queue/config-job-queue.js';
import { LeaderLease } from './queue/leader-lease.js';
import type { CoordinatorSettings } from './settings.js';

export interface RunningCoordinator {
  coordinator: Coordinator;
  lease: LeaderLease;
  grpcPort: number;
  agentPort: number;
  stop: () => Promise<void>;
}

const dockerFromUrl = (url: string): Docker =>
  url.startsWith('unix://')
    ? new Docker({ socketPath: url.slice('unix://'.length) })
    : new Docker({ host: url });

/** Builds every part from settings and starts them; the one place that constructs I/O. */
export async function startCoordinator(
  settings: CoordinatorSettings,
  log: Logger,
  options: { keyPrefix?: string; queuePrefix?: string; leaseTtlMs?: number; docker?: Docker } = {},
): Promise<RunningCoordinator> {
  const keyPrefix = options.keyPrefix ?? 'signalbox';
  const docker = options.docker ?? dockerFromUrl(settings.config.DockerURL);
  const redis = new Redis(settings.config.RedisURL, { maxRetriesPerRequest: null });
  const queue = new Queue<ConfigJobData>(CONFIG_QUEUE, {
    connection: redis,
    prefix: options.queuePrefix ?? 'bull',
  });
  const lease = new LeaderLease(
    redis,
    { key: `${keyPrefix}:leader`, id: settings.instance, ttlMs: options.leaseTtlMs ?? 6_000 },
    log.child({ component: 'lease' }),
    (leader) => {
      if (leader) coordinator.trigger('leadership');
    },
  );
  const coordinator: Coordinator = new Coordinator({
    docker,
    source: new DockerSwarmSource(docker),
    proxies: new ProxyServiceManager(docker, log.child({ component: 'proxies' })),
    jobs: new ConfigJobQueue(queue, redis, keyPrefix),
    lease,
    config: settings.config,
    agentToken: agentToken(settings.token),
    log: log.child({ component: 'reconciler' }),
  });
  const watcher = new SwarmWatcher(
    docker,
    (reason) => coordinator.trigger(reason),
    { taskPollMs: settings.taskPollMs, resyncMs: settings.resyncMs },
    log.child({ component: 'watcher' }),
  );
  await lease.start();
  watcher.start();
  coordinator.trigger('start');
  const grpc = await startGrpcServer(coordinator, {
    address: settings.grpcAddress,
    token: settings.token,
    log: log.child({ component: 'grpc' }),
  });
  const agents = await startAgentServer(coordinator, {
    address: settings.agentAddress,
    apiToken: settings.token,
    log: log.child({ component: 'agent-api' }),
  });
  return {
    coordinator,
    lease,
    grpcPort: grpc.port,
    agentPort: agents.port,
    stop: async () => {
      watcher.stop();
      coordinator.stop();
      await agents.stop();
      await grpc.stop();
      await lease.stop();
      await queue.close();
      redis.disconnect();
    },
  };
}
