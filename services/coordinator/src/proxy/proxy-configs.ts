import type Docker from 'dockerode';
import { SignalboxError } from '#shared/errors/index.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import { CLUSTER_LABEL, MANAGED_LABEL, MANAGED_VALUE } from './proxy-service-spec.js';

/** Swarm refuses config objects above 1000 KiB (swarmkit's MaxConfigSize). */
const MAX_CONFIG_BYTES = 1000 * 1024;

const configObjectName = (cluster: string, nginxConf: string): string =>
  `signalbox-${cluster || 'default'}-${sha256Hex(nginxConf).slice(0, 12)}`;

/** The config object with exactly this name (Docker's name filter also matches prefixes). */
export async function findProxyConfig(
  docker: Pick<Docker, 'listConfigs'>,
  name: string,
): Promise<{ name: string; id: string } | undefined> {
  const configs = await docker.listConfigs({ filters: JSON.stringify({ name: [name] }) } as object);
  const exact = configs.find((c) => c.Spec?.Name === name);
  return exact ? { name, id: exact.ID } : undefined;
}

/**
 * Stores a rendered nginx.conf as a content-named Docker config: the same text always maps to the same
 * object, so storing twice is harmless and a rollout names exactly the bytes that were validated.
 */
export async function storeProxyConfig(
  docker: Pick<Docker, 'listConfigs' | 'createConfig'>,
  cluster: string,
  nginxConf: string,
): Promise<{ name: string; id: string; created: boolean }> {
  const bytes = Buffer.byteLength(nginxConf);
  if (bytes > MAX_CONFIG_BYTES) {
    throw Object.assign(
      new SignalboxError(
        'CONFIG_INVALID',
        `config for cluster ${cluster} is ${bytes} bytes; Swarm configs hold at most ${MAX_CONFIG_BYTES}`,
        { cluster },
      ),
      { grpcCode: 8 },
    );
  }
  const name = configObjectName(cluster, nginxConf);
  const existing = await findProxyConfig(docker, name);
  if (existing) return { name, id: existing.id, created: false };
  const created = (await docker.createConfig({
    Name: name,
    Labels: { [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: cluster },
    Data: Buffer.from(nginxConf).toString('base64'),
  })) as unknown as { id: string };
  return { name, id: created.id, created: true };
}

/**
 * Content-named configs pile up, one per rendered version: keep the newest `keep` of a cluster (rollbacks
 * need the previous ones) and remove the rest. Swarm refuses to remove a config a service still uses, so an
 * in-use config is skipped, never forced.
 */
export async function pruneProxyConfigs(
  docker: Pick<Docker, 'listConfigs' | 'getConfig'>,
  cluster: string,
  keep = 5,
): Promise<string[]> {
  const configs = await docker.listConfigs({
    filters: JSON.stringify({ label: [`${CLUSTER_LABEL}=${cluster}`] }),
  } as object);
  const owned = configs.filter((c) => c.Spec?.Labels?.[MANAGED_LABEL] === MANAGED_VALUE);
  const old = owned.sort((a, b) => (a.CreatedAt < b.CreatedAt ? 1 : -1)).slice(keep);
  const removed: string[] = [];
  for (const c of old) {
    const ok = await docker
      .getConfig(c.ID)
      .remove()
      .then(() => true)
      .catch(() => false);
    if (ok) removed.push(c.Spec?.Name ?? c.ID);
  }
  return removed;
}

/** The text of a stored config, by exact name; undefined when no such config exists. */
export async function readProxyConfig(
  docker: Pick<Docker, 'listConfigs' | 'getConfig'>,
  name: string,
): Promise<string | undefined> {
  const found = await findProxyConfig(docker, name);
  if (!found) return undefined;
  const inspected = await docker.getConfig(found.id).inspect();
  return Buffer.from(inspected.Spec?.Data ?? '', 'base64').toString('utf8');
}
