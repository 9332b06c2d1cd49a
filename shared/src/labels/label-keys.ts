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
  /** Signalbox's own (Interlock had no HSTS): the Strict-Transport-Security header of the service's TLS hosts. */
  hsts: 'io.signalbox.hsts',
} as const;

export type LabelKey = (typeof LabelKey)[keyof typeof LabelKey];

const KNOWN = new Set<string>(Object.values(LabelKey));

/** Labels Interlock 3.0 documented and later dropped; read as "not supported" rather than "unknown". */
const RETIRED = new Set(['com.docker.lb.ssl_backend', 'com.docker.lb.ssl_backend_tls_verify']);

export const isKnownLabel = (key: string): boolean => KNOWN.has(key);
export const isRetiredLabel = (key: string): boolean => RETIRED.has(key);

/** The stack namespace label that `docker stack deploy` sets; used to accept unprefixed network names. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';
