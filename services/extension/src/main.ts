import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { clientTlsFromEnv } from '#platform/grpc/grpc-tls.js';
import { parseListenAddress } from '#platform/http/listen-address.js';
import { createLogger } from '#platform/log/create-logger.js';
import { readRedisPassword } from '#platform/redis/redis-password.js';
import { LogLevel, RedisAddressString } from '#shared/config/index.js';
import { startWorker } from './start-worker.js';

/** The worker's environment; it needs the coordinator's address, the API token and Redis, nothing else. */
const Env = z.object({
  SIGNALBOX_COORDINATOR: z.string().default('coordinator:8080'),
  SIGNALBOX_GRPC_TOKEN: z.string().optional(),
  SIGNALBOX_GRPC_TOKEN_FILE: z.string().default('/run/secrets/signalbox-grpc-token'),
  /** `redis://host:port`, or `redis-sentinel://host1:26379,host2:26379,…/master-name` for Sentinel. */
  SIGNALBOX_REDIS_URL: RedisAddressString.default('redis://redis:6379'),
  /** A file (a Docker secret) with the Redis password; none when unset. */
  SIGNALBOX_REDIS_PASSWORD_FILE: z.string().min(1).optional(),
  SIGNALBOX_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  SIGNALBOX_QUEUE_PREFIX: z.string().default('bull'),
  SIGNALBOX_KEY_PREFIX: z.string().default('signalbox'),
  SIGNALBOX_JOB_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  SIGNALBOX_CLUSTER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Health, readiness and metrics; Interlock-style ":8082" listens on every interface. */
  SIGNALBOX_HTTP_ADDR: z.string().default(':8082'),
  LOG_LEVEL: LogLevel.default('info'),
});

const env = Env.parse(process.env);
const token = env.SIGNALBOX_GRPC_TOKEN ?? readFileSync(env.SIGNALBOX_GRPC_TOKEN_FILE, 'utf8').trim();
// SIGNALBOX_GRPC_CA_FILE, and SIGNALBOX_GRPC_CERT_FILE with SIGNALBOX_GRPC_KEY_FILE for mutual TLS: read
// where the CLI reads them too.
const tls = clientTlsFromEnv(process.env);
const workerId = `${hostname()}-${process.pid}`;
const log = createLogger({ component: 'extension', level: env.LOG_LEVEL, base: { worker: workerId } });
const running = await startWorker(
  {
    coordinatorAddress: env.SIGNALBOX_COORDINATOR,
    token,
    ...(tls ? { tls } : {}),
    redisUrl: env.SIGNALBOX_REDIS_URL,
    ...(env.SIGNALBOX_REDIS_PASSWORD_FILE
      ? {
          redisPassword: readRedisPassword(
            'SIGNALBOX_REDIS_PASSWORD_FILE',
            env.SIGNALBOX_REDIS_PASSWORD_FILE,
          ),
        }
      : {}),
    concurrency: env.SIGNALBOX_CONCURRENCY,
    workerId,
    serverInfo: 'signalbox',
    queuePrefix: env.SIGNALBOX_QUEUE_PREFIX,
    keyPrefix: env.SIGNALBOX_KEY_PREFIX,
    jobLockMs: env.SIGNALBOX_JOB_LOCK_MS,
    clusterLockMs: env.SIGNALBOX_CLUSTER_LOCK_MS,
    http: parseListenAddress(env.SIGNALBOX_HTTP_ADDR),
  },
  log,
);
if (!tls) log.warn('SIGNALBOX_GRPC_CA_FILE is not set: the gRPC API and its token travel in plain text');
log.info({ concurrency: env.SIGNALBOX_CONCURRENCY }, 'worker started');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void running.stop().then(() => process.exit(0));
  });
}
