import type { Topology } from '#shared/planner/types.js';

/**
 * The topology as an hMETIS `.hgr` (vertex i = app i + 1 in input order, one net per network in first-seen
 * order) plus a fix file, so KaHyPar or Mt-KaHyPar can be run on exactly the instance the bench measured.
 */
export function toHmetis(topology: Topology): { hgr: string; fix: string } {
  const netIndex = new Map<string, number>();
  const pins: number[][] = [];
  topology.apps.forEach((app, a) => {
    for (const net of new Set(app.networks)) {
      let e = netIndex.get(net);
      if (e === undefined) {
        e = pins.length;
        netIndex.set(net, e);
        pins.push([]);
      }
      pins[e]?.push(a + 1);
    }
  });
  const weighted = topology.apps.some((a) => (a.weight ?? 1) !== 1);
  const header = `${pins.length} ${topology.apps.length}${weighted ? ' 10' : ''}`;
  const weights = weighted ? topology.apps.map((a) => String(a.weight ?? 1)) : [];
  const clusterIndex = new Map(topology.clusters.map((c, b) => [c.name, b]));
  const fix = topology.apps.map((a) => String(a.cluster == null ? -1 : (clusterIndex.get(a.cluster) ?? -1)));
  return {
    hgr: `${[header, ...pins.map((p) => p.join(' ')), ...weights].join('\n')}\n`,
    fix: `${fix.join('\n')}\n`,
  };
}
