/**
 * What every config.toml key does in Signalbox, for the loader's warnings and `signalbox config check`.
 * `applied` keys take effect; `ignored` ones configure something Signalbox does not have; `replaced` ones
 * configure an Interlock part whose job a Signalbox part does. The key sets match the schema (a test checks).
 */
export type KeyFate = 'applied' | 'ignored' | 'replaced';

export interface KeyMeaning {
  readonly fate: KeyFate;
  readonly meaning: string;
  /** An applied key whose value is replaced when this holds (Interlock's own proxy images). */
  readonly replacedWhen?: (value: unknown) => boolean;
  readonly replacement?: string;
}

const applied = (meaning: string): KeyMeaning => ({ fate: 'applied', meaning });
const ignored = (meaning: string): KeyMeaning => ({ fate: 'ignored', meaning });
const replaced = (meaning: string): KeyMeaning => ({ fate: 'replaced', meaning });

const NO_DOCKER_TLS =
  'Signalbox reaches the Docker API at DockerURL without TLS client certificates (use the manager socket)';
const EXTENSION_SERVICE =
  "configures Interlock's extension service; Signalbox's workers, which render the config, are deployed by Signalbox's stack file, not created from config.toml";
const CONFIG_SERVICE =
  "Interlock's config service (hitless updates) is replaced by the worker queue, which renders and tests each config, and by the proxy agents, which apply it in place with a graceful reload; no config service is created";

/** Interlock's proxy images (UCP's and the 2.0 preview's) carry neither Signalbox's agent nor its modules. */
export const isInterlockProxyImage = (value: unknown): boolean =>
  typeof value === 'string' && (/interlock-proxy/.test(value) || value.startsWith('interlockpreview/'));

export const ROOT_KEYS: Readonly<Record<string, KeyMeaning>> = {
  ListenAddr: applied("address of the coordinator's gRPC API, which workers, proxy agents and the CLI call"),
  DockerURL: applied('Docker API the coordinator watches Swarm through and manages proxy services with'),
  TLSCACert: ignored(NO_DOCKER_TLS),
  TLSCert: ignored(NO_DOCKER_TLS),
  TLSKey: ignored(NO_DOCKER_TLS),
  AllowInsecure: ignored(`${NO_DOCKER_TLS}, so there is no verification to skip`),
  PollInterval: applied('full resync with Swarm at this interval; Docker events trigger one sooner'),
  EndpointOverride: ignored(
    "workers and proxy agents are given the coordinator's address by Signalbox's stack file (SIGNALBOX_COORDINATOR)",
  ),
  Extensions: applied('one service cluster per table, each with its own proxy service'),
  RedisURL: applied(
    'Signalbox: Redis holding the config job queue: redis://host:port, or redis-sentinel://host:26379,…/master-name for the primary Redis Sentinel elects',
  ),
  RedisPasswordFile: applied('Signalbox: file (a Docker secret) with the password of the Redis in RedisURL'),
  GRPCTokenFile: applied('Signalbox: file with the token workers and operators present to the gRPC API'),
  GRPCTLSCertFile: applied(
    "Signalbox: the coordinator's TLS certificate for the gRPC API (it names signalbox-coordinator)",
  ),
  GRPCTLSKeyFile: applied('Signalbox: the key of GRPCTLSCertFile'),
  GRPCTLSClientCAFile: applied(
    'Signalbox: a CA the gRPC API requires client certificates from (mutual TLS); none when empty',
  ),
  ViewerTokenFile: applied(
    "Signalbox: file with the read-only token for the coordinator's dashboard and metrics (not the API token)",
  ),
  TaskPollInterval: applied('Signalbox: tasks are polled at this interval, since Swarm emits no task events'),
  Planner: applied('Signalbox: how apps without a service_cluster label are spread over clusters'),
  AgentListenAddr: applied("Signalbox: the coordinator's HTTP address (health, metrics, dashboard, agents)"),
  RuntimeTargets: applied('Signalbox: proxies take HTTP targets at run time, so task churn needs no reload'),
  LogLevel: applied("Signalbox: the coordinator's log level"),
  FrontDoor: applied(
    'Signalbox: the edge service that publishes the ports and hands requests to cluster proxies',
  ),
  Tenancy: applied('Signalbox: tenant isolation of hosts and default backends'),
  Limits: applied(
    "Signalbox: how much routing one service's labels may ask for (hosts, paths, redirects), services per tenant, locations per cluster",
  ),
};

export const PLANNER_KEYS: Readonly<Record<string, KeyMeaning>> = {
  Balance: applied('Signalbox: slack over an even split of app weight between auto-assigned clusters'),
  TimeBudget: applied('Signalbox: wall-clock budget of one plan'),
  Seed: applied("Signalbox: seeds the planner's random choices, so equal input gives an equal plan"),
  MoveCost: applied('Signalbox: attachments a move must save to be worth making'),
  MaxMoves: applied('Signalbox: voluntary moves per plan'),
  ChooseNetworks: applied(
    'Signalbox: an app on several networks without com.docker.lb.network is routed on the one the planner picks for its proxy (fewest networks per proxy, then fewest attachments); false: rejected, as in Interlock (default true)',
  ),
};

export const EXTENSION_KEYS: Readonly<Record<string, KeyMeaning>> = {
  Image: ignored(EXTENSION_SERVICE),
  Args: ignored(EXTENSION_SERVICE),
  Labels: ignored(EXTENSION_SERVICE),
  ContainerLabels: ignored(EXTENSION_SERVICE),
  Constraints: ignored(EXTENSION_SERVICE),
  PlacementPreferences: ignored(EXTENSION_SERVICE),
  ServiceName: ignored(EXTENSION_SERVICE),
  Networks: applied(
    'the only overlay networks the proxy joins (Interlock 3), all of them from the start; apps reachable on none of them are not routed by this cluster, and apps on them prefer it',
  ),
  ProxyImage: {
    ...applied(
      "image of the proxy service; it must be built on Signalbox's proxy image (agent, nginx modules)",
    ),
    replacedWhen: isInterlockProxyImage,
    replacement:
      "names Interlock's proxy image; Signalbox's proxy image is used instead, as its proxies need Signalbox's agent and nginx modules",
  },
  ProxyArgs: applied('arguments of the proxy container'),
  ProxyLabels: applied('labels on the proxy service'),
  ProxyContainerLabels: applied("labels on the proxy service's tasks"),
  ProxyServiceName: applied('name of the proxy service'),
  ProxyConfigPath: applied('where nginx reads its config inside the proxy'),
  ProxyReplicas: applied('proxy service replicas'),
  ProxyStopSignal: applied("proxy tasks' stop signal"),
  ProxyStopGracePeriod: applied("proxy tasks' stop grace period"),
  ProxyConstraints: applied('placement constraints of the proxy service'),
  ProxyPlacementPreferences: applied('placement preferences of the proxy service'),
  ProxyUpdateDelay: applied('delay between proxy tasks in a rolling update'),
  WarmNetworks: applied("Signalbox: a placeholder task keeps the proxy's networks ready on its nodes"),
  ProxyUpdateOrder: applied('Signalbox: start-first or stop-first proxy updates'),
  ServiceCluster: applied('apps labelled com.docker.lb.service_cluster with this name are served here'),
  AutoAssign: applied('Signalbox: whether apps without a service_cluster label may be placed here'),
  Capacity: applied("Signalbox: total app weight this cluster's proxy may serve"),
  PublishMode: applied('how the proxy publishes its ports (ingress or host) when the front door is off'),
  PublishedPort: applied('published HTTP port of the proxy when the front door is off'),
  TargetPort: applied('HTTP port nginx listens on inside the proxy'),
  PublishedSSLPort: applied('published HTTPS port of the proxy when the front door is off'),
  TargetSSLPort: applied('HTTPS port nginx listens on inside the proxy'),
  Template: ignored(
    "Signalbox renders nginx config with its own renderer; Interlock's extension templates (Go text/template) cannot be applied",
  ),
  HitlessServiceUpdate: replaced(
    'Signalbox always applies new config without replacing proxy tasks: proxy agents apply it in place with a graceful reload',
  ),
  ConfigImage: replaced(CONFIG_SERVICE),
  ConfigServiceName: replaced(CONFIG_SERVICE),
  Config: applied("nginx settings of this cluster's proxy"),
};

export const NGINX_KEYS: Readonly<Record<string, KeyMeaning>> = {
  User: applied('nginx user'),
  PidPath: applied('nginx pid file'),
  MaxConnections: applied('worker_connections'),
  ConnectTimeout: applied('proxy_connect_timeout, in seconds'),
  SendTimeout: applied('proxy_send_timeout and send_timeout, in seconds'),
  ReadTimeout: applied('proxy_read_timeout, in seconds'),
  IPHash: applied('every pool balances by client address (ip_hash)'),
  SSLOpts: ignored('free-form SSL options cannot be placed safely; use HTTPOptions for extra directives'),
  SSLDefaultDHParam: applied('ssl_dhparam is written when this is above 0 and SSLDefaultDHParamPath is set'),
  SSLDefaultDHParamPath: applied('ssl_dhparam file'),
  SSLVerify: ignored('Signalbox terminates TLS without verifying client certificates'),
  WorkerProcesses: applied('worker_processes'),
  RLimitNoFile: applied('worker_rlimit_nofile'),
  SSLCiphers: applied(
    "ssl_ciphers; set, it replaces TLSProfile's TLS 1.2 cipher list and turns ssl_prefer_server_ciphers on",
  ),
  SSLProtocols: applied("ssl_protocols; set, it replaces TLSProfile's protocols"),
  TLSProfile: applied(
    "Signalbox: Mozilla's modern, intermediate (default) or old TLS profile: protocols, ciphers, session cache, OCSP stapling",
  ),
  HSTS: applied(
    'Signalbox: Strict-Transport-Security value (max-age=N[; includeSubDomains][; preload]) for TLS hosts without an io.signalbox.hsts label',
  ),
  HideInfoHeaders: applied('leave out the x-request-id, x-proxy-id, x-server-info and x-upstream-* headers'),
  KeepaliveTimeout: applied('keepalive_timeout'),
  ClientMaxBodySize: applied('client_max_body_size'),
  ClientBodyBufferSize: applied('client_body_buffer_size'),
  ClientHeaderBufferSize: applied('client_header_buffer_size'),
  LargeClientHeaderBuffers: applied('large_client_header_buffers'),
  ClientBodyTimeout: applied('client_body_timeout'),
  UnderscoresInHeaders: applied('underscores_in_headers'),
  ServerNamesHashBucketSize: applied('server_names_hash_bucket_size, raised when the host names need more'),
  UpstreamZoneSize: ignored("Signalbox's upstreams use no shared-memory zone"),
  GlobalOptions: applied('raw directives in the main context'),
  HTTPOptions: applied('raw directives in the http context'),
  TCPOptions: applied('raw directives in the stream context'),
  AccessLogPath: applied('access_log path'),
  ErrorLogPath: applied('error_log path'),
  MainLogFormat: applied('log_format main'),
  TraceLogFormat: applied('log_format trace'),
  Version: applied('text of the x-server-info header'),
  HTTPVersion: applied('proxy_http_version'),
  AdminUser: ignored("HAProxy statistics credentials; Interlock's nginx extension did not use them either"),
  AdminPass: ignored("HAProxy statistics credentials; Interlock's nginx extension did not use them either"),
  UpstreamKeepalive: applied('Signalbox: idle keep-alive connections per upstream pool'),
  StreamModulePath: applied('Signalbox: stream module loaded for TLS passthrough'),
  InternalTLSPort: applied('Signalbox: loopback port where TLS is terminated behind the SNI router'),
  NDKModulePath: applied('Signalbox: NDK module loaded for run-time targets'),
  LuaModulePath: applied('Signalbox: Lua module loaded for run-time targets'),
  LuaPackagePath: applied("Signalbox: where lua-resty-core's modules are"),
};
