import { z } from 'zod';
import { checkHsts } from '../labels/hsts.js';
import { LimitSettings } from './limits-schema.js';
import { parseLogFormat } from './log-format.js';
import { RedisAddressString } from './redis-address.js';
import { TenancySettings } from './tenancy-schema.js';

/**
 * Interlock's `config.toml`, key for key, so an Interlock file loads unchanged. Values that end up in nginx
 * config are checked against an allow-list here, because the renderer writes them without quoting.
 */
const size = z.string().regex(/^[0-9]+[kKmMgG]?$/, 'must be a size such as 8k or 32m');
const duration = z.string().regex(/^[0-9]+(ms|s|m|h|d)?$/, 'must be a duration such as 75s');
const filePath = z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'must be an absolute file path');
const seconds = z.number().int().min(1).max(86_400);
/** Checked as nginx will read it (see log-format.ts); UCP's multi-line values become one line. */
const logFormat = z.string().transform((v, ctx) => {
  const parsed = parseLogFormat(v);
  if (parsed.ok) return parsed.args;
  ctx.addIssue({ code: 'custom', message: parsed.reason });
  return z.NEVER;
});
const rawDirectives = z.array(z.string().regex(/^[^\n\r]*$/, 'must be one line'));

export const NginxSettings = z
  .object({
    User: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/, 'must be a user name')
      .default('nginx'),
    PidPath: filePath.default('/var/run/proxy.pid'),
    MaxConnections: z.number().int().min(1).max(1_000_000).default(1024),
    ConnectTimeout: seconds.default(600),
    SendTimeout: seconds.default(600),
    ReadTimeout: seconds.default(600),
    IPHash: z.boolean().default(false),
    SSLOpts: z.string().default(''),
    SSLDefaultDHParam: z.number().int().min(0).default(1024),
    SSLDefaultDHParamPath: z.union([filePath, z.literal('')]).default(''),
    SSLVerify: z.string().default('required'),
    WorkerProcesses: z
      .union([z.number().int().min(1).max(1024), z.literal('auto'), z.string().regex(/^[0-9]+$/)])
      .default(1),
    RLimitNoFile: z.number().int().min(1).default(65535),
    // No defaults: unset, TLSProfile decides (Interlock's defaults, HIGH:!aNULL:!MD5 and TLSv1.2, would mask it).
    SSLCiphers: z
      .string()
      .regex(/^[A-Za-z0-9:!+@=_.-]+$/, 'must be an OpenSSL cipher list')
      .optional(),
    SSLProtocols: z
      .string()
      .regex(/^(SSLv3|TLSv1(\.[0-3])?)( (SSLv3|TLSv1(\.[0-3])?))*$/, 'must list SSLv3 or TLSv1…TLSv1.3')
      .optional(),
    /** Signalbox: Mozilla's TLS configuration (see nginx/tls-policy.ts); SSLCiphers and SSLProtocols override it. */
    TLSProfile: z.enum(['modern', 'intermediate', 'old']).default('intermediate'),
    /** Signalbox: Strict-Transport-Security for TLS hosts without an io.signalbox.hsts label; unset, none. */
    HSTS: z
      .string()
      .superRefine((v, ctx) => {
        const checked = checkHsts(v);
        if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.reason });
      })
      .optional(),
    HideInfoHeaders: z.boolean().default(false),
    KeepaliveTimeout: duration.default('75s'),
    ClientMaxBodySize: size.default('32m'),
    ClientBodyBufferSize: size.default('8k'),
    ClientHeaderBufferSize: size.default('1k'),
    LargeClientHeaderBuffers: z
      .string()
      .regex(/^[0-9]+ [0-9]+[kKmM]?$/, 'must be "number size" such as "4 8k"')
      .default('4 8k'),
    ClientBodyTimeout: duration.default('60s'),
    UnderscoresInHeaders: z.boolean().default(false),
    ServerNamesHashBucketSize: z.number().int().min(32).max(4096).default(128),
    UpstreamZoneSize: z.number().int().min(0).default(64),
    GlobalOptions: rawDirectives.default([]),
    HTTPOptions: rawDirectives.default([]),
    TCPOptions: rawDirectives.default([]),
    AccessLogPath: filePath.default('/dev/stdout'),
    ErrorLogPath: filePath.default('/dev/stdout'),
    MainLogFormat: logFormat.optional(),
    TraceLogFormat: logFormat.optional(),
    Version: z
      .string()
      .regex(/^[A-Za-z0-9 ._()/:+-]*$/, 'must be plain text')
      .default(''),
    HTTPVersion: z.enum(['1.0', '1.1']).default('1.1'),
    AdminUser: z.string().default(''),
    AdminPass: z.string().default(''),
    /** Signalbox: idle keep-alive connections each proxy worker keeps per upstream pool. */
    UpstreamKeepalive: z.number().int().min(0).max(10_000).default(32),
    /** Signalbox: the stream module to load for TLS passthrough; empty when nginx has it built in. */
    StreamModulePath: z
      .union([filePath, z.literal('')])
      .default('/usr/lib/nginx/modules/ngx_stream_module.so'),
    /** Signalbox: loopback port where TLS is terminated behind the SNI router when passthrough hosts exist. */
    InternalTLSPort: z.number().int().min(1).max(65535).default(10443),
    /** Signalbox: the modules run-time targets load (Debian's libnginx-mod-http-lua); empty when built in. */
    NDKModulePath: z.union([filePath, z.literal('')]).default('/usr/lib/nginx/modules/ndk_http_module.so'),
    LuaModulePath: z
      .union([filePath, z.literal('')])
      .default('/usr/lib/nginx/modules/ngx_http_lua_module.so'),
    /** Signalbox: where lua-resty-core's modules are (Debian's lua-resty-core and lua-resty-lrucache). */
    LuaPackagePath: z
      .string()
      .regex(/^[A-Za-z0-9._/?;-]+$/)
      .default('/usr/share/lua/5.1/?.lua;;'),
  })
  .strict();

export const ExtensionConfig = z
  .object({
    Image: z.string().optional(),
    Args: z.array(z.string()).default([]),
    Labels: z.record(z.string(), z.string()).default({}),
    ContainerLabels: z.record(z.string(), z.string()).default({}),
    /**
     * Interlock 3: the proxy joins exactly these networks (by name or ID), and serves only apps reachable on
     * one of them. Empty: it joins its apps' networks.
     */
    Networks: z.array(z.string()).default([]),
    Constraints: z.array(z.string()).default([]),
    PlacementPreferences: z.array(z.string()).default([]),
    ServiceName: z.string().optional(),
    ProxyImage: z.string().optional(),
    ProxyArgs: z.array(z.string()).default([]),
    ProxyLabels: z.record(z.string(), z.string()).default({}),
    ProxyContainerLabels: z.record(z.string(), z.string()).default({}),
    ProxyServiceName: z.string().optional(),
    ProxyConfigPath: filePath.default('/etc/nginx/nginx.conf'),
    ProxyReplicas: z.number().int().min(0).default(2),
    ProxyStopSignal: z.string().default('SIGQUIT'),
    ProxyStopGracePeriod: duration.default('5s'),
    ProxyConstraints: z.array(z.string()).default([]),
    ProxyPlacementPreferences: z.array(z.string()).default([]),
    ProxyUpdateDelay: duration.optional(),
    /** Signalbox: keep the cluster's networks set up on proxy nodes with a sleeping placeholder task. */
    WarmNetworks: z.boolean().default(true),
    /** Signalbox: start-first (default) or stop-first; host-mode publishing defaults to stop-first. */
    ProxyUpdateOrder: z.enum(['start-first', 'stop-first']).optional(),
    ServiceCluster: z.string().default(''),
    /**
     * Signalbox: whether the planner may place apps without a service_cluster label here. Unset means
     * Interlock's behaviour: only the cluster with ServiceCluster = "" takes unlabelled apps.
     */
    AutoAssign: z.boolean().optional(),
    /** Signalbox: total app weight this cluster's proxy may serve; default an even share plus Planner.Balance. */
    Capacity: z.number().int().positive().optional(),
    PublishMode: z.enum(['ingress', 'host']).default('ingress'),
    PublishedPort: z.number().int().min(1).max(65535).default(8080),
    TargetPort: z.number().int().min(1).max(65535).default(80),
    PublishedSSLPort: z.number().int().min(1).max(65535).default(8443),
    TargetSSLPort: z.number().int().min(1).max(65535).default(443),
    Template: z.string().optional(),
    HitlessServiceUpdate: z.boolean().default(false),
    ConfigImage: z.string().optional(),
    ConfigServiceName: z.string().optional(),
    Config: NginxSettings.default(() => NginxSettings.parse({})),
  })
  .strict();

export const PlannerSettings = z
  .object({
    /** Slack over an even split of app weight between auto-assigned clusters. */
    Balance: z.number().min(0).max(10).default(0.1),
    TimeBudget: duration.default('1s'),
    Seed: z.number().int().nonnegative().default(1),
    /** Attachments a move must save to be worth making. */
    MoveCost: z.number().min(0).optional(),
    /** Voluntary moves per plan. */
    MaxMoves: z.number().int().nonnegative().optional(),
    /**
     * An app on several networks without a com.docker.lb.network label is routed on the one the planner
     * chooses for its proxy; false: such an app is rejected and asked for the label, as Interlock did.
     */
    ChooseNetworks: z.boolean().default(true),
  })
  .strict();

/**
 * Signalbox: the front door, one edge service that publishes the HTTP and HTTPS ports and hands each
 * request to the proxy of the cluster that owns its host, so clients never learn which cluster serves an app.
 */
export const FrontDoorSettings = z
  .object({
    /** Off: each cluster proxy publishes its own ports, as Interlock did. */
    Enabled: z.boolean().default(true),
    ServiceName: z.string().default('signalbox-frontdoor'),
    Image: z.string().optional(),
    /** The overlay network the front door and every cluster proxy join; created when missing. */
    Network: z.string().default('signalbox-edge'),
    /**
     * The edge network is created encrypted (Swarm's IPsec between nodes): it carries every client's
     * request, and the agents' tokens and targets. A network that exists is used as it is.
     */
    EncryptNetwork: z.boolean().default(true),
    PublishMode: z.enum(['ingress', 'host']).default('host'),
    HTTPPort: z.number().int().min(1).max(65535).default(80),
    HTTPSPort: z.number().int().min(1).max(65535).default(443),
    Constraints: z.array(z.string()).default([]),
    Labels: z.record(z.string(), z.string()).default({}),
    /** Where the front door's agent fetches its config: the coordinator's agent endpoint. */
    ConfigURL: z.string().default('http://tasks.signalbox_coordinator:8081/v1/front-door/nginx.conf'),
    // A pause after each answer; the endpoint long-polls, so none is needed to spare the coordinator.
    PollInterval: duration.default('0s'),
  })
  .strict();

export const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export const SignalboxConfig = z
  .object({
    ListenAddr: z.string().default(':8080'),
    DockerURL: z.string().default('unix:///var/run/docker.sock'),
    TLSCACert: z.string().optional(),
    TLSCert: z.string().optional(),
    TLSKey: z.string().optional(),
    AllowInsecure: z.boolean().default(false),
    PollInterval: duration.default('3s'),
    EndpointOverride: z.string().optional(),
    Extensions: z.record(z.string(), ExtensionConfig).default({}),
    /**
     * Signalbox: where config jobs are queued: `redis://host:6379`, or the primary a set of Redis Sentinels
     * elects, `redis-sentinel://host1:26379,host2:26379,host3:26379/master-name` (see redis-address.ts).
     */
    RedisURL: RedisAddressString.default('redis://127.0.0.1:6379'),
    /** Signalbox: file holding the password of Redis (and of every data node under Sentinel), a Docker secret. */
    RedisPasswordFile: z.union([filePath, z.literal('')]).default(''),
    /** Signalbox: file holding the token workers and operators present to the gRPC API (a Docker secret). */
    GRPCTokenFile: z.union([filePath, z.literal('')]).default(''),
    /**
     * Signalbox: the gRPC API's certificate and key (Docker secrets, made by deploy/tls/make-grpc-tls.sh);
     * both or neither. Without them the API is plain text, and the coordinator warns at start.
     */
    GRPCTLSCertFile: z.union([filePath, z.literal('')]).default(''),
    GRPCTLSKeyFile: z.union([filePath, z.literal('')]).default(''),
    /** Signalbox: with a CA here, the gRPC API takes only clients with a certificate it signed (mutual TLS). */
    GRPCTLSClientCAFile: z.union([filePath, z.literal('')]).default(''),
    /**
     * Signalbox: file holding the read-only token the coordinator's dashboard and `/metrics` ask for (a Docker
     * secret). With it, the API token is not taken there, so it is never typed into a browser.
     */
    ViewerTokenFile: z.union([filePath, z.literal('')]).default(''),
    /** Signalbox: tasks are polled this often, since Swarm emits no task events. */
    TaskPollInterval: duration.default('500ms'),
    Planner: PlannerSettings.default(() => PlannerSettings.parse({})),
    /** Signalbox: the coordinator's plain HTTP: health, metrics, the dashboard and the front door agent's config. */
    AgentListenAddr: z.string().default(':8081'),
    /**
     * Signalbox: proxies take HTTP targets at run time from the coordinator (through their agent, over the
     * front door's edge network), so task churn changes no config; only with the front door on.
     */
    RuntimeTargets: z.boolean().default(true),
    /** Signalbox: the coordinator's log level; the LOG_LEVEL environment variable overrides it. */
    LogLevel: LogLevel.default('info'),
    FrontDoor: FrontDoorSettings.default(() => FrontDoorSettings.parse({})),
    /** Signalbox: tenant isolation (see tenancy-schema.ts); absent, every service is one tenant, as in Interlock. */
    Tenancy: TenancySettings.optional(),
    Limits: LimitSettings.default(() => LimitSettings.parse({})),
  })
  .strict();

export type NginxSettings = z.infer<typeof NginxSettings>;
export type ExtensionConfig = z.infer<typeof ExtensionConfig>;
export type SignalboxConfig = z.infer<typeof SignalboxConfig>;
export type PlannerSettings = z.infer<typeof PlannerSettings>;
export type FrontDoorSettings = z.infer<typeof FrontDoorSettings>;

export const defaultNginxSettings = (): NginxSettings => NginxSettings.parse({});
export const defaultExtension = (): ExtensionConfig => ExtensionConfig.parse({});

/** The HTTPS port clients use, for ssl_only redirects: the front door's when it is on, else the proxy's own. */
export const publishedHttpsPort = (config: SignalboxConfig, ext: ExtensionConfig): number =>
  config.FrontDoor.Enabled ? config.FrontDoor.HTTPSPort : ext.PublishedSSLPort;
