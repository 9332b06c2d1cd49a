import type Docker from 'dockerode';
import type { FrontDoorSettings } from '#shared/config/index.js';
import { shortHash } from '#shared/util/stable-hash.js';
import { MANAGED_LABEL, MANAGED_VALUE } from './proxy-service-spec.js';

export interface EdgePrerequisites {
  networkId: string;
  tokenSecret: { name: string; id: string };
}

type EdgeDocker = Pick<Docker, 'listNetworks' | 'createNetwork' | 'listSecrets' | 'createSecret'>;

/**
 * What the front door needs before it can exist: the edge network it shares with every cluster proxy, and
 * a Docker secret holding the agent's read-only token. Both are found by exact name or created (labelled as
 * Signalbox's); an existing network of that name is used as it is, so operators may create it themselves.
 * The secret's name carries a hash of the token, so a new token gives a new secret (secrets are immutable).
 */
export async function ensureEdgePrerequisites(
  docker: EdgeDocker,
  settings: FrontDoorSettings,
  agentToken: string,
): Promise<EdgePrerequisites> {
  const labels = { ...settings.Labels, [MANAGED_LABEL]: MANAGED_VALUE };
  const networks = await docker.listNetworks({ filters: JSON.stringify({ name: [settings.Network] }) });
  const network = networks.find((n) => n.Name === settings.Network);
  const networkId =
    network?.Id ??
    (
      await docker.createNetwork({
        Name: settings.Network,
        Driver: 'overlay',
        Attachable: true,
        Labels: labels,
      })
    ).id;
  const secretName = `${settings.ServiceName}-agent-token-${shortHash(agentToken, 12)}`;
  const secrets = await docker.listSecrets({ filters: JSON.stringify({ name: [secretName] }) } as object);
  const existing = secrets.find((s) => s.Spec?.Name === secretName);
  const secretId =
    existing?.ID ??
    (
      (await docker.createSecret({
        Name: secretName,
        Labels: labels,
        Data: Buffer.from(agentToken).toString('base64'),
      })) as { id: string }
    ).id;
  return { networkId, tokenSecret: { name: secretName, id: secretId } };
}
