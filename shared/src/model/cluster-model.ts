import type { Hsts, SslBackend, TlsSecrets } from './route-spec.js';

/** How a pool spreads requests over its targets. */
export type Balance = { kind: 'round-robin' } | { kind: 'ip-hash' } | { kind: 'cookie'; cookie: string };

/** One set of targets that nginx balances over: all services that share a host and path. */
export interface Pool {
  name: string;
  host: string;
  path: string;
  services: string[];
  targets: string[];
  balance: Balance;
  /** HTTP pools only: the proxy speaks TLS to the targets. */
  sslBackend?: SslBackend;
}

export interface Location {
  path: string;
  pool: string;
  /** The pool's context root when the label asks to strip it before proxying. */
  stripPrefix?: string;
  websocket: boolean;
}

export interface VirtualHost {
  host: string;
  tls?: TlsSecrets;
  /** The host's own header (its `io.signalbox.hsts` label); without it the cluster's `HSTS` setting applies. */
  hsts?: Hsts;
  sslOnly: boolean;
  redirects: { http?: string; https?: string };
  locations: Location[];
}

export interface PassthroughHost {
  host: string;
  pool: string;
  sslOnly: boolean;
  /** Only `http` can apply: the proxy never sees inside a passed-through TLS session. */
  redirects: { http?: string };
}

export interface DefaultBackend {
  service: string;
  pool: string;
  tls?: TlsSecrets;
  passthrough: boolean;
}

export interface Conflict {
  kind: 'host' | 'pool' | 'location' | 'default-backend';
  host?: string;
  path?: string;
  /** The older service, which keeps the route. */
  kept: string;
  /** The newer service, left out of this route only. */
  dropped: string;
  reason: string;
}

/** Everything one service cluster's proxy needs, sorted so equal input gives byte-equal config. */
export interface ClusterModel {
  cluster: string;
  virtualHosts: VirtualHost[];
  passthroughHosts: PassthroughHost[];
  httpPools: Pool[];
  streamPools: Pool[];
  defaultBackend?: DefaultBackend;
  networks: { id: string; name: string }[];
  /** Docker secrets the proxy mounts: TLS certificates and keys, and the CAs of verified TLS upstreams. */
  secrets: string[];
  services: string[];
  conflicts: Conflict[];
}

/** Routes a cluster serves: one per host and path, one per TLS passthrough host. */
export const routeCount = (model: ClusterModel): number =>
  model.virtualHosts.reduce((n, vh) => n + vh.locations.length, 0) + model.passthroughHosts.length;
