/** What one service's `com.docker.lb.*` labels ask for, validated and normalised. */
export type BackendMode = 'task' | 'vip';

export interface Redirect {
  /** `http` redirects are served on the plain port, `https` ones on the TLS-terminating server. */
  fromScheme: 'http' | 'https';
  fromHost: string;
  /** Absolute URL without query; the request URI is appended, as Interlock did. */
  to: string;
}

export interface TlsSecrets {
  cert: string;
  key?: string;
}

export interface RouteSpec {
  service: string;
  serviceId: string;
  createdAt: string;
  hosts: string[];
  port: number;
  network: { id: string; name: string };
  /** `/` when the service has no context root; otherwise without a trailing slash. */
  contextRoot: string;
  contextRootRewrite: boolean;
  tls?: TlsSecrets;
  sslPassthrough: boolean;
  sslOnly: boolean;
  websocketEndpoints: string[];
  /** The `service_cluster` label, or null when the planner may choose. */
  pinnedCluster: string | null;
  stickyCookie?: string;
  ipHash: boolean;
  redirects: Redirect[];
  backendMode: BackendMode;
  defaultBackend: boolean;
}

/** A route plus where the proxy sends its traffic, as `ip:port` strings. */
export interface AppRoute extends RouteSpec {
  targets: string[];
  /** With `[Tenancy]`: the service's tenant label value, '' when it has none (those services form one tenant). */
  tenant?: string;
  /** With `[Tenancy]`: tenants that may pool on the hosts this service owns (`io.signalbox.share_with`). */
  shareWith?: string[];
}
