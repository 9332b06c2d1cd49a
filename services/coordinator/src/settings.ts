import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { readServerTls, type ServerTls } from '#platform/grpc/grpc-tls.js';
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
  /** Override config.toml's GRPCTLSCertFile, GRPCTLSKeyFile and GRPCTLSClientCAFile, each on its own. */
  SIGNALBOX_GRPC_TLS_CERT_FILE: z.string().min(1).optional(),
  SIGNALBOX_GRPC_TLS_KEY_FILE: z.string().min(1).optional(),
  SIGNALBOX_GRPC_TLS_CLIENT_CA_FILE: z.string().min(1).optional(),
  /** The Docker secret holding the gRPC API's key (the stack sets it): marked as Signalbox's too. */
  SIGNALBOX_GRPC_TLS_KEY_SECRET: z.string().min(1).optional(),
  /** The Docker secret holding the workers' key under mutual TLS: marked as Signalbox's too. */
  SIGNALBOX_GRPC_WORKER_KEY_SECRET: z.string().min(1).optional(),
  /** Overrides config.toml's ViewerTokenFile with the token itself. */
  SIGNALBOX_VIEWER_TOKEN: z.string().optional(),
  /** The Docker secret holding the viewer token (the stack sets it): marked as Signalbox's too. */
  SIGNALBOX_VIEWER_TOKEN_SECRET: z.string().min(1).optional(),
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
  /**
   * The read-only token of the dashboard and `/metrics`. Without one, the dashboard takes the API token and
   * `/metrics` is open, as before the viewer token existed (a warning says so at start).
   */
  viewerToken?: string;
  /** The gRPC API's TLS; plain text when undefined (a warning says so at start). */
  grpcTls?: ServerTls;
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

/** A token at least 16 characters long, from the environment or the file the config names. */
function readToken(o: { env?: string; envKey: string; file: string; fileKey: string }): string {
  const token = o.env ?? (o.file ? readFileSync(o.file, 'utf8').trim() : '');
  if (token.length < 16) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      `a token of at least 16 characters is required in ${o.fileKey} or ${o.envKey}`,
      { key: o.fileKey },
    );
  }
  return token;
}

/** A file setting and the environment variable over it: the one in force, by the name to put in errors. */
const fileSetting = (
  envKey: string,
  fromEnv: string | undefined,
  configKey: string,
  fromConfig: string,
): { key: string; path: string } | undefined =>
  fromEnv ? { key: envKey, path: fromEnv } : fromConfig ? { key: configKey, path: fromConfig } : undefined;

const redisPassword = (fromEnv: string | undefined, fromConfig: string): { password?: string } => {
  const file = fileSetting('SIGNALBOX_REDIS_PASSWORD_FILE', fromEnv, 'RedisPasswordFile', fromConfig);
  return file ? { password: readRedisPassword(file.key, file.path) } : {};
};

function grpcTls(e: z.infer<typeof Env>, config: SignalboxConfig): ServerTls | undefined {
  const cert = fileSetting(
    'SIGNALBOX_GRPC_TLS_CERT_FILE',
    e.SIGNALBOX_GRPC_TLS_CERT_FILE,
    'GRPCTLSCertFile',
    config.GRPCTLSCertFile,
  );
  const key = fileSetting(
    'SIGNALBOX_GRPC_TLS_KEY_FILE',
    e.SIGNALBOX_GRPC_TLS_KEY_FILE,
    'GRPCTLSKeyFile',
    config.GRPCTLSKeyFile,
  );
  const clientCa = fileSetting(
    'SIGNALBOX_GRPC_TLS_CLIENT_CA_FILE',
    e.SIGNALBOX_GRPC_TLS_CLIENT_CA_FILE,
    'GRPCTLSClientCAFile',
    config.GRPCTLSClientCAFile,
  );
  if (!cert && !key && !clientCa) return undefined;
  if (!cert || !key) {
    const given = (cert ?? key ?? clientCa) as { key: string; path: string };
    throw new SignalboxError(
      'CONFIG_INVALID',
      `${given.key} ${given.path}: GRPCTLSCertFile and GRPCTLSKeyFile (or SIGNALBOX_GRPC_TLS_CERT_FILE and SIGNALBOX_GRPC_TLS_KEY_FILE) are set together, or neither for a plain-text API; a client CA needs both`,
      { label: given.key, value: given.path },
    );
  }
  return readServerTls({ cert, key, ...(clientCa ? { clientCa } : {}) });
}

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
  const token = readToken({
    env: e.SIGNALBOX_GRPC_TOKEN,
    envKey: 'SIGNALBOX_GRPC_TOKEN',
    file: config.GRPCTokenFile,
    fileKey: 'GRPCTokenFile',
  });
  const viewer =
    e.SIGNALBOX_VIEWER_TOKEN !== undefined || config.ViewerTokenFile !== ''
      ? readToken({
          env: e.SIGNALBOX_VIEWER_TOKEN,
          envKey: 'SIGNALBOX_VIEWER_TOKEN',
          file: config.ViewerTokenFile,
          fileKey: 'ViewerTokenFile',
        })
      : undefined;
  if (viewer === token) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      'the viewer token (ViewerTokenFile) must differ from the API token (GRPCTokenFile): it is handed to people who may only read',
      { key: 'ViewerTokenFile' },
    );
  }
  const tls = grpcTls(e, config);
  return {
    config,
    configWarnings: [
      ...warnings,
      ...(viewer
        ? []
        : [
            'ViewerTokenFile is not set: the dashboard asks for the API token and /metrics is open to anyone who reaches AgentListenAddr',
          ]),
      ...(tls
        ? []
        : [
            'GRPCTLSCertFile is not set: the gRPC API, and the token every call carries, cross the network in plain text',
          ]),
    ],
    token,
    ...(viewer ? { viewerToken: viewer } : {}),
    ...(tls ? { grpcTls: tls } : {}),
    ownSecrets: [
      e.SIGNALBOX_TOKEN_SECRET,
      e.SIGNALBOX_GRPC_TLS_KEY_SECRET,
      e.SIGNALBOX_GRPC_WORKER_KEY_SECRET,
      e.SIGNALBOX_REDIS_PASSWORD_SECRET,
      e.SIGNALBOX_VIEWER_TOKEN_SECRET,
    ].filter((name): name is string => name !== undefined),
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
