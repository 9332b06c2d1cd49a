import type { DesiredState } from '#shared/desired/index.js';

/** Past this many apps the drawing shows one node per cluster's apps instead of one per app. */
const MAX_APP_NODES = 120;
const ROW = 24;
const TOP = 56;
const COLUMNS = { apps: 16, clusters: 400, networks: 760 } as const;
const NODE_WIDTH = { apps: 250, clusters: 230, networks: 230 } as const;
const WIDTH = 1010;
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4d7c0f', '#db2777'];

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

interface Node {
  id: string;
  label: string;
  title: string;
  y: number;
}

const clusterName = (cluster: string): string => cluster || '(default)';

/** Rows spread over the drawing's height so that short columns do not bunch up at the top. */
function place<T>(items: T[], height: number): { item: T; y: number }[] {
  const step = items.length > 0 ? Math.max(ROW, (height - TOP) / items.length) : ROW;
  return items.map((item, i) => ({ item, y: TOP + i * step + step / 2 }));
}

function box(x: number, width: number, node: Node, color: string, kind: string): string {
  return `<g class="${kind}" data-id="${escapeXml(node.id)}"><title>${escapeXml(node.title)}</title><rect x="${x}" y="${(node.y - 10).toFixed(1)}" width="${width}" height="20" rx="4" fill="${color}" fill-opacity="0.12" stroke="${color}"/><rect x="${x}" y="${(node.y - 10).toFixed(1)}" width="6" height="20" rx="2" fill="${color}"/><text x="${x + 12}" y="${(node.y + 4).toFixed(1)}">${escapeXml(node.label)}</text></g>`;
}

function edge(x1: number, y1: number, x2: number, y2: number, color: string, width: number): string {
  const mid = (x1 + x2) / 2;
  return `<path d="M${x1},${y1.toFixed(1)} C${mid},${y1.toFixed(1)} ${mid},${y2.toFixed(1)} ${x2},${y2.toFixed(1)}" fill="none" stroke="${color}" stroke-opacity="0.6" stroke-width="${width}"/>`;
}

/**
 * The sharding at a glance: apps → service clusters → overlay networks, one colour per cluster. A network
 * joined by several proxies is marked, since each join slows that proxy's updates; hovering an app shows
 * the planner's reason for its cluster. Pure: the dashboard serves it as image/svg+xml.
 */
export function renderTopologySvg(desired: DesiredState | undefined): string {
  const clusters = desired?.clusters ?? [];
  const color = new Map(clusters.map((c, i) => [c.cluster, PALETTE[i % PALETTE.length] ?? '#555']));
  const assignment = desired?.plan.assignment ?? {};
  const apps = (desired?.routes.routes ?? [])
    .filter((r) => assignment[r.service] !== undefined)
    .map((r) => ({ route: r, cluster: assignment[r.service] ?? '' }))
    .sort((a, b) =>
      a.cluster === b.cluster
        ? a.route.service.localeCompare(b.route.service)
        : a.cluster.localeCompare(b.cluster),
    );
  const grouped = apps.length > MAX_APP_NODES;
  const appNodes: { node: Node; cluster: string }[] = grouped
    ? clusters
        .map((c) => ({ c, members: apps.filter((a) => a.cluster === c.cluster) }))
        .filter(({ members }) => members.length > 0)
        .map(({ c, members }) => ({
          cluster: c.cluster,
          node: {
            id: `apps:${c.cluster}`,
            label: `${members.length} apps`,
            title: members
              .slice(0, 50)
              .map((m) => m.route.service)
              .join(', '),
            y: 0,
          },
        }))
    : apps.map((a) => ({
        cluster: a.cluster,
        node: {
          id: a.route.service,
          label: `${a.route.service} (${a.route.hosts[0] ?? 'default'})`,
          title: `${a.route.service}: ${a.route.hosts.join(', ') || 'default backend'}\n${a.route.network ? `network ${a.route.network.name}` : 'host-mode port: no network'}\n${desired?.plan.explanations[a.route.service] ?? ''}`,
          y: 0,
        },
      }));
  const joins = new Map<string, string[]>();
  for (const c of clusters)
    for (const n of c.model.networks) joins.set(n.name, [...(joins.get(n.name) ?? []), c.cluster]);
  const networkNames = [...joins.keys()].sort();
  const rows = Math.max(appNodes.length, clusters.length, networkNames.length, 1);
  const height = TOP + rows * ROW + 24;

  const appPlaced = place(appNodes, height).map(({ item, y }) => ({ ...item, node: { ...item.node, y } }));
  const clusterPlaced = place(clusters, height).map(({ item: c, y }) => ({
    c,
    node: {
      id: c.cluster,
      label: `${clusterName(c.cluster)} · ${c.model.networks.length} nets`,
      title: `cluster ${clusterName(c.cluster)} (extension ${c.extension}), version ${c.version}\n${c.model.services.length} services, ${c.model.networks.length} networks`,
      y,
    },
  }));
  const networkPlaced = place(networkNames, height).map(({ item: name, y }) => {
    const by = joins.get(name) ?? [];
    return {
      name,
      node: {
        id: name,
        label: by.length > 1 ? `${name} ×${by.length}` : name,
        title: `network ${name}, joined by the proxies of ${by.map(clusterName).join(', ')}`,
        y,
      },
    };
  });
  const clusterY = new Map(clusterPlaced.map((p) => [p.c.cluster, p.node.y]));
  const networkY = new Map(networkPlaced.map((p) => [p.name, p.node.y]));

  const parts: string[] = [];
  for (const a of appPlaced) {
    const y2 = clusterY.get(a.cluster);
    if (y2 !== undefined)
      parts.push(
        edge(
          COLUMNS.apps + NODE_WIDTH.apps,
          a.node.y,
          COLUMNS.clusters,
          y2,
          color.get(a.cluster) ?? '#555',
          1,
        ),
      );
  }
  for (const p of clusterPlaced)
    for (const n of p.c.model.networks) {
      const y2 = networkY.get(n.name);
      if (y2 !== undefined)
        parts.push(
          edge(
            COLUMNS.clusters + NODE_WIDTH.clusters,
            p.node.y,
            COLUMNS.networks,
            y2,
            color.get(p.c.cluster) ?? '#555',
            2,
          ),
        );
    }
  for (const a of appPlaced)
    parts.push(box(COLUMNS.apps, NODE_WIDTH.apps, a.node, color.get(a.cluster) ?? '#555', 'app'));
  for (const p of clusterPlaced)
    parts.push(
      box(COLUMNS.clusters, NODE_WIDTH.clusters, p.node, color.get(p.c.cluster) ?? '#555', 'cluster'),
    );
  for (const p of networkPlaced) {
    const shared = (joins.get(p.name)?.length ?? 0) > 1;
    parts.push(box(COLUMNS.networks, NODE_WIDTH.networks, p.node, shared ? '#b91c1c' : '#475569', 'network'));
  }
  const m = desired?.plan.metrics;
  const summary = m
    ? `max networks per proxy ${m.maxNetworksPerProxy} (lower bound ${m.lowerBoundMax}) · attachments ${m.totalAttachments}`
    : 'no desired state yet';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12" role="img" aria-label="Signalbox topology">`,
    `<text x="${COLUMNS.apps}" y="20" font-weight="bold">apps${grouped ? ' (grouped per cluster)' : ''}</text>`,
    `<text x="${COLUMNS.clusters}" y="20" font-weight="bold">service clusters (proxies)</text>`,
    `<text x="${COLUMNS.networks}" y="20" font-weight="bold">overlay networks</text>`,
    `<text x="${COLUMNS.apps}" y="40" fill="#475569" class="summary">${escapeXml(summary)}</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
