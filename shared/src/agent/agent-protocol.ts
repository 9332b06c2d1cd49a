/**
 * The protocol between the coordinator and the proxies' agents, the busybox shell scripts of the proxy image
 * (deploy/proxy/*.sh): where they ask, what they send, what each answer means, and the environment the
 * coordinator starts them with. The coordinator's routes (agent-routes.ts) and the proxy service specs take
 * every name from here; agent-protocol.test.ts checks the scripts use exactly these names, and
 * agent-protocol.int.test.ts runs the proxy image's scripts against the coordinator's real routes.
 *
 * Every endpoint is a long poll: `?after=<what the agent runs>` holds the request until the answer differs
 * (or about 25 s pass). 200 carries the new document, 204 means nothing new, 503 a standby coordinator (the
 * agent asks again and DNS round robin brings it to the leader); every answer names the leader's epoch.
 */

/** The cluster whose ServiceCluster is empty, in paths (as in config job ids). */
const DEFAULT_CLUSTER_SEGMENT = '_default';

export const AGENT_ROUTES = {
  frontDoorConfig: '/v1/front-door/nginx.conf',
  frontDoorTlsConfig: '/v1/front-door/tls.conf',
  frontDoorHosts: '/v1/front-door/hosts',
  clusterTargets: '/v1/clusters/:cluster/targets',
  clusterConfig: '/v1/clusters/:cluster/nginx.conf',
} as const;

const withCluster = (route: string, cluster: string): string =>
  route.replace(':cluster', encodeURIComponent(cluster || DEFAULT_CLUSTER_SEGMENT));

/** A cluster's run-time targets (the wire format of shared/src/nginx/runtime-targets.ts). */
export const targetsPath = (cluster: string): string => withCluster(AGENT_ROUTES.clusterTargets, cluster);
/** The nginx.conf a cluster's proxy task should run now. */
export const agentConfigPath = (cluster: string): string => withCluster(AGENT_ROUTES.clusterConfig, cluster);
/** The cluster a route's `:cluster` segment names. */
export const clusterOfSegment = (segment: string): string =>
  segment === DEFAULT_CLUSTER_SEGMENT ? '' : segment;

/** The query parameter naming what the agent runs: a targets version, or a config's sha256. */
export const AFTER_PARAM = 'after';

export const AGENT_HEADERS = {
  /** On every answer: the epoch of the coordinator that gave it. Agents take no config from an older one. */
  epoch: 'X-Signalbox-Epoch',
  /** From a config agent: the sha256 of the config its nginx runs (the agent's report of what it applied). */
  live: 'X-Signalbox-Live',
  /** From a config agent: the sha256 of the config it refused (`nginx -t` failed), or empty. */
  refused: 'X-Signalbox-Refused',
  /** From a cluster proxy's config agent: its task (the container's hostname). */
  task: 'X-Signalbox-Task',
} as const;

/** The environment of the proxy image's scripts. */
export const AGENT_ENV = {
  /** signalbox-agent: the config endpoint (the front door's TLS instance: tlsConfigUrl). */
  configUrl: 'SIGNALBOX_CONFIG_URL',
  tlsConfigUrl: 'SIGNALBOX_TLS_CONFIG_URL',
  /** signalbox-targets: a cluster's targets endpoint, or the front door's host map. */
  targetsUrl: 'SIGNALBOX_TARGETS_URL',
  /** The file holding the agent's token (a Docker secret); signalbox-fetch sends it, never in arguments. */
  tokenFile: 'SIGNALBOX_TOKEN_FILE',
  /** Pause between asks; 0 for the long-polling endpoints. */
  pollSeconds: 'SIGNALBOX_POLL_SECONDS',
  /** A config to start from when the coordinator is away (a Docker config mounted read-only). */
  bakedConfig: 'SIGNALBOX_BAKED_CONFIG',
  /** The config nginx runs. */
  liveConfig: 'SIGNALBOX_LIVE_CONFIG',
  /** How long nginx has to answer a new config's stamp after a reload (nginx/config-stamp.ts). */
  confirmSeconds: 'SIGNALBOX_CONFIRM_SECONDS',
  /** nginx's loopback status port, which the metrics exporter reads. */
  statusPort: 'SIGNALBOX_STATUS_PORT',
  /** nginx's local endpoint for run-time targets. */
  targetsPushPort: 'SIGNALBOX_TARGETS_PUSH_PORT',
  /** Where the cluster proxy serves nginx's metrics. */
  metricsPort: 'SIGNALBOX_METRICS_PORT',
  /**
   * A directory that outlives the task (a named volume on its node), where the agents keep the last config
   * and targets they applied, so a task that starts while the coordinator is away serves them.
   */
  stateDir: 'SIGNALBOX_STATE_DIR',
} as const;

/** Where proxies and the front door mount their state volume. */
export const STATE_DIR = '/var/lib/signalbox';

/** The state volume of a proxy or front door service: one per service and node (the local driver). */
export const stateVolumeName = (service: string): string => `${service}-state`;

/** The Engine API mount of a service's state volume, labelled so that removing the service's objects finds it. */
export const stateVolumeMount = (
  service: string,
  labels: Record<string, string>,
): Record<string, unknown> => ({
  Type: 'volume',
  Source: stateVolumeName(service),
  Target: STATE_DIR,
  VolumeOptions: { Labels: labels },
});

export type AgentEnv = Partial<Record<keyof typeof AGENT_ENV, string | number>>;

/** `NAME=value` lines for a container spec, in the order given. */
export const agentEnv = (values: AgentEnv): string[] =>
  Object.entries(values).map(([k, v]) => `${AGENT_ENV[k as keyof typeof AGENT_ENV]}=${v}`);
