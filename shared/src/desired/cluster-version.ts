import type { ExtensionConfig } from '../config/index.js';
import type { ClusterModel } from '../model/index.js';
import { shortHash } from '../util/stable-hash.js';

/**
 * The version covers the model and the proxy settings, but not conflict reports, which change no config, nor
 * (with run-time targets) the HTTP pools' targets, which reach the proxy without one. Whether a pool has
 * targets still counts in static mode only: there an empty pool renders as `return 503`.
 */
export const versionOf = (
  model: ClusterModel,
  ext: ExtensionConfig,
  publishedHttps: number,
  trustedProxies: string[],
  runtimeTargets: boolean,
): string => {
  const { conflicts: _reports, ...routing } = model;
  const httpPools = runtimeTargets
    ? routing.httpPools.map((p) => ({ ...p, targets: [] }))
    : routing.httpPools;
  const ports = [ext.TargetPort, ext.TargetSSLPort, publishedHttps];
  return shortHash(
    JSON.stringify({
      routing: { ...routing, httpPools },
      settings: ext.Config,
      ports,
      trustedProxies,
      runtimeTargets,
    }),
    16,
  );
};
