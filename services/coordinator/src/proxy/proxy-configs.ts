import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { SignalboxError } from '#shared/errors/index.js';

import { CLUSTER_LABEL, MANAGED_LABEL, MANAGED_VALUE } from './proxy-service-spec.js';

/** Swarm refuses config objects above 1000 KiB (swarmkit's MaxConfigSize). */
const MAX_CONFIG_BYTES = 1000 * 1024;

/**
 * The config object for a cluster's config text: `signalbox-` and the sha256 of cluster and text in base32
 * (52 characters; 62 in all). Docker names hold at most 64 characters, too few for the cluster's name and
 * 64 hex digits, so the cluster is hashed in (two clusters never share, and so never prune, one object)
 * and named by the object's label instead.
 */
export const proxyConfigName = (cluster: string, nginxConf: string): string =>
  `signalbox-${base32(createHash('sha256').update(`${cluster}\n`).update(nginxConf).digest())}`;

/** RFC 4648 base32, lower case and unpadded: Docker names allow [a-z0-9], not base64's `+/=`. */
function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

/**
 * A config object under one of our names that is not ours: anyone who may create configs can create one
 * under a name they predict. It is never rolled out; the cluster's rollouts stop until it is removed.
 */
export class ProxyConfigConflictError extends SignalboxError {
  readonly grpcCode = 9; // FAILED_PRECONDITION: the worker cannot fix it by retrying.
  constructor(cluster: string, name: string, reason: string) {
    super('PROXY_CONFIG_CONFLICT', `config ${name} for cluster ${cluster} ${reason}; remove it`, {
      cluster,
      config: name,
    });
  }
}

/**
 * The stored config with exactly this name, checked to be the one this name means: Signalbox's label, the
 * cluster's label, and text that hashes to the name. Undefined when none exists; ProxyConfigConflictError
 * when one exists that is not ours, so a pre-created object is never rolled out.
 */
export async function findProxyConfig(
  docker: Pick<Docker, 'listConfigs' | 'getConfig'>,
  cluster: string,
  name: string,
): Promise<{ name: string; id: string; text: string } | undefined> {
  // Docker's name filter also matches prefixes.
  const configs = await docker.listConfigs({ filters: JSON.stringify({ name: [name] }) } as object);
  const exact = configs.find((c) => c.Spec?.Name === name);
  if (!exact) return undefined;
  const spec = (await docker.getConfig(exact.ID).inspect()).Spec;
  const labels = spec?.Labels ?? {};
  if (labels[MANAGED_LABEL] !== MANAGED_VALUE || labels[CLUSTER_LABEL] !== cluster)
    throw new ProxyConfigConflictError(
      cluster,
      name,
      `lacks the labels ${MANAGED_LABEL} and ${CLUSTER_LABEL}=${cluster}`,
    );
  const text = Buffer.from(spec?.Data ?? '', 'base64').toString('utf8');
  if (proxyConfigName(cluster, text) !== name)
    throw new ProxyConfigConflictError(cluster, name, 'holds other text than its name says');
  return { name, id: exact.ID, text };
}

/**
 * Stores a rendered nginx.conf as a content-named Docker config: the same text always maps to the same
 * object, so storing twice is harmless and a rollout names exactly the bytes that were validated.
 */
export async function storeProxyConfig(
  docker: Pick<Docker, 'listConfigs' | 'getConfig' | 'createConfig'>,
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
  const name = proxyConfigName(cluster, nginxConf);
  const existing = await findProxyConfig(docker, cluster, name);
  if (existing) return { name, id: existing.id, created: false };
  try {
    const created = (await docker.createConfig({
      Name: name,
      Labels: { [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: cluster },
      Data: Buffer.from(nginxConf).toString('base64'),
    })) as unknown as { id: string };
    return { name, id: created.id, created: true };
  } catch (e) {
    // Another worker stored the same text first (409), or someone else took the name: check which.
    const raced = await findProxyConfig(docker, cluster, name);
    if (!raced) throw e;
    return { name, id: raced.id, created: false };
  }
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
