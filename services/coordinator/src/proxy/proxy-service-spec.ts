import { agentEnv, STATE_DIR, stateVolumeMount } from '#shared/agent/agent-protocol.js';
import { durationMs, type ExtensionConfig } from '#shared/config/index.js';
import {
  CLUSTER_LABEL,
  CONFIG_LABEL,
  MANAGED_LABEL,
  MANAGED_VALUE,
  ROLE_LABEL,
  SPEC_LABEL,
  TASK_SPEC_LABEL,
} from '#shared/labels/index.js';
import { DEFAULT_STATUS_PORT, healthUrl } from '#shared/nginx/index.js';
import type { RolloutPolicy } from '#shared/rollout/index.js';
import { shortHash } from '#shared/util/stable-hash.js';

/** With an agent, the stored config is mounted here and copied to the live path at start; the agent owns the live one. */
export const BAKED_CONFIG_PATH = '/etc/signalbox/baked-nginx.conf';
export const DEFAULT_PROXY_IMAGE = 'signalbox/proxy:local';

export interface ProxyInputs {
  cluster: string;
  ext: ExtensionConfig;
  /** Overlay network IDs the proxy must join: its apps' networks plus any the extension lists. */
  networkIds: string[];
  secrets: { name: string; id: string }[];
  /** The rendered nginx config, once a worker stored one. */
  config?: { name: string; id: string };
  /** The rollout policy of the last StartRollout; the extension's settings otherwise. */
  policy?: RolloutPolicy;
  /** The front door publishes the ports and reaches the proxy over the edge network. */
  behindFrontDoor?: boolean;
  /**
   * With run-time targets: the proxy's agent long-polls its targets and its config (applied in place with a
   * graceful reload, when nothing else about the task changes) with its cluster's own agent token.
   */
  agent?: { targetsUrl: string; configUrl: string; tokenSecret: { name: string; id: string } };
  /** The config agents should run, when it differs from the one baked into the task template. */
  agentConfig?: string;
}

/** Where the agent token secret is mounted in a proxy. */
const AGENT_TOKEN_FILE = 'signalbox-agent-token';

/**
 * start-first unless the proxy publishes a host-mode port itself: such a port cannot be bound twice on one
 * node, so start-first would deadlock there.
 */
export const defaultUpdateOrder = (ext: ExtensionConfig, behindFrontDoor: boolean): RolloutPolicy['order'] =>
  ext.ProxyUpdateOrder ?? (!behindFrontDoor && ext.PublishMode === 'host' ? 'stop-first' : 'start-first');

export const proxyServiceName = (cluster: string, ext: ExtensionConfig): string =>
  ext.ProxyServiceName ?? `signalbox-proxy-${cluster || 'default'}`;

const ns = (duration: string): number => durationMs(duration) * 1_000_000;

/** The Engine API ServiceSpec of one cluster's proxy; pure, so the whole spec is visible in tests. */
export function proxyServiceSpec(p: ProxyInputs): Record<string, unknown> {
  const { ext } = p;
  const ports = [
    {
      Protocol: 'tcp',
      TargetPort: ext.TargetPort,
      PublishedPort: ext.PublishedPort,
      PublishMode: ext.PublishMode,
    },
    {
      Protocol: 'tcp',
      TargetPort: ext.TargetSSLPort,
      PublishedPort: ext.PublishedSSLPort,
      PublishMode: ext.PublishMode,
    },
  ];
  const fileOf = (name: string) => ({ Name: name, UID: '0', GID: '0', Mode: 0o444 });
  // TLS keys: nginx's master (root) loads certificates while it reads the config; its workers (the `user`
  // directive, nginx by default) never open them, so root alone may read the file.
  const secretFileOf = (name: string) => ({ ...fileOf(name), Mode: 0o400 });
  const spec = {
    Name: proxyServiceName(p.cluster, ext),
    Labels: { ...ext.ProxyLabels, [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: p.cluster } as Record<
      string,
      string
    >,
    TaskTemplate: {
      ContainerSpec: {
        Image: ext.ProxyImage ?? DEFAULT_PROXY_IMAGE,
        ...(ext.ProxyArgs.length > 0 ? { Args: ext.ProxyArgs } : {}),
        Labels: { ...ext.ProxyContainerLabels, [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: p.cluster },
        // The image's metrics exporter reads nginx's status page on its loopback status port; its targets
        // agent runs when it is given a URL.
        Env: agentEnv({
          statusPort: DEFAULT_STATUS_PORT,
          ...(p.agent
            ? {
                targetsUrl: p.agent.targetsUrl,
                configUrl: p.agent.configUrl,
                tokenFile: `/run/secrets/${AGENT_TOKEN_FILE}`,
                bakedConfig: BAKED_CONFIG_PATH,
                liveConfig: ext.ProxyConfigPath,
                // The config endpoint long-polls, so the agent asks again at once.
                pollSeconds: 0,
                stateDir: STATE_DIR,
              }
            : {}),
        }),
        // With an agent, what it last applied outlives the task on its node: a task that starts while the
        // coordinator is away serves that config and those targets, not the baked config with no targets.
        ...(p.agent
          ? {
              Mounts: [
                stateVolumeMount(proxyServiceName(p.cluster, ext), {
                  ...ext.ProxyLabels,
                  [MANAGED_LABEL]: MANAGED_VALUE,
                  [CLUSTER_LABEL]: p.cluster,
                }),
              ],
            }
          : {}),
        StopSignal: ext.ProxyStopSignal,
        StopGracePeriod: ns(ext.ProxyStopGracePeriod),
        Secrets: [
          ...[...p.secrets]
            .sort((a, b) => (a.name < b.name ? -1 : 1))
            .map((s) => ({ SecretID: s.id, SecretName: s.name, File: secretFileOf(s.name) })),
          ...(p.agent
            ? [
                {
                  SecretID: p.agent.tokenSecret.id,
                  SecretName: p.agent.tokenSecret.name,
                  File: secretFileOf(AGENT_TOKEN_FILE),
                },
              ]
            : []),
        ],
        Configs: p.config
          ? [
              {
                ConfigID: p.config.id,
                ConfigName: p.config.name,
                File: fileOf(p.agent ? BAKED_CONFIG_PATH : ext.ProxyConfigPath),
              },
            ]
          : [],
        Healthcheck: {
          Test: ['CMD', '/bin/wget', '-q', '-O', '/dev/null', healthUrl()],
          // A node busy starting hundreds of tasks runs a health check's exec late: with a 1 s timeout the
          // load test saw healthy proxies killed by Swarm mid-storm. A hung nginx still fails within ~20 s.
          Interval: ns('2s'),
          Timeout: ns('5s'),
          Retries: 3,
          // With run-time targets a task is unhealthy until its agent pushed the first targets; a
          // coordinator that answers a little late must not get it killed.
          StartPeriod: ns('20s'),
        },
      },
      Placement: {
        Constraints: ext.ProxyConstraints,
        Preferences: ext.ProxyPlacementPreferences.map(spread),
      },
      Networks: [...new Set(p.networkIds)].sort().map((Target) => ({ Target })),
      RestartPolicy: { Condition: 'any', Delay: ns('1s') },
    },
    // No task before the first rendered config: a task on the image's placeholder config would answer 503
    // for every host, and the front door would mix it with the first real tasks.
    Mode: { Replicated: { Replicas: p.config ? ext.ProxyReplicas : 0 } },
    UpdateConfig: {
      Parallelism: p.policy?.parallelism ?? 1,
      Delay: p.policy ? p.policy.delayMs * 1_000_000 : ns(ext.ProxyUpdateDelay ?? '0s'),
      FailureAction: 'rollback',
      Monitor: p.policy ? p.policy.monitorMs * 1_000_000 : ns('5s'),
      Order: p.policy?.order ?? defaultUpdateOrder(ext, p.behindFrontDoor === true),
    },
    RollbackConfig: { Parallelism: 1, FailureAction: 'pause', Order: 'stop-first' },
    EndpointSpec: { Mode: 'vip', Ports: p.behindFrontDoor ? [] : ports },
  };
  const agentConfig = p.agentConfig ?? p.config?.name;
  if (p.agent && agentConfig) spec.Labels[CONFIG_LABEL] = agentConfig;
  spec.Labels[TASK_SPEC_LABEL] = shortHash(JSON.stringify([spec.TaskTemplate, spec.EndpointSpec]), 16);
  spec.Labels[SPEC_LABEL] = shortHash(JSON.stringify(spec), 16);
  return spec;
}

/** `spread=node.labels.region` → the Engine API's placement preference object. */
function spread(preference: string): { Spread: { SpreadDescriptor: string } } {
  return { Spread: { SpreadDescriptor: preference.replace(/^spread=/, '') } };
}

/** The placeholder that keeps a cluster's networks set up on its proxy nodes. */
const warmServiceName = (cluster: string, ext: ExtensionConfig): string =>
  `${proxyServiceName(cluster, ext)}-warm`;

/**
 * A sleeping task on every node a proxy may run on, joined to the proxy's networks: a node sets up an
 * overlay network for its first task on it (about 1.2 s each) and tears it down after its last, so with this
 * placeholder a replaced proxy task finds its networks ready (about 0.2 s each).
 */
export function warmServiceSpec(p: ProxyInputs): Record<string, unknown> {
  const { ext } = p;
  const spec = {
    Name: warmServiceName(p.cluster, ext),
    Labels: {
      ...ext.ProxyLabels,
      [MANAGED_LABEL]: MANAGED_VALUE,
      [CLUSTER_LABEL]: p.cluster,
      [ROLE_LABEL]: 'warm-networks',
    } as Record<string, string>,
    TaskTemplate: {
      ContainerSpec: {
        Image: ext.ProxyImage ?? DEFAULT_PROXY_IMAGE,
        Command: ['/bin/sleep', '2147483647'],
        StopGracePeriod: ns('1s'),
        Labels: { [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: p.cluster },
      },
      Resources: { Limits: { MemoryBytes: 16 * 1024 * 1024 } },
      Placement: { Constraints: ext.ProxyConstraints },
      Networks: [...new Set(p.networkIds)].sort().map((Target) => ({ Target })),
      RestartPolicy: { Condition: 'any', Delay: ns('1s') },
    },
    Mode: { Global: {} },
  };
  spec.Labels[SPEC_LABEL] = shortHash(JSON.stringify(spec), 16);
  return spec;
}
