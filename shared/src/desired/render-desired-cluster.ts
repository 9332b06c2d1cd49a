import { defaultExtension, publishedHttpsPort, type SignalboxConfig } from '../config/index.js';
import { renderCluster } from '../nginx/index.js';
import type { DesiredCluster } from './desired-state.js';

/**
 * A desired cluster's nginx.conf with its extension's settings and ports, targets written in: what `explain`
 * shows and `render --out` writes. Workers render the same from the snapshot the coordinator sends them.
 */
export function renderDesiredCluster(c: DesiredCluster, config: SignalboxConfig, serverInfo: string): string {
  const ext = config.Extensions[c.extension] ?? defaultExtension();
  return renderCluster(c.model, {
    settings: ext.Config,
    ports: {
      http: ext.TargetPort,
      https: ext.TargetSSLPort,
      publishedHttps: publishedHttpsPort(config, ext),
    },
    serverInfo,
    trustedProxies: c.trustedProxies,
  });
}
