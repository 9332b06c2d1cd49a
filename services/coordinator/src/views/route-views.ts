import type { DesiredCluster, DesiredState, Rejection } from '#shared/desired/index.js';
import type { ExplainHostResponse } from '#shared/gen/signalbox/v1/ExplainHostResponse.js';
import type { RouteInfo } from '#shared/gen/signalbox/v1/RouteInfo.js';
import type { TaskInfo } from '#shared/gen/signalbox/v1/TaskInfo.js';
import { LabelKey } from '#shared/labels/index.js';
import type { ClusterModel } from '#shared/model/index.js';
import { hostEndpoint, isServing, nodeAddresses } from '#shared/routing/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';

/** Service → tenant, for the services routed with [Tenancy] on; empty without. */
export function tenantsByService(state: DesiredState | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!state?.tenancy) return out;
  for (const r of state.routes.routes) if (r.tenant !== undefined) out.set(r.service, r.tenant);
  return out;
}

/** One entry per host and path (and per passthrough host) of a cluster, with its services and targets. */
export function routesOf(c: DesiredCluster, tenants: ReadonlyMap<string, string> = new Map()): RouteInfo[] {
  const m: ClusterModel = c.model;
  const tenantsOf = (services: string[]): string[] =>
    [...new Set(services.flatMap((s) => (tenants.has(s) ? [tenants.get(s) as string] : [])))].sort();
  const pools = new Map([...m.httpPools, ...m.streamPools].map((p) => [p.name, p]));
  const out: RouteInfo[] = [];
  for (const vh of m.virtualHosts) {
    for (const loc of vh.locations) {
      const pool = pools.get(loc.pool);
      out.push({
        host: vh.host,
        path: loc.path,
        cluster: c.cluster,
        services: pool?.services ?? [],
        targets: pool?.targets ?? [],
        tls: vh.tls !== undefined,
        passthrough: false,
        tenants: tenantsOf(pool?.services ?? []),
      });
    }
  }
  for (const ph of m.passthroughHosts) {
    const pool = pools.get(ph.pool);
    out.push({
      host: ph.host,
      path: '/',
      cluster: c.cluster,
      services: pool?.services ?? [],
      targets: pool?.targets ?? [],
      tls: true,
      passthrough: true,
      tenants: tenantsOf(pool?.services ?? []),
    });
  }
  return out;
}

/** Whether a request path falls under a route's path (nginx prefix locations, on segment boundaries). */
const underPath = (requestPath: string, routePath: string): boolean =>
  routePath === '/' ||
  requestPath === routePath ||
  requestPath.startsWith(`${routePath.replace(/\/$/, '')}/`);

/**
 * The lines of a rendered nginx config that serve `host`: its `server { … }` block(s) in the http context
 * (two-space indented, as renderCluster writes them), or for TLS passthrough its stream map entries.
 */
export function serverBlockOf(nginxConf: string, host: string): string {
  const lines = nginxConf.split('\n');
  const blocks: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== `server_name ${host};`) return;
    let start = i;
    while (start > 0 && lines[start] !== '  server {') start -= 1;
    let end = i;
    while (end < lines.length - 1 && lines[end] !== '  }') end += 1;
    blocks.push(lines.slice(start, end + 1).join('\n'));
  });
  if (blocks.length > 0) return `${blocks.join('\n')}\n`;
  const mapped = lines.filter((l) => l.trim().startsWith(`${host} `));
  return mapped.length > 0 ? `${mapped.join('\n')}\n` : '';
}

/**
 * `signalbox explain`: which routes serve host/path, why their services are in that cluster, every task
 * of those services with its state and whether it gets traffic, and label errors that mention the host.
 * `render` turns a cluster into its nginx config (the worker's renderer), for the server block.
 */
export function explainHost(
  state: DesiredState | undefined,
  snapshot: SwarmSnapshot | undefined,
  hostIn: string,
  pathIn: string,
  render: (c: DesiredCluster) => string,
  rejections: readonly Rejection[] = state?.rejections ?? [],
): ExplainHostResponse {
  const host = hostIn.toLowerCase();
  const path = pathIn || '/';
  const clusters = state?.clusters ?? [];
  const tenants = tenantsByService(state);
  const routes = clusters
    .flatMap((c) => routesOf(c, tenants))
    .filter((r) => r.host === host && underPath(path, r.path ?? '/'));
  const reasons: Record<string, string> = {};
  const hostMode = new Map(
    (state?.routes.routes ?? []).flatMap((r) => (r.network === null ? [[r.service, r.port] as const] : [])),
  );
  for (const r of routes)
    for (const s of r.services ?? []) {
      const note = state?.plan.explanations[s] ?? '';
      const port = hostMode.get(s);
      reasons[s] =
        port === undefined
          ? note
          : `${note}${note ? '; ' : ''}reached at each task's node address and host-mode published port for ${port}`;
    }
  // A rejected service routes nothing, so its errors are found by the hosts it asked for.
  const askedFor = (service: string): boolean => {
    const hosts = snapshot?.services.find((x) => x.name === service)?.labels[LabelKey.hosts] ?? '';
    return hosts
      .toLowerCase()
      .split(',')
      .some((h) => h.trim() === host);
  };
  const labelErrors = rejections
    .filter((r) => askedFor(r.service) || r.message.includes(host))
    .map((r) => r.message);
  const targets = new Set(routes.flatMap((r) => r.targets ?? []));
  const names = new Set(routes.flatMap((r) => r.services ?? []));
  const tasks: TaskInfo[] = [];
  const nodes = snapshot ? nodeAddresses(snapshot.nodes, snapshot.networks) : undefined;
  for (const service of snapshot?.services ?? []) {
    if (!names.has(service.name)) continue;
    const port = hostMode.get(service.name);
    for (const t of snapshot?.tasks ?? []) {
      if (t.serviceId !== service.id) continue;
      const addresses = [...t.addresses.values()];
      // A host-mode app's task is reached at its node's address and published port, not at a task IP.
      const found = port === undefined ? undefined : hostEndpoint(t, port, nodes);
      const endpoint = found && 'target' in found ? found.target : undefined;
      tasks.push({
        service: service.name,
        task: t.id,
        state: t.state,
        desiredState: t.desiredState,
        address: [...addresses, ...(endpoint ? [endpoint] : [])].join(','),
        target:
          // With a fixed published port a replaced task shares its endpoint with its successor.
          (endpoint !== undefined && isServing(t) && targets.has(endpoint)) ||
          addresses.some((a) => [...targets].some((target) => target.startsWith(`${a}:`))),
      });
    }
  }
  const owning = clusters.filter((c) => routes.some((r) => r.cluster === c.cluster));
  const serverBlock = owning.map((c) => serverBlockOf(render(c), host)).join('');
  return { routes, reasons, labelErrors, tasks, serverBlock };
}
