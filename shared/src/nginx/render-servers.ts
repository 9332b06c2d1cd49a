import type { NginxSettings } from '../config/index.js';
import type {
  DefaultBackend,
  Hsts,
  Location,
  PassthroughHost,
  Pool,
  TlsSecrets,
  VirtualHost,
} from '../model/index.js';
import type { ConfigWriter } from './config-writer.js';
import { token } from './safe-token.js';
import { hstsHeader } from './tls-policy.js';
import { renderUpstreamTls } from './upstream-tls.js';

/**
 * The `server` blocks of a cluster's http context: a catch-all and, per host, one for plain HTTP and one for
 * TLS. A TLS host gets a block of its own so that each listener believes exactly one source about the
 * client (`real_ip_header` is per server, not per listener).
 */

export interface ProxyPorts {
  /** Plain HTTP port inside the proxy container (Interlock's TargetPort). */
  http: number;
  /** TLS port inside the proxy container (TargetSSLPort). */
  https: number;
  /** TLS port clients use (PublishedSSLPort), for ssl_only redirects. */
  publishedHttps: number;
}

/** Headers every proxied request carries; repeated in websocket locations, which drop the inherited set. */
export const proxyHeaders = (connection: string): string[] => [
  'proxy_set_header Host $http_host;',
  'proxy_set_header X-Real-IP $remote_addr;',
  'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'proxy_set_header X-Forwarded-Proto $scheme;',
  'proxy_set_header x-request-id $request_id;',
  `proxy_set_header Connection ${connection};`,
];

/** What every server block of a cluster shares. */
export interface ServerContext {
  ports: ProxyPorts;
  secretsDir: string;
  runtime: boolean;
  tls: { listen: string; realIp: string[] };
  /** Repeated in a server that adds a header of its own: nginx then drops the inherited ones. */
  infoHeaders: string[];
  /** The cluster's `HSTS` setting, for TLS hosts without a label of their own. */
  hsts?: Hsts;
}

export const infoHeaders = (serverInfo: string): string[] => [
  'add_header x-request-id $request_id always;',
  'add_header x-proxy-id $hostname always;',
  `add_header x-server-info "${serverInfo}" always;`,
  'add_header x-upstream-addr $upstream_addr always;',
  'add_header x-upstream-response-time $upstream_response_time always;',
];

/**
 * Where TLS is terminated and whom it believes about the client: behind the proxy's own SNI router (when
 * it passes some TLS through), which speaks PROXY protocol over loopback; else on the TLS port, with PROXY
 * protocol from the front door's edge ranges when there is a front door, and nothing to believe without.
 */
export function tlsListener(
  s: NginxSettings,
  ports: ProxyPorts,
  needsStream: boolean,
  edge: readonly string[],
): ServerContext['tls'] {
  const fromProxyProtocol = (ranges: readonly string[]): string[] => [
    ...ranges.map((r) => `set_real_ip_from ${r};`),
    'real_ip_header proxy_protocol;',
  ];
  if (needsStream)
    return {
      listen: `listen 127.0.0.1:${s.InternalTLSPort} ssl proxy_protocol`,
      realIp: fromProxyProtocol(['127.0.0.1']),
    };
  if (edge.length > 0)
    return { listen: `listen ${ports.https} ssl proxy_protocol`, realIp: fromProxyProtocol(edge) };
  return { listen: `listen ${ports.https} ssl`, realIp: [] };
}

/** Opens a TLS server: its own block, so its client address never comes from a header. */
function openTlsServer(w: ConfigWriter, ctx: ServerContext, listenSuffix = ''): void {
  w.blank();
  w.open('server');
  w.line(`${ctx.tls.listen}${listenSuffix};`);
  for (const line of ctx.tls.realIp) w.line(line);
}

/**
 * The servers for names no host claims: 503, or the default backend. On the TLS port, the default backend's
 * certificate or no handshake at all, rather than another host's certificate.
 */
export function renderCatchAll(
  w: ConfigWriter,
  ctx: ServerContext,
  o: { defaultBackend?: DefaultBackend; pools: ReadonlyMap<string, Pool>; terminatesTls: boolean },
): void {
  const fallback = o.defaultBackend && !o.defaultBackend.passthrough ? o.defaultBackend : undefined;
  const fallbackPool = fallback ? o.pools.get(fallback.pool) : undefined;
  const fallbackLocation = (): void => {
    if (fallbackPool) {
      renderLocation(w, { path: '/', pool: fallbackPool.name, websocket: false }, fallbackPool, ctx);
      return;
    }
    w.open('location /');
    w.line('return 503;');
    w.close();
  };
  w.open('server');
  w.line(`listen ${ctx.ports.http} default_server;`);
  w.line('server_name _;');
  fallbackLocation();
  w.close();
  if (!o.terminatesTls) return;
  openTlsServer(w, ctx, ' default_server');
  w.line('server_name _;');
  if (fallback?.tls) renderCertificate(w, fallback.tls, ctx.secretsDir);
  else w.line('ssl_reject_handshake on;');
  // A request whose Host names no host lands here even after another name's handshake.
  fallbackLocation();
  w.close();
}

function renderCertificate(w: ConfigWriter, tls: TlsSecrets, dir: string): void {
  w.line(`ssl_certificate ${token(dir)}/${token(tls.cert)};`);
  w.line(`ssl_certificate_key ${token(dir)}/${token(tls.key ?? tls.cert)};`);
}

export function renderVirtualHost(
  w: ConfigWriter,
  vh: VirtualHost,
  pools: ReadonlyMap<string, Pool>,
  ctx: ServerContext,
): void {
  const locations = (): void => {
    for (const loc of vh.locations) {
      const pool = pools.get(loc.pool);
      if (pool) renderLocation(w, loc, pool, ctx);
    }
  };
  w.blank();
  w.open('server');
  w.line(`listen ${ctx.ports.http};`);
  w.line(`server_name ${token(vh.host)};`);
  const toHttps = httpRedirect(vh, ctx.ports);
  if (toHttps) redirectAll(w, toHttps);
  else locations();
  w.close();
  if (!vh.tls) return;
  openTlsServer(w, ctx);
  renderCertificate(w, vh.tls, ctx.secretsDir);
  w.line(`server_name ${token(vh.host)};`);
  const hsts = vh.hsts ?? ctx.hsts;
  if (hsts) for (const line of [...ctx.infoHeaders, hstsHeader(hsts)]) w.line(line);
  if (vh.redirects.https) redirectAll(w, `return 302 ${token(vh.redirects.https)}$request_uri;`);
  else locations();
  w.close();
}

/** What a host's plain-HTTP server answers instead of routing: its http redirect, else ssl_only's. */
function httpRedirect(
  h: { sslOnly: boolean; redirects: { http?: string } },
  ports: ProxyPorts,
): string | undefined {
  if (h.redirects.http) return `return 302 ${token(h.redirects.http)}$request_uri;`;
  if (!h.sslOnly) return undefined;
  const port = ports.publishedHttps === 443 ? '' : `:${ports.publishedHttps}`;
  return `return 301 https://$host${port}$request_uri;`;
}

/** A location, not a server-level `return`: the fuzz test's directive check then flags any such return. */
function redirectAll(w: ConfigWriter, redirect: string): void {
  w.open('location /');
  w.line(redirect);
  w.close();
}

/** The plain-HTTP side of a passthrough host exists only to redirect: its TLS never reaches this block. */
export function renderPassthroughRedirect(w: ConfigWriter, ph: PassthroughHost, ports: ProxyPorts): void {
  const redirect = httpRedirect(ph, ports);
  if (!redirect) return;
  w.blank();
  w.open('server');
  w.line(`listen ${ports.http};`);
  w.line(`server_name ${token(ph.host)};`);
  redirectAll(w, redirect);
  w.close();
}

/**
 * `/` is one prefix location. Any other path P gets `= P` and `P/`, so `/app` never captures `/application`.
 * With a stripped prefix the upstream sees the rest of the path, and a bare `= P` of the context root is
 * redirected to `P/`, as Interlock's rewrite did.
 */
function renderLocation(
  w: ConfigWriter,
  loc: Location,
  pool: Pool,
  ctx: Pick<ServerContext, 'runtime' | 'secretsDir'>,
): void {
  const path = token(loc.path);
  const tls = pool.sslBackend;
  const upstream = `${tls ? 'https' : 'http'}://${token(pool.name)}`;
  const body = (uri: string | undefined): void => {
    // With run-time targets an empty pool still proxies: targets may arrive without a new config.
    if (pool.targets.length === 0 && !ctx.runtime) {
      w.line('return 503;');
      return;
    }
    if (tls)
      renderUpstreamTls(w, tls, {
        secretsDir: ctx.secretsDir,
        ...(ctx.runtime ? { runtimePool: pool.name } : {}),
      });
    if (loc.websocket) {
      for (const h of proxyHeaders('$connection_upgrade')) w.line(h);
      w.line('proxy_set_header Upgrade $http_upgrade;');
    }
    w.line(`proxy_pass ${upstream}${uri ?? ''};`);
  };
  if (path === '/') {
    w.open('location /');
    body(undefined);
    w.close();
    return;
  }
  const strip = loc.stripPrefix;
  const rest = strip === undefined ? undefined : path.slice(strip.length);
  w.open(`location = ${path}`);
  if (strip !== undefined && rest === '') w.line(`return 301 ${path}/$is_args$args;`);
  else body(rest === undefined ? undefined : rest);
  w.close();
  w.open(`location ${path}/`);
  body(rest === undefined ? undefined : `${rest}/`);
  w.close();
}
