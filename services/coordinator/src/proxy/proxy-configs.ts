import { createHmac } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SignalboxError } from '#shared/errors/index.js';
import { CLUSTER_LABEL, ENCODING_LABEL, MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import { type ConfigCalls, CreatedObject, engineFilters } from '../docker/docker-api.js';

/** Swarm refuses config objects above 1000 KiB (swarmkit's MaxConfigSize). */
const MAX_CONFIG_BYTES = 1000 * 1024;

/**
 * The config object for a cluster's config text: `signalbox-` and an HMAC-SHA256 of cluster and text in
 * base32 (52 characters; 62 in all). Keyed with a secret only the coordinator knows (derived from the API
 * token), so nobody can predict the name of a config a worker will store and create an impostor under it
 * first. Docker names hold at most 64 characters, too few for the cluster's name and 64 hex digits, so the
 * cluster is hashed in (two clusters never share, and so never prune, one object) and named by a label.
 */
export const proxyConfigName = (cluster: string, nginxConf: string, key: string): string =>
  `signalbox-${base32(createHmac('sha256', key).update(`${cluster}\n`).update(nginxConf).digest())}`;

/** The key config names are made with, from the API token: the same for every coordinator replica. */
export const configNameKey = (apiToken: string): string =>
  createHmac('sha256', apiToken).update('signalbox proxy config names').digest('hex');

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
 * A config object under one of our names that is not ours. Names are keyed (see proxyConfigName), so this
 * takes the key or a copy of the swarm's configs; it is never rolled out either way.
 */
export class ProxyConfigConflictError extends SignalboxError {
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
  docker: Pick<ConfigCalls, 'listConfigs' | 'getConfig'>,
  cluster: string,
  name: string,
  key: string,
): Promise<{ name: string; id: string; text: string } | undefined> {
  // Docker's name filter also matches prefixes.
  const configs = await docker.listConfigs(engineFilters({ name: [name] }));
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
  const data = Buffer.from(spec?.Data ?? '', 'base64');
  const text = (labels[ENCODING_LABEL] === 'gzip' ? gunzipOrEmpty(data) : data).toString('utf8');
  if (proxyConfigName(cluster, text, key) !== name)
    throw new ProxyConfigConflictError(cluster, name, 'holds other text than its name says');
  return { name, id: exact.ID, text };
}

/** Corrupt data reads as empty text, which then fails the name check like any other impostor. */
function gunzipOrEmpty(data: Buffer): Buffer {
  try {
    return gunzipSync(data);
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * Stores a rendered nginx.conf as a content-named Docker config: the same text always maps to the same
 * object, so storing twice is harmless and a rollout names exactly the bytes that were validated. Text over
 * Swarm's limit is stored gzipped (nginx configs shrink about tenfold; the proxies unpack it), so a large
 * cluster is compressed rather than cut; only one still too large compressed is refused.
 */
export async function storeProxyConfig(
  docker: ConfigCalls,
  cluster: string,
  nginxConf: string,
  key: string,
): Promise<{ name: string; id: string; created: boolean }> {
  const plain = Buffer.from(nginxConf);
  const gzipped = plain.length > MAX_CONFIG_BYTES ? gzipSync(plain, { level: 9 }) : undefined;
  const data = gzipped ?? plain;
  if (data.length > MAX_CONFIG_BYTES) {
    throw new SignalboxError(
      'CONFIG_INVALID',
      `config for cluster ${cluster} is ${plain.length} bytes, ${data.length} gzipped; Swarm configs hold at most ${MAX_CONFIG_BYTES} (lower [Limits] LocationsPerCluster)`,
      { cluster },
    );
  }
  const name = proxyConfigName(cluster, nginxConf, key);
  const existing = await findProxyConfig(docker, cluster, name, key);
  if (existing) return { name, id: existing.id, created: false };
  try {
    const created = CreatedObject.parse(
      await docker.createConfig({
        Name: name,
        Labels: {
          [MANAGED_LABEL]: MANAGED_VALUE,
          [CLUSTER_LABEL]: cluster,
          ...(gzipped ? { [ENCODING_LABEL]: 'gzip' } : {}),
        },
        Data: data.toString('base64'),
      }),
    );
    return { name, id: created.id, created: true };
  } catch (e) {
    // Another worker stored the same text first (409), or someone else took the name: check which.
    const raced = await findProxyConfig(docker, cluster, name, key);
    if (!raced) throw e;
    return { name, id: raced.id, created: false };
  }
}

/**
 * Content-named configs pile up, one per rendered version: keep the newest `keep` of a cluster (rollbacks
 * need the previous ones) and remove the rest, except what is still needed. Swarm refuses to remove a
 * config a service still uses, so an in-use config is skipped, never forced; Swarm does not know the config
 * agents run in place (a label names it) or the one a revert goes back to, so the caller names those in
 * `protect`. At most `keep` plus the protected and in-use ones stay.
 */
export async function pruneProxyConfigs(
  docker: Pick<ConfigCalls, 'listConfigs' | 'getConfig'>,
  cluster: string,
  protect: ReadonlySet<string> = new Set(),
  keep = 5,
): Promise<string[]> {
  const configs = await docker.listConfigs(engineFilters({ label: [`${CLUSTER_LABEL}=${cluster}`] }));
  const owned = configs.filter((c) => c.Spec?.Labels?.[MANAGED_LABEL] === MANAGED_VALUE);
  const old = owned
    .sort((a, b) => (a.CreatedAt < b.CreatedAt ? 1 : -1))
    .slice(keep)
    .filter((c) => !protect.has(c.Spec?.Name ?? ''));
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
