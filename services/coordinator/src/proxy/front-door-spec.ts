import { AGENT_ROUTES, agentEnv, STATE_DIR, stateVolumeMount } from '#shared/agent/agent-protocol.js';
import { durationMs, type FrontDoorSettings } from '#shared/config/index.js';
import { defaultFrontDoorOptions } from '#shared/front-door/index.js';
import { CLUSTER_LABEL, MANAGED_LABEL, MANAGED_VALUE, ROLE_LABEL, SPEC_LABEL } from '#shared/labels/index.js';
import { healthUrl } from '#shared/nginx/index.js';
import { shortHash } from '#shared/util/stable-hash.js';

/** The front door is no cluster's proxy; this value of the cluster label keeps it apart from them. */
export const FRONT_DOOR_CLUSTER = '(front-door)';
const DEFAULT_IMAGE = 'signalbox/proxy:local';
/** Where the agent's read-only token is mounted inside the front door. */
const TOKEN_TARGET = 'signalbox-agent-token';

export interface FrontDoorInputs {
  settings: FrontDoorSettings;
  networkId: string;
  tokenSecret: { name: string; id: string };
}

/**
 * The front door's Engine API ServiceSpec: one task per eligible node (global), publishing the HTTP and
 * HTTPS ports, on the edge network only. It runs two nginx instances (HTTP and TLS, see signalbox-frontdoor),
 * each with its config agent, and the targets agent for the HTTP host map, so route changes reach it without
 * a task replacement; its spec changes only when its settings do.
 */
export function frontDoorServiceSpec(p: FrontDoorInputs): Record<string, unknown> {
  const s = p.settings;
  const spec = {
    Name: s.ServiceName,
    Labels: {
      ...s.Labels,
      [MANAGED_LABEL]: MANAGED_VALUE,
      [CLUSTER_LABEL]: FRONT_DOOR_CLUSTER,
      [ROLE_LABEL]: 'front-door',
    } as Record<string, string>,
    TaskTemplate: {
      ContainerSpec: {
        Image: s.Image ?? DEFAULT_IMAGE,
        Command: ['/bin/sh', '/usr/local/bin/signalbox-frontdoor'],
        Env: agentEnv({
          configUrl: s.ConfigURL,
          tlsConfigUrl: new URL(AGENT_ROUTES.frontDoorTlsConfig, s.ConfigURL).href,
          targetsUrl: new URL(AGENT_ROUTES.frontDoorHosts, s.ConfigURL).href,
          tokenFile: `/run/secrets/${TOKEN_TARGET}`,
          pollSeconds: Math.round(durationMs(s.PollInterval) / 1000),
          stateDir: STATE_DIR,
        }),
        // Its configs and host map outlive the task on its node (one task per node): restarted while the
        // coordinator is away, it serves them instead of answering 503 for every host.
        Mounts: [
          stateVolumeMount(s.ServiceName, {
            ...s.Labels,
            [MANAGED_LABEL]: MANAGED_VALUE,
            [CLUSTER_LABEL]: FRONT_DOOR_CLUSTER,
          }),
        ],
        Labels: { [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: FRONT_DOOR_CLUSTER },
        StopSignal: 'SIGQUIT',
        StopGracePeriod: 10_000_000_000,
        Secrets: [
          {
            SecretID: p.tokenSecret.id,
            SecretName: p.tokenSecret.name,
            File: { Name: TOKEN_TARGET, UID: '0', GID: '0', Mode: 0o400 },
          },
        ],
        Healthcheck: {
          Test: [
            'CMD',
            '/bin/wget',
            '-q',
            '-O',
            '/dev/null',
            healthUrl(defaultFrontDoorOptions().statusPort),
          ],
          // As for the cluster proxies: a late exec on a busy node is not a dead front door.
          Interval: 2_000_000_000,
          Timeout: 5_000_000_000,
          Retries: 3,
          // It reports unhealthy until its agent has pushed the first host map, normally well within this.
          StartPeriod: 20_000_000_000,
        },
      },
      Placement: { Constraints: s.Constraints },
      Networks: [{ Target: p.networkId }],
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Global: {} },
    // One task per node holds the host ports, so a replacement must stop the old task first.
    UpdateConfig: { Parallelism: 1, Delay: 2_000_000_000, FailureAction: 'rollback', Order: 'stop-first' },
    EndpointSpec: {
      Mode: 'vip',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: s.HTTPPort, PublishMode: s.PublishMode },
        { Protocol: 'tcp', TargetPort: 443, PublishedPort: s.HTTPSPort, PublishMode: s.PublishMode },
      ],
    },
  };
  spec.Labels[SPEC_LABEL] = shortHash(JSON.stringify(spec), 16);
  return spec;
}
