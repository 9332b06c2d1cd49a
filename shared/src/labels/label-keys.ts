/** Interlock's service labels, plus `ssl_only`, which Interlock documented but never implemented. */
export const LABEL_PREFIX = 'com.docker.lb.';

export const LabelKey = {
  hosts: 'com.docker.lb.hosts',
  port: 'com.docker.lb.port',
  network: 'com.docker.lb.network',
  contextRoot: 'com.docker.lb.context_root',
  contextRootRewrite: 'com.docker.lb.context_root_rewrite',
  sslCert: 'com.docker.lb.ssl_cert',
  sslKey: 'com.docker.lb.ssl_key',
  sslPassthrough: 'com.docker.lb.ssl_passthrough',
  sslOnly: 'com.docker.lb.ssl_only',
  websocketEndpoints: 'com.docker.lb.websocket_endpoints',
  serviceCluster: 'com.docker.lb.service_cluster',
  stickySessionCookie: 'com.docker.lb.sticky_session_cookie',
  ipHash: 'com.docker.lb.ip_hash',
  redirects: 'com.docker.lb.redirects',
  backendMode: 'com.docker.lb.backend_mode',
  defaultBackend: 'com.docker.lb.default_backend',
  /** HTTPS to the app (Interlock 3.0's label table). */
  sslBackend: 'com.docker.lb.ssl_backend',
  /** `none` (Interlock's default) or `required`: verify the app's certificate, against `sslBackendCa`. */
  sslBackendTlsVerify: 'com.docker.lb.ssl_backend_tls_verify',
  /** Signalbox's own (Interlock named no CA): the Docker secret holding the CA the app's certificate must chain to. */
  sslBackendCa: 'io.signalbox.ssl_backend_ca',
  /** Signalbox's own: the name sent in SNI and checked in the app's certificate; default: the request's host. */
  sslBackendName: 'io.signalbox.ssl_backend_name',
  /** Signalbox's own (Interlock had no HSTS): the Strict-Transport-Security header of the service's TLS hosts. */
  hsts: 'io.signalbox.hsts',
} as const;

export type LabelKey = (typeof LabelKey)[keyof typeof LabelKey];

const KNOWN = new Set<string>(Object.values(LabelKey));

/**
 * Labels Interlock documented and later dropped, read as "not supported" rather than "unknown". None today:
 * `ssl_backend` and `ssl_backend_tls_verify`, documented in 3.0 only, are supported.
 */
const RETIRED = new Set<string>();

export const isKnownLabel = (key: string): boolean => KNOWN.has(key);
export const isRetiredLabel = (key: string): boolean => RETIRED.has(key);

/** The stack namespace label that `docker stack deploy` sets; used to accept unprefixed network names. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';
