import type { FrontDoorSettings } from '#shared/config/index.js';
import { MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import { shortHash } from '#shared/util/stable-hash.js';
import { type DockerEngine, engineFilters, type NetworkAndSecretCalls } from '../docker/docker-api.js';

export interface EdgePrerequisites {
  networkId: string;
  tokenSecret: { name: string; id: string };
}

export type EdgeDocker = NetworkAndSecretCalls;

/**
 * What the front door needs before it can exist: the edge network it shares with every cluster proxy, and
 * a Docker secret holding its agent's token. Both are found by exact name or created (labelled as
 * Signalbox's); an existing network of that name is used as it is, so operators may create it themselves.
 */
export async function ensureEdgePrerequisites(
  docker: EdgeDocker,
  settings: FrontDoorSettings,
  agentToken: string,
): Promise<EdgePrerequisites> {
  const labels = { ...settings.Labels, [MANAGED_LABEL]: MANAGED_VALUE };
  const networks = await docker.listNetworks(engineFilters({ name: [settings.Network] }));
  const network = networks.find((n) => n.Name === settings.Network);
  const networkId =
    network?.Id ??
    (
      await docker.createNetwork({
        Name: settings.Network,
        Driver: 'overlay',
        Attachable: true,
        ...(settings.EncryptNetwork ? { Options: { encrypted: '' } } : {}),
        Labels: labels,
      })
    ).id;
  const tokenSecret = await ensureAgentTokenSecret(docker, agentToken, labels);
  return { networkId, tokenSecret };
}

/**
 * The Docker secret holding one agent token (a cluster's or the front door's), found by exact name or
 * created. The name carries a hash of the token, so a new token gives a new secret (secrets are immutable)
 * and no one without the token can predict the name to plant a secret under it.
 */
export async function ensureAgentTokenSecret(
  docker: Pick<DockerEngine, 'listSecrets' | 'createSecret'>,
  token: string,
  labels: Record<string, string>,
): Promise<{ name: string; id: string }> {
  const name = `signalbox-agent-token-${shortHash(token, 24)}`;
  const secrets = await docker.listSecrets(engineFilters({ name: [name] }));
  const existing = secrets.find((s) => s.Spec?.Name === name);
  if (existing) return { name, id: existing.ID };
  const created = (await docker.createSecret({
    Name: name,
    Labels: { ...labels, [MANAGED_LABEL]: MANAGED_VALUE },
    Data: Buffer.from(token).toString('base64'),
  })) as { id: string };
  return { name, id: created.id };
}

/**
 * Labels an existing secret as Signalbox's (Swarm lets a secret's labels change, nothing else), so label
 * parsing refuses it in `ssl_cert`/`ssl_key`: the API token secret is created by the operator, not by us.
 * False when no secret has that name.
 */
export async function markSignalboxSecret(
  docker: Pick<DockerEngine, 'listSecrets' | 'getSecret'>,
  name: string,
): Promise<boolean> {
  const secrets = await docker.listSecrets(engineFilters({ name: [name] }));
  const found = secrets.find((s) => s.Spec?.Name === name);
  if (!found) return false;
  if (found.Spec?.Labels?.[MANAGED_LABEL] === MANAGED_VALUE) return true;
  await docker.getSecret(found.ID).update({
    version: found.Version?.Index,
    Name: name,
    Labels: { ...found.Spec?.Labels, [MANAGED_LABEL]: MANAGED_VALUE },
  } as object);
  return true;
}
