import type {
  AppRoute,
  Balance,
  ClusterModel,
  Conflict,
  DefaultBackend,
  Hsts,
  Location,
  PassthroughHost,
  Pool,
  SslBackend,
  TlsSecrets,
  VirtualHost,
} from '../model/index.js';
import { byKey, byString } from '../util/compare.js';
import { shortHash } from '../util/stable-hash.js';

interface HostEntry {
  owner: string;
  passthrough: boolean;
  tls?: TlsSecrets;
  hsts?: Hsts;
  sslOnly: boolean;
  redirects: { http?: string; https?: string };
  /** path → location; keyed by path because nginx allows one prefix location per path in a server. */
  locations: Map<string, Location>;
}

interface PoolEntry {
  pool: Pool;
  owner: string;
  stripPrefix?: string;
  sticky?: string;
  ipHash: boolean;
  targets: Set<string>;
}

const sameTls = (a?: TlsSecrets, b?: TlsSecrets): boolean => a?.cert === b?.cert && a?.key === b?.key;
const sameSslBackend = (a?: SslBackend, b?: SslBackend): boolean =>
  (a === undefined) === (b === undefined) && a?.ca === b?.ca && a?.name === b?.name;
const sameHsts = (a?: Hsts, b?: Hsts): boolean =>
  a?.maxAge === b?.maxAge && a?.includeSubDomains === b?.includeSubDomains && a?.preload === b?.preload;

const hostRedirects = (route: AppRoute, host: string): HostEntry['redirects'] => {
  const out: HostEntry['redirects'] = {};
  for (const r of route.redirects) if (r.fromHost === host) out[r.fromScheme] = r.to;
  return out;
};

const describeHost = (e: Pick<HostEntry, 'passthrough' | 'tls' | 'hsts' | 'sslOnly' | 'redirects'>): string =>
  JSON.stringify({
    passthrough: e.passthrough,
    tls: e.tls ?? null,
    hsts: e.hsts ?? null,
    sslOnly: e.sslOnly,
    redirects: e.redirects,
  });

const balanceOf = (sticky: string | undefined, ipHash: boolean): Balance =>
  sticky !== undefined
    ? { kind: 'cookie', cookie: sticky }
    : ipHash
      ? { kind: 'ip-hash' }
      : { kind: 'round-robin' };

/**
 * nginx compares each new upstream name with every earlier one (ngx_http_upstream_add), so the hash comes
 * first: two names then differ within a few bytes. The host part is only there for people reading the file.
 */
const poolName = (kind: string, host: string, path: string): string =>
  `sb${shortHash(`${kind}|${host}|${path}`)}_${host
    .replace(/^\*\./, 'wild.')
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40)}`;

/**
 * Merges the routes of one service cluster into hosts, locations and pools. Routes arrive oldest first; when
 * two services disagree about a host or path, the older keeps it and the newer is reported and left out of
 * that host or path only, so every other route of both services still works.
 */
export function assembleCluster(
  cluster: string,
  routes: readonly AppRoute[],
  globalIpHash = false,
): ClusterModel {
  const hosts = new Map<string, HostEntry>();
  const pools = new Map<string, PoolEntry>();
  const conflicts: Conflict[] = [];
  const used = new Map<string, AppRoute>();
  let defaultBackend: DefaultBackend | undefined;
  let defaultOwner: AppRoute | undefined;

  const claimPool = (
    route: AppRoute,
    kind: 'http' | 'stream',
    host: string,
    path: string,
  ): PoolEntry | undefined => {
    const key = `${kind}|${host}|${path}`;
    const stripPrefix = route.contextRootRewrite ? route.contextRoot : undefined;
    const ipHash = route.ipHash || (globalIpHash && route.stickyCookie === undefined);
    const existing = pools.get(key);
    if (!existing) {
      const pool: Pool = {
        name: poolName(kind, host, path),
        host,
        path,
        services: [],
        targets: [],
        balance: balanceOf(route.stickyCookie, ipHash),
      };
      // Passthrough pools carry the app's own TLS; the parser never lets ssl_backend reach one.
      if (route.sslBackend && kind === 'http') pool.sslBackend = { ...route.sslBackend };
      const entry: PoolEntry = { pool, owner: route.service, ipHash, targets: new Set() };
      if (stripPrefix !== undefined) entry.stripPrefix = stripPrefix;
      if (route.stickyCookie !== undefined) entry.sticky = route.stickyCookie;
      pools.set(key, entry);
      return join(entry, route);
    }
    const differs =
      existing.stripPrefix !== stripPrefix
        ? 'context_root_rewrite'
        : existing.sticky !== route.stickyCookie
          ? 'sticky_session_cookie'
          : existing.ipHash !== ipHash
            ? 'ip_hash'
            : !sameSslBackend(existing.pool.sslBackend, kind === 'http' ? route.sslBackend : undefined)
              ? 'ssl_backend, ssl_backend_tls_verify or their CA or name'
              : undefined;
    if (differs) {
      conflicts.push({
        kind: 'pool',
        host,
        path,
        kept: existing.owner,
        dropped: route.service,
        reason: `shares ${host}${path === '/' ? '' : path} with ${existing.owner} but sets ${differs} differently`,
      });
      return undefined;
    }
    return join(existing, route);
  };
  const join = (entry: PoolEntry, route: AppRoute): PoolEntry => {
    if (!entry.pool.services.includes(route.service)) entry.pool.services.push(route.service);
    for (const t of route.targets) entry.targets.add(t);
    used.set(route.service, route);
    return entry;
  };

  const claimLocation = (host: string, entry: HostEntry, route: AppRoute, loc: Location): boolean => {
    const existing = entry.locations.get(loc.path);
    if (!existing) {
      entry.locations.set(loc.path, loc);
      return true;
    }
    if (existing.pool === loc.pool) {
      existing.websocket ||= loc.websocket;
      return true;
    }
    conflicts.push({
      kind: 'location',
      host,
      path: loc.path,
      kept: entry.owner,
      dropped: route.service,
      reason: `path ${loc.path} on ${host} already routes to another service`,
    });
    return false;
  };

  for (const route of routes) {
    for (const host of route.hosts) {
      const wanted = {
        passthrough: route.sslPassthrough,
        sslOnly: route.sslOnly,
        redirects: hostRedirects(route, host),
        ...(route.tls ? { tls: route.tls } : {}),
        ...(route.hsts ? { hsts: route.hsts } : {}),
      };
      let entry = hosts.get(host);
      if (!entry) {
        entry = { owner: route.service, locations: new Map(), ...wanted };
        hosts.set(host, entry);
      } else if (
        entry.passthrough !== wanted.passthrough ||
        !sameTls(entry.tls, wanted.tls) ||
        !sameHsts(entry.hsts, wanted.hsts) ||
        entry.sslOnly !== wanted.sslOnly ||
        JSON.stringify(entry.redirects) !== JSON.stringify(wanted.redirects)
      ) {
        conflicts.push({
          kind: 'host',
          host,
          kept: entry.owner,
          dropped: route.service,
          reason:
            entry.passthrough !== wanted.passthrough
              ? `${host} is ${entry.passthrough ? 'TLS passthrough' : 'terminated by the proxy'} for ${entry.owner}`
              : `${host} has other TLS, HSTS, ssl_only or redirect settings for ${entry.owner}: ${describeHost(entry)}`,
        });
        continue;
      }
      if (route.sslPassthrough) {
        const pool = claimPool(route, 'stream', host, '/');
        if (pool) entry.locations.set('/', { path: '/', pool: pool.pool.name, websocket: false });
        continue;
      }
      const pool = claimPool(route, 'http', host, route.contextRoot);
      if (!pool) continue;
      const base: Omit<Location, 'path' | 'websocket'> = { pool: pool.pool.name };
      if (pool.stripPrefix !== undefined) base.stripPrefix = pool.stripPrefix;
      const wsRoot = route.websocketEndpoints.includes(route.contextRoot);
      claimLocation(host, entry, route, { ...base, path: route.contextRoot, websocket: wsRoot });
      for (const ws of route.websocketEndpoints) {
        if (ws !== route.contextRoot)
          claimLocation(host, entry, route, { ...base, path: ws, websocket: true });
      }
    }
    if (route.defaultBackend) {
      if (defaultOwner) {
        conflicts.push({
          kind: 'default-backend',
          kept: defaultOwner.service,
          dropped: route.service,
          reason: `${defaultOwner.service} is already the default backend`,
        });
        continue;
      }
      const pool = claimPool(route, route.sslPassthrough ? 'stream' : 'http', '_', '/');
      if (!pool) continue;
      defaultOwner = route;
      defaultBackend = { service: route.service, pool: pool.pool.name, passthrough: route.sslPassthrough };
      if (route.tls) defaultBackend.tls = route.tls;
    }
  }

  const virtualHosts: VirtualHost[] = [];
  const passthroughHosts: PassthroughHost[] = [];
  for (const [host, entry] of [...hosts].sort(byKey(([h]) => h))) {
    const locations = [...entry.locations.values()].sort(byKey((l) => l.path));
    if (locations.length === 0) continue;
    if (entry.passthrough) {
      const first = locations[0];
      if (first) {
        const redirects = entry.redirects.http ? { http: entry.redirects.http } : {};
        passthroughHosts.push({ host, pool: first.pool, sslOnly: entry.sslOnly, redirects });
      }
      continue;
    }
    const vh: VirtualHost = { host, sslOnly: entry.sslOnly, redirects: entry.redirects, locations };
    if (entry.tls) vh.tls = entry.tls;
    if (entry.hsts) vh.hsts = entry.hsts;
    virtualHosts.push(vh);
  }

  const httpPools: Pool[] = [];
  const streamPools: Pool[] = [];
  for (const [key, entry] of [...pools].sort(byKey(([k]) => k))) {
    entry.pool.targets = [...entry.targets].sort(byString);
    entry.pool.services.sort(byString);
    (key.startsWith('stream|') ? streamPools : httpPools).push(entry.pool);
  }

  const usedRoutes = [...used.values()];
  // A host-mode app (network null) is reached at its nodes' addresses: the proxy joins nothing for it.
  const networks = new Map(
    usedRoutes.flatMap((r) => (r.network ? [[r.network.id, r.network] as const] : [])),
  );
  const secrets = new Set<string>();
  const tlsInUse = [...virtualHosts.map((v) => v.tls), defaultBackend?.tls];
  for (const tls of tlsInUse) {
    if (tls) {
      secrets.add(tls.cert);
      if (tls.key) secrets.add(tls.key);
    }
  }
  for (const pool of httpPools) if (pool.sslBackend?.ca) secrets.add(pool.sslBackend.ca);
  const model: ClusterModel = {
    cluster,
    virtualHosts,
    passthroughHosts,
    httpPools,
    streamPools,
    networks: [...networks.values()].sort(byKey((n) => n.name)),
    secrets: [...secrets].sort(byString),
    services: usedRoutes.map((r) => r.service).sort(byString),
    conflicts,
  };
  if (defaultBackend) model.defaultBackend = defaultBackend;
  return model;
}
