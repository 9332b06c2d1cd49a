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

/**
 * HTTPS to the app (`com.docker.lb.ssl_backend`). Without `ca` the app's certificate is not verified
 * (`ssl_backend_tls_verify=none`, Interlock's default): the connection is encrypted, not authenticated.
 */
export interface SslBackend {
  /** `ssl_backend_tls_verify=required`: the Docker secret holding the CA the app's certificate must chain to. */
  ca?: string;
  /** The name sent in SNI and, with `ca`, checked in the certificate; absent: the request's host. */
  name?: string;
}

/** A Strict-Transport-Security header, from `io.signalbox.hsts` or the cluster's `HSTS` setting. */
export interface Hsts {
  /** Seconds browsers keep to HTTPS; 0 withdraws an earlier header. */
  maxAge: number;
  includeSubDomains: boolean;
  preload: boolean;
}

export interface RouteSpec {
  service: string;
  serviceId: string;
  createdAt: string;
  hosts: string[];
  port: number;
  /**
   * The network the proxy joins to reach the tasks. `null`: the service is on no network and publishes `port`
   * in host mode, so its tasks are reached at their nodes' addresses and published ports, and the proxy joins
   * no network for it.
   */
  network: { id: string; name: string } | null;
  /**
   * With `[Planner] ChooseNetworks`, a service on several networks and no `com.docker.lb.network` label: every
   * network it is on, by name. The planner picks `network` from them; until then it is the first.
   */
  networkChoices?: { id: string; name: string }[];
  /** `/` when the service has no context root; otherwise without a trailing slash. */
  contextRoot: string;
  contextRootRewrite: boolean;
  tls?: TlsSecrets;
  /** Only with `tls`: the proxy adds the header to the TLS it terminates. */
  hsts?: Hsts;
  sslPassthrough: boolean;
  sslOnly: boolean;
  /** The proxy reaches the app over TLS; never with `sslPassthrough`. */
  sslBackend?: SslBackend;
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
  /** With `networkChoices`: the targets on each of them, by network ID, for when the planner has chosen. */
  targetsByNetwork?: Record<string, string[]>;
  /** With `[Tenancy]`: the service's tenant label value, '' when it has none (those services form one tenant). */
  tenant?: string;
  /** With `[Tenancy]`: tenants that may pool on the hosts this service owns (`io.signalbox.share_with`). */
  shareWith?: string[];
}
