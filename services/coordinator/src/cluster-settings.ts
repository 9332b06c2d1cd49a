import {
  defaultExtension,
  type ExtensionConfig,
  publishedHttpsPort,
  type SignalboxConfig,
} from '#shared/config/index.js';
import type { DesiredState } from '#shared/desired/index.js';
import { proxyServiceName } from './proxy/proxy-service-spec.js';

/** What workers are told about a cluster (the gRPC `ClusterSettings`). */
export interface ClusterSettingsView {
  extension: string;
  settingsJson: string;
  ports: { http: number; https: number; publishedHttps: number };
  proxyService: string;
}

/**
 * The one place that answers "which extension settings apply to cluster C". A cluster's settings are those
 * of the `[Extensions.<name>]` table the desired state assigned it; a cluster the desired state does not
 * (yet, or any more) know takes the default extension's, so its proxy service keeps a name and ports.
 */
export class ClusterSettings {
  constructor(private readonly config: SignalboxConfig) {}

  /** The extension table the desired state names for the cluster, if it names one. */
  configured(desired: DesiredState | undefined, cluster: string): ExtensionConfig | undefined {
    const entry = desired?.clusters.find((c) => c.cluster === cluster);
    return entry ? this.config.Extensions[entry.extension] : undefined;
  }

  /** The extension whose settings apply to the cluster: its own, or the default one. */
  of(desired: DesiredState | undefined, cluster: string): ExtensionConfig {
    return this.configured(desired, cluster) ?? this.defaultExtension();
  }

  proxyService(desired: DesiredState | undefined, cluster: string): string {
    return proxyServiceName(cluster, this.of(desired, cluster));
  }

  /** What a worker needs to render and roll out the cluster; undefined for a cluster not in the desired state. */
  view(desired: DesiredState | undefined, cluster: string): ClusterSettingsView | undefined {
    const entry = desired?.clusters.find((c) => c.cluster === cluster);
    if (!entry) return undefined;
    const ext = this.of(desired, cluster);
    return {
      extension: entry.extension,
      settingsJson: JSON.stringify(ext.Config),
      ports: {
        http: ext.TargetPort,
        https: ext.TargetSSLPort,
        publishedHttps: publishedHttpsPort(this.config, ext),
      },
      proxyService: proxyServiceName(cluster, ext),
    };
  }

  /** `[Extensions.default]`, else the first extension, else Interlock's defaults. */
  private defaultExtension(): ExtensionConfig {
    return this.config.Extensions.default ?? Object.values(this.config.Extensions)[0] ?? defaultExtension();
  }
}
