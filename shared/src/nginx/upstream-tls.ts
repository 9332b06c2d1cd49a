import type { SslBackend } from '../model/index.js';
import type { ConfigWriter } from './config-writer.js';
import { token } from './safe-token.js';

/**
 * HTTPS to an app (`com.docker.lb.ssl_backend`), written into each location that proxies to its pool.
 *
 * - SNI is always sent, with the label's name or else the request's host (`$host`, never a client's
 *   `Host` port), so an app serving several certificates picks the right one.
 * - TLS 1.2 and 1.3 only: nginx 1.22's default for upstreams is TLS 1.0–1.2, which leaves out 1.3.
 * - `ssl_backend_tls_verify=required`: the certificate must chain to the CA in the label's secret, within
 *   three certificates (leaf, up to two intermediates), and name the SNI name. `none` verifies nothing, as in
 *   Interlock: encrypted, not authenticated.
 */

/** The leaf, an intermediate or two, then the trusted CA. */
export const UPSTREAM_VERIFY_DEPTH = 3;

export function renderUpstreamTls(
  w: ConfigWriter,
  tls: SslBackend,
  o: { secretsDir: string; runtimePool?: string },
): void {
  // With run-time targets a pool without targets hands its requests to a plain-HTTP server that answers 503;
  // a TLS handshake with it would fail (502), so such a pool answers 503 before proxying.
  if (o.runtimePool !== undefined)
    w.line(`access_by_lua_block { signalbox.require_targets("${token(o.runtimePool)}") }`);
  w.line('proxy_ssl_server_name on;');
  w.line(`proxy_ssl_name ${tls.name === undefined ? '$host' : token(tls.name)};`);
  w.line('proxy_ssl_protocols TLSv1.2 TLSv1.3;');
  if (tls.ca === undefined) return;
  w.line('proxy_ssl_verify on;');
  w.line(`proxy_ssl_verify_depth ${UPSTREAM_VERIFY_DEPTH};`);
  w.line(`proxy_ssl_trusted_certificate ${token(o.secretsDir)}/${token(tls.ca)};`);
}
