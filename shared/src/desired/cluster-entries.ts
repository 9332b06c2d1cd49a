import { defaultExtension, type ExtensionConfig, type SignalboxConfig } from '../config/index.js';
import { byKey } from '../util/compare.js';

/** A service cluster and the `[Extensions.<name>]` table that configures its proxy. */
export interface ClusterEntry {
  cluster: string;
  extension: string;
  ext: ExtensionConfig;
}

/** Without any `[Extensions.*]`, Interlock ran one default cluster; so does Signalbox. */
export function clusterEntries(config: SignalboxConfig): ClusterEntry[] {
  const entries = Object.entries(config.Extensions).map(([extension, ext]) => ({
    cluster: ext.ServiceCluster,
    extension,
    ext,
  }));
  if (entries.length === 0) return [{ cluster: '', extension: 'default', ext: defaultExtension() }];
  return entries.sort(byKey((e) => e.extension));
}
