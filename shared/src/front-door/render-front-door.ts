import type { ClusterModel } from '../model/index.js';
import { sealStamp, stampComment } from '../nginx/config-stamp.js';
import { hashSize } from '../nginx/hash-size.js';
import { ConfigWriter, token } from '../nginx/index.js';
import { DEFAULT_STATUS_PORT, renderStatusServer } from '../nginx/internal-endpoints.js';
import { CLUSTER_LUA, luaProgram, renderLuaRuntime, toWire } from '../nginx/runtime-targets.js';
import { byKey, byString } from '../util/compare.js';

/** Words nginx's `map` reads as its own parameters; a host spelled like one is escaped with a backslash. */
const MAP_KEYWORDS = new Set(['default', 'hostnames', 'include', 'volatile']);
const mapKey = (host: string): string => (MAP_KEYWORDS.has(host) ? `\\${host}` : host);

/** One service cluster as the front door sees it: where its proxy tasks listen and which hosts it owns. */
export interface FrontDoorCluster {
  cluster: string;
  /** The proxy's Swarm service; Docker's DNS answers `tasks.<name>` with every running task's address. */
  proxyService: string;
  /** Its running proxy tasks' addresses on the edge network, for HTTP (the host map carries them). */
  addresses: string[];
  httpPort: number;
  tlsPort: number;
  /** Every host the cluster routes: the front door's host map sends them to it. */
  hosts: string[];
  /** The hosts it terminates or passes TLS for: the front door's SNI map (in its config) sends them to it. */
  tlsHosts: string[];
  /** The cluster routes a default backend, so unknown hosts go there. */
  defaultBackend: boolean;
}

export interface FrontDoorOptions {
  /** Ports inside the front door's container; the service publishes them. */
  httpPort: number;
  httpsPort: number;
  /** Docker's embedded DNS inside every container on an overlay network (the TLS side resolves with it). */
  resolver: string;
  streamModulePath: string;
  /** Debian's libnginx-mod-http-lua and its NDK dependency, for the host map; empty when built in. */
  ndkModulePath: string;
  luaModulePath: string;
  luaPackagePath: string;
  /** Where the agent pushes the host map, on 127.0.0.1 only. */
  pushPort: number;
  /** A local server answering 503 "no proxy … running": where requests for a cluster without proxy tasks go. */
  noProxyPort: number;
  /** Where the health check answers, on 127.0.0.1 only (internal-endpoints.ts). */
  statusPort: number;
}

export const defaultFrontDoorOptions = (): FrontDoorOptions => ({
  httpPort: 80,
  httpsPort: 443,
  resolver: '127.0.0.11',
  streamModulePath: '/usr/lib/nginx/modules/ngx_stream_module.so',
  ndkModulePath: '/usr/lib/nginx/modules/ndk_http_module.so',
  luaModulePath: '/usr/lib/nginx/modules/ngx_http_lua_module.so',
  luaPackagePath: '/usr/share/lua/5.1/?.lua;;',
  pushPort: 10080,
  noProxyPort: 10503,
  statusPort: DEFAULT_STATUS_PORT,
});

const NO_PROXY = `return 503 "no proxy of this host's service cluster is running\\n";`;

/** The wire-format entry for unknown hosts (a default backend's cluster); no host name has this spelling. */
const DEFAULT_ENTRY = 'default';
const HOST_ENTRY = 'host:';
/** A cluster's proxy tasks in the host map: `proxy:<service> <ip:port>,…`, the balancer's pool. */
const PROXY_ENTRY = 'proxy:';

interface Target {
  host: string;
  address: string;
}

/**
 * Host → where its cluster's proxies are (`address`), the first cluster by name winning a host two clusters
 * claim, so output is stable; and where unknown hosts go.
 */
function targets(
  clusters: readonly FrontDoorCluster[],
  hostsOf: (c: FrontDoorCluster) => readonly string[],
  address: (c: FrontDoorCluster) => string,
): { routes: Target[]; fallback?: string } {
  const sorted = [...clusters].sort(byKey((c) => c.cluster));
  const seen = new Map<string, Target>();
  for (const c of sorted) {
    for (const host of hostsOf(c)) {
      if (!seen.has(host)) seen.set(host, { host: token(host), address: address(c) });
    }
  }
  const routes = [...seen.values()].sort(byKey((t) => t.host));
  const fallback = sorted.find((c) => c.defaultBackend);
  return fallback ? { routes, fallback: address(fallback) } : { routes };
}

const poolOf = (c: FrontDoorCluster): string => `${PROXY_ENTRY}${token(c.proxyService)}`;

/**
 * The front door's HTTP host map in the run-time targets wire format: host → its cluster's pool, and each
 * pool's proxy task addresses. Its agent pushes it to nginx's local endpoint, so a host that is added,
 * removed or moves, and a proxy task that starts or stops, change no config and start no reload (a reload
 * drops requests of clients that do not retry: bench:reload), and no request waits on a DNS lookup.
 */
export function renderFrontDoorHosts(clusters: readonly FrontDoorCluster[]): {
  version: string;
  text: string;
} {
  const { routes, fallback } = targets(clusters, (c) => c.hosts, poolOf);
  const lines = routes.map((r) => `${HOST_ENTRY}${r.host} ${r.address}`);
  if (fallback) lines.push(`${DEFAULT_ENTRY} ${fallback}`);
  for (const c of [...clusters].sort(byKey((x) => x.proxyService))) {
    const addresses = [...c.addresses].sort(byString).map((a) => `${token(a)}:${c.httpPort}`);
    lines.push(`${poolOf(c)} ${addresses.length > 0 ? addresses.join(',') : '-'}`);
  }
  return toWire(lines);
}

/** The globals both of the front door's nginx instances start with. */
function renderGlobals(w: ConfigWriter, pid: string, modules: string[], statusPort?: number): void {
  w.line('# Generated by Signalbox for the front door. Edits are overwritten.');
  if (statusPort !== undefined) w.line(stampComment(statusPort));
  w.line('user nginx;');
  w.line('worker_processes auto;');
  w.line('worker_rlimit_nofile 65535;');
  w.line('error_log /dev/stderr warn;');
  w.line(`pid ${pid};`);
  for (const module of modules) if (module !== '') w.line(`load_module ${module};`);
  w.open('events');
  w.line('worker_connections 8192;');
  w.close();
  w.blank();
}

/**
 * The nginx.conf of the front door's HTTP instance. HTTP is routed by Host through the host map its agent
 * pushes (see renderFrontDoorHosts): this text holds no host and no proxy address, so it changes only with
 * the options and the instance never reloads for a route change. A Lua balancer picks a proxy task of the
 * host's cluster per request, trying the next one when a task refuses the connection (it is stopping, or
 * not yet listening), so a rollout costs no request.
 */
export function renderFrontDoor(options: FrontDoorOptions): string {
  const w = new ConfigWriter();
  renderGlobals(
    w,
    '/var/run/frontdoor.pid',
    [options.ndkModulePath, options.luaModulePath],
    options.statusPort,
  );
  w.open('http');
  w.line('server_tokens off;');
  w.line('access_log off;');
  renderLuaRuntime(w, {
    luaPath: options.luaPackagePath,
    lua: luaProgram([...CLUSTER_LUA, 'front-door-route'], {
      host_key: `pool:${HOST_ENTRY}`,
      default_key: `pool:${DEFAULT_ENTRY}`,
    }),
    pushPort: options.pushPort,
  });
  w.open('map $http_upgrade $sb_connection');
  w.line('default upgrade;');
  w.line("'' '';");
  w.close();
  w.open('upstream sb_proxies');
  w.line('server 0.0.0.1;');
  w.line(
    `balancer_by_lua_block { signalbox.balance(ngx.ctx.sb_pool, "round-robin", "", ${options.noProxyPort}) }`,
  );
  w.close();
  w.blank();
  w.open('server');
  w.line(`listen 127.0.0.1:${options.noProxyPort};`);
  w.line('default_type text/plain;');
  w.line(NO_PROXY);
  w.close();
  renderStatusServer(w, {
    port: options.statusPort,
    health: ['content_by_lua_block { signalbox.health("no host map yet") }'],
    stubStatus: false,
  });
  w.open('server');
  w.line(`listen ${options.httpPort} default_server reuseport;`);
  w.line('server_name _;');
  w.open('location /');
  w.line('rewrite_by_lua_block { signalbox.route() }');
  w.line('proxy_pass http://sb_proxies;');
  w.line('proxy_http_version 1.1;');
  w.line('proxy_set_header Host $http_host;');
  w.line('proxy_set_header Upgrade $http_upgrade;');
  w.line('proxy_set_header Connection $sb_connection;');
  w.line('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
  w.line('proxy_set_header X-Forwarded-Proto $scheme;');
  w.line('proxy_buffering off;');
  w.line('proxy_connect_timeout 2s;');
  w.line('proxy_read_timeout 600s;');
  w.line('proxy_send_timeout 600s;');
  // Only idempotent requests are retried (nginx's default); a refused or reset connection is a proxy task
  // that is stopping or not yet listening, and the balancer's next pick is another task of the same cluster.
  w.line('proxy_next_upstream error timeout;');
  w.line('error_page 502 504 =503 @unavailable;');
  w.close();
  w.open('location @unavailable');
  w.line('default_type text/plain;');
  w.line(NO_PROXY);
  w.close();
  w.close();
  w.close();
  return sealStamp(w.toString());
}

/**
 * The nginx.conf of the front door's TLS instance, a second nginx master in the same task: TLS is passed
 * through by SNI (certificates live only in the cluster proxies) with the TLS hosts in a `map`, to
 * `tasks.NAME` through Docker's DNS. Only a TLS host that comes, goes or moves changes this text, and the
 * reload it takes touches no HTTP connection: a reload closes idle keep-alive connections, and a client
 * that sends on one at that moment loses its request (bench:reload), while a TLS stream runs on in its old
 * worker until it ends.
 */
export function renderFrontDoorTls(clusters: readonly FrontDoorCluster[], options: FrontDoorOptions): string {
  const tls = targets(
    clusters,
    (c) => c.tlsHosts,
    (c) => `tasks.${token(c.proxyService)}:${c.tlsPort}`,
  );
  const w = new ConfigWriter();
  renderGlobals(w, '/var/run/frontdoor-tls.pid', [options.streamModulePath]);
  w.open('stream');
  w.line(`resolver ${options.resolver} valid=1s ipv6=off;`);
  w.line('resolver_timeout 2s;');
  // A TLS host of more than 110 characters would not fit a fixed 128-byte bucket and fail the whole front door.
  const sni = hashSize(
    tls.routes.map((r) => r.host),
    { bucketSize: 128, maxSize: 2048 },
  );
  w.line(`map_hash_bucket_size ${sni.bucketSize};`);
  w.line(`map_hash_max_size ${sni.maxSize};`);
  w.open('map $ssl_preread_server_name $sb_cluster_tls');
  w.line('hostnames;');
  w.line(tls.fallback ? `default ${tls.fallback};` : "default '';");
  for (const r of tls.routes) w.line(`${mapKey(r.host)} ${r.address};`);
  w.close();
  w.open('server');
  w.line(`listen ${options.httpsPort} reuseport;`);
  w.line('ssl_preread on;');
  w.line('proxy_pass $sb_cluster_tls;');
  // The proxies read the client's address from it (they believe it from the edge network only): the TLS
  // passes through untouched, so no header inside it could carry the address.
  w.line('proxy_protocol on;');
  w.line('proxy_connect_timeout 2s;');
  w.line('proxy_next_upstream on;');
  w.line('proxy_next_upstream_tries 4;');
  w.close();
  w.close();
  return w.toString();
}

/** The hosts a cluster's model routes, all and those it terminates or passes TLS for, sorted, once each. */
export function modelHosts(model: ClusterModel): { hosts: string[]; tlsHosts: string[] } {
  const tls = [
    ...model.virtualHosts.filter((v) => v.tls !== undefined).map((v) => v.host),
    ...model.passthroughHosts.map((p) => p.host),
  ];
  const hosts = [...model.virtualHosts.map((v) => v.host), ...model.passthroughHosts.map((p) => p.host)];
  return { hosts: [...new Set(hosts)].sort(byString), tlsHosts: [...new Set(tls)].sort(byString) };
}

/**
 * What the front door needs from one cluster: from its model the hosts it owns (all, and those with TLS) and
 * whether it has a default backend; from the caller its proxy service, ports and task addresses.
 */
export function frontDoorCluster(
  model: ClusterModel,
  proxy: { service: string; httpPort: number; tlsPort: number; addresses: string[] },
): FrontDoorCluster {
  return {
    cluster: model.cluster,
    proxyService: proxy.service,
    addresses: proxy.addresses,
    httpPort: proxy.httpPort,
    tlsPort: proxy.tlsPort,
    ...modelHosts(model),
    defaultBackend: model.defaultBackend !== undefined,
  };
}
