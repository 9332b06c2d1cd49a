import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { connectRedis } from '#platform/redis/redis-connection.js';
import { CONFIG_QUEUE, type ConfigJobData } from '#shared/jobs/config-job.js';
import { clusterAgentToken, frontDoorAgentToken } from './agent/agent-routes.js';
import { Coordinator } from './coordinator.js';
import { runCertificateCheck } from './docker/certificate-check-job.js';
import { connectDocker, type DockerEngine } from './docker/docker-api.js';
import { DockerSwarmSource } from './docker/swarm-source.js';
import { SwarmWatcher } from './docker/swarm-watcher.js';
import { startGrpcServer } from './grpc/grpc-server.js';
import { startHttpServer } from './http/http-server.js';
import { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import { CertificateChecks, certificateCheckSite, redisVerdictStore } from './proxy/certificate-checks.js';
import { markSignalboxSecret } from './proxy/edge-prerequisites.js';
import { configNameKey } from './proxy/proxy-configs.js';
import { ProxyServiceManager } from './proxy/proxy-service-manager.js';
import { ConfigJobQueue } from './queue/config-job-queue.js';
import { LeaderLease } from './queue/leader-lease.js';
import { redisRolloutRecords } from './rollout/rollout-records.js';
import type { CoordinatorSettings } from './settings.js';

export interface RunningCoordinator {
  coordinator: Coordinator;
  lease: LeaderLease;
  metrics: CoordinatorMetrics;
  grpcPort: number;
  /** Health, metrics, the front door agent's endpoint and the dashboard. */
  httpPort: number;
  stop: () => Promise<void>;
}

/**
 * A Docker call that gets no answer for this long fails (the socket's idle timeout), so a dockerd that
 * accepts a request and never answers costs one pass, which the next signal retries, instead of wedging
 * every later pass and rollout watch behind it.
 */
const DOCKER_CALL_TIMEOUT_MS = 30_000;

/** Builds every part from settings and starts them; the one place that constructs I/O. */
export async function startCoordinator(
  settings: CoordinatorSettings,
  log: Logger,
  options: { keyPrefix?: string; queuePrefix?: string; leaseTtlMs?: number; docker?: DockerEngine } = {},
): Promise<RunningCoordinator> {
  const keyPrefix = options.keyPrefix ?? settings.keyPrefix;
  const docker = options.docker ?? connectDocker(settings.config.DockerURL, DOCKER_CALL_TIMEOUT_MS);
  // No timeout for the event stream, which is idle for as long as nothing changes.
  const events = options.docker ?? connectDocker(settings.config.DockerURL, 0);
  for (const secret of settings.ownSecrets)
    if (!(await markSignalboxSecret(docker, secret)))
      log.warn({ secret }, "Signalbox's secret not found; it is not protected from ssl_cert");
  // Without listeners ioredis and BullMQ print connection errors unstructured; ioredis keeps reconnecting.
  const redisLog = log.child({ component: 'redis' });
  const redis = connectRedis(
    settings.redis.key,
    settings.redis.address,
    redisLog,
    'redis',
    settings.redis.password,
  );
  const queue = new Queue<ConfigJobData>(CONFIG_QUEUE, {
    connection: redis,
    prefix: options.queuePrefix ?? settings.queuePrefix,
  });
  queue.on('error', (err: Error) => redisLog.warn({ err: err.message }, 'job queue error'));
  const metrics = new CoordinatorMetrics();
  const lease = new LeaderLease(
    redis,
    { key: `${keyPrefix}:leader`, id: settings.instance, ttlMs: options.leaseTtlMs ?? 6_000 },
    log.child({ component: 'lease' }),
    (leader) => {
      metrics.leader.set(leader ? 1 : 0);
      // Either way a pass: the new leader reconciles, and a former one wakes the agents' long polls it
      // holds, which then send them to the new leader.
      coordinator.trigger('leadership');
    },
  );
  const coordinator: Coordinator = new Coordinator({
    docker,
    source: new DockerSwarmSource(docker),
    proxies: new ProxyServiceManager(docker, log.child({ component: 'proxies' }), keyPrefix),
    jobs: new ConfigJobQueue(queue, redis, keyPrefix),
    lease,
    config: settings.config,
    metrics,
    instance: settings.instance,
    agentTokens: {
      frontDoor: frontDoorAgentToken(settings.token),
      cluster: (cluster) => clusterAgentToken(settings.token, cluster),
    },
    configNameKey: configNameKey(settings.token),
    rolloutRecords: redisRolloutRecords(redis, `${keyPrefix}:rollouts`),
    certificates: new CertificateChecks(
      (pair) => runCertificateCheck(docker, pair, certificateCheckSite(settings.config, keyPrefix)),
      redisVerdictStore(redis, `${keyPrefix}:certificates`),
      () => coordinator.trigger('certificate'),
      log.child({ component: 'certificates' }),
    ),
    log: log.child({ component: 'reconciler' }),
  });
  const watcher = new SwarmWatcher(
    { getEvents: events.getEvents.bind(events), listTasks: docker.listTasks.bind(docker) },
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
    ...(settings.grpcTls ? { tls: settings.grpcTls } : {}),
    log: log.child({ component: 'grpc' }),
    observe: (method, code) => metrics.grpcCalls.inc({ method, code }),
  });
  const http = await startHttpServer(coordinator, {
    address: settings.agentAddress,
    apiToken: settings.token,
    ...(settings.viewerToken !== undefined ? { viewerToken: settings.viewerToken } : {}),
    registry: metrics.registry,
    queue,
    log: log.child({ component: 'http' }),
  });
  return {
    coordinator,
    lease,
    metrics,
    grpcPort: grpc.port,
    httpPort: http.port,
    stop: async () => {
      watcher.stop();
      coordinator.stop();
      await http.stop();
      await grpc.stop();
      await lease.stop();
      await queue.close();
      redis.disconnect();
    },
  };
}
