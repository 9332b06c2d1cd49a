import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { readRedisPassword } from '#platform/redis/redis-password.js';
import {
  durationMs,
  LogLevel,
  loadConfig,
  RedisAddressString,
  type SignalboxConfig,
} from '#shared/config/index.js';
import { SignalboxError } from '#shared/errors/index.js';

/** The coordinator's environment; only main.ts reads process.env, and only through this schema. */
const Env = z.object({
  SIGNALBOX_CONFIG: z.string().default('/config.toml'),
  SIGNALBOX_GRPC_TOKEN: z.string().optional(),
  /** The Docker secret holding the API token (the stack sets it): marked as Signalbox's, never mountable. */
  SIGNALBOX_TOKEN_SECRET: z.string().min(1).optional(),
  /** The Docker secret holding Redis's password (the stack sets it): marked as Signalbox's too. */
  SIGNALBOX_REDIS_PASSWORD_SECRET: z.string().min(1).optional(),
  SIGNALBOX_INSTANCE: z.string().default(`coordinator-${process.pid}`),
  // Two installations can share one Redis when their prefixes differ (the workers take the same two).
  SIGNALBOX_KEY_PREFIX: z.string().min(1).default('signalbox'),
  SIGNALBOX_QUEUE_PREFIX: z.string().min(1).default('bull'),
  /** Overrides config.toml's RedisURL, so a stack variant (e.g. Sentinel's) can change Redis alone. */
  SIGNALBOX_REDIS_URL: RedisAddressString.optional(),
  /** Overrides config.toml's RedisPasswordFile, as SIGNALBOX_REDIS_URL does RedisURL. */
  SIGNALBOX_REDIS_PASSWORD_FILE: z.string().min(1).optional(),
  LOG_LEVEL: LogLevel.optional(),
});

export interface CoordinatorSettings {
  config: SignalboxConfig;
  configWarnings: string[];
  token: string;
  /** Docker secrets of Signalbox's own (the API token, Redis's password): marked so no proxy mounts them. */
  ownSecrets: string[];
  instance: string;
  keyPrefix: string;
  queuePrefix: string;
  /**
   * The Redis address and the setting it came from (RedisURL, or SIGNALBOX_REDIS_URL over it), for errors,
   * and the password from RedisPasswordFile (or SIGNALBOX_REDIS_PASSWORD_FILE over it), when one is set.
   */
  redis: { key: string; address: string; password?: string };
  logLevel: string;
  grpcAddress: string;
  agentAddress: string;
  taskPollMs: number;
  resyncMs: number;
}

const redisPassword = (fromEnv: string | undefined, fromConfig: string): { password?: string } => {
  if (fromEnv) return { password: readRedisPassword('SIGNALBOX_REDIS_PASSWORD_FILE', fromEnv) };
  if (fromConfig) return { password: readRedisPassword('RedisPasswordFile', fromConfig) };
  return {};
};

/** Interlock's ListenAddr is ":8080"; gRPC wants an explicit host. */
const grpcAddress = (listen: string): string => (listen.startsWith(':') ? `0.0.0.0${listen}` : listen);

export function loadCoordinatorSettings(env: NodeJS.ProcessEnv): CoordinatorSettings {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const e = parsed.data;
  let text = '';
  try {
    text = readFileSync(e.SIGNALBOX_CONFIG, 'utf8');
  } catch (cause) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      `cannot read config ${e.SIGNALBOX_CONFIG}: ${(cause as Error).message}`,
      {},
      { cause },
    );
  }
  const { config, warnings } = loadConfig(text);
  const token =
    e.SIGNALBOX_GRPC_TOKEN ?? (config.GRPCTokenFile ? readFileSync(config.GRPCTokenFile, 'utf8').trim() : '');
  if (token.length < 16) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      'a gRPC token of at least 16 characters is required (GRPCTokenFile or SIGNALBOX_GRPC_TOKEN)',
    );
  }
  return {
    config,
    configWarnings: warnings,
    token,
    ownSecrets: [e.SIGNALBOX_TOKEN_SECRET, e.SIGNALBOX_REDIS_PASSWORD_SECRET].filter(
      (name): name is string => name !== undefined,
    ),
    instance: e.SIGNALBOX_INSTANCE,
    keyPrefix: e.SIGNALBOX_KEY_PREFIX,
    queuePrefix: e.SIGNALBOX_QUEUE_PREFIX,
    redis: {
      ...(e.SIGNALBOX_REDIS_URL
        ? { key: 'SIGNALBOX_REDIS_URL', address: e.SIGNALBOX_REDIS_URL }
        : { key: 'RedisURL', address: config.RedisURL }),
      ...redisPassword(e.SIGNALBOX_REDIS_PASSWORD_FILE, config.RedisPasswordFile),
    },
    logLevel: e.LOG_LEVEL ?? config.LogLevel,
    grpcAddress: grpcAddress(config.ListenAddr),
    agentAddress: config.AgentListenAddr,
    taskPollMs: durationMs(config.TaskPollInterval),
    resyncMs: durationMs(config.PollInterval),
  };
}
