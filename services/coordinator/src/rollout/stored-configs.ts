import type { Logger } from 'pino';
import { LogField } from '#shared/log/fields.js';
import { rememberAtMost } from '#shared/util/bounded-map.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import type { ConfigCalls } from '../docker/docker-api.js';
import { findProxyConfig, pruneProxyConfigs, storeProxyConfig } from '../proxy/proxy-configs.js';

export interface StoredConfig {
  name: string;
  id: string;
  text: string;
  /** What agents report running: the sha256 of the text. */
  sha: string;
}

/** Configs are content-named and pruned to a few per cluster; the cache is bounded the same way. */
const CACHED = 64;

/**
 * The clusters' stored proxy configs (content-named Docker configs), each looked up and checked once rather
 * than on every agent poll. A name always means the same text, but not the same object: a config pruned and
 * stored again is a new one, so storing and pruning forget the cached entry, and a caller about to write an
 * id into a proxy's spec asks `fresh`.
 */
export class StoredConfigs {
  private readonly cache = new Map<string, StoredConfig>();

  constructor(
    private readonly docker: ConfigCalls,
    private readonly nameKey: string,
    private readonly log: Logger,
  ) {}

  async get(
    cluster: string,
    name: string,
    options: { fresh?: boolean } = {},
  ): Promise<StoredConfig | undefined> {
    const cached = options.fresh ? undefined : this.cache.get(name);
    if (cached) return cached;
    const found = await findProxyConfig(this.docker, cluster, name, this.nameKey);
    if (found === undefined) return undefined;
    const entry = { ...found, sha: sha256Hex(found.text) };
    this.cache.delete(name);
    rememberAtMost(this.cache, CACHED, name, entry);
    return entry;
  }

  /**
   * Stores a rendered config; when that made a new object, prunes the cluster's old ones but those named in
   * `stillNeeded` (the live one, the one a revert goes back to, the one agents run).
   */
  async store(
    cluster: string,
    nginxConf: string,
    stillNeeded: () => Promise<({ name: string } | undefined)[]>,
  ): Promise<{ name: string; id: string; created: boolean }> {
    const stored = await storeProxyConfig(this.docker, cluster, nginxConf, this.nameKey);
    if (!stored.created) return stored;
    this.cache.delete(stored.name);
    const keep = new Set((await stillNeeded()).flatMap((c) => (c ? [c.name] : [])));
    const removed = await pruneProxyConfigs(this.docker, cluster, keep);
    for (const name of removed) this.cache.delete(name);
    if (removed.length > 0)
      this.log.info({ [LogField.cluster]: cluster, removed }, 'pruned old proxy configs');
    return stored;
  }
}
