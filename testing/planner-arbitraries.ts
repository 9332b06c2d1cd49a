import fc from 'fast-check';
import { mulberry32, randomInt } from '#shared/planner/prng.js';
import type { AppSpec, Assignment, ClusterSpec, Topology } from '#shared/planner/types.js';

/**
 * Test-only: random topologies for property tests. Built from a seed so fast-check shrinks the size
 * parameters, and feasible by construction: pins are chosen per host group and capacities leave room.
 */
export interface TopologyShape {
  readonly seed: number;
  readonly apps: number;
  readonly clusters: number;
  readonly networks: number;
  readonly pinRate: number;
  readonly hostShareRate: number;
  readonly manualRate: number;
  readonly weighted: boolean;
  readonly explicitCapacity: boolean;
}

export function randomTopology(shape: TopologyShape): Topology {
  const random = mulberry32(shape.seed);
  const clusters: ClusterSpec[] = Array.from({ length: shape.clusters }, (_, b) => ({
    name: `c${b}`,
    auto: b === 0 || random() >= shape.manualRate,
  }));
  const autoNames = clusters.filter((c) => c.auto).map((c) => c.name);
  const hostOf: string[] = [];
  const pinOfHost = new Map<string, string | null>();
  const apps: AppSpec[] = Array.from({ length: shape.apps }, (_, a) => {
    const share = a > 0 && random() < shape.hostShareRate;
    const host = share ? (hostOf[randomInt(random, a)] as string) : `h${a}.example.org`;
    hostOf.push(host);
    if (!pinOfHost.has(host)) {
      const pinned = random() < shape.pinRate;
      pinOfHost.set(host, pinned ? (clusters[randomInt(random, clusters.length)] as ClusterSpec).name : null);
    }
    const count = randomInt(random, Math.min(4, shape.networks) + 1);
    const networks = Array.from({ length: count }, () => `n${randomInt(random, shape.networks)}`);
    return {
      id: `app${a}`,
      networks,
      cluster: pinOfHost.get(host) ?? null,
      weight: shape.weighted ? 1 + randomInt(random, 3) : 1,
      hosts: [host],
    };
  });
  const totalWeight = Math.max(
    1,
    apps.reduce((sum, app) => sum + (app.weight ?? 1), 0),
  );
  // Enough room that every instance packs: each auto cluster could take everything.
  const withCapacity = shape.explicitCapacity
    ? clusters.map((c) => ({ ...c, capacity: c.auto ? totalWeight : totalWeight * 2 }))
    : clusters;
  return { balance: 0.1 + random(), clusters: withCapacity, apps: autoNames.length > 0 ? apps : [] };
}

export const topologyShape = (max: {
  apps: number;
  clusters: number;
  networks: number;
}): fc.Arbitrary<TopologyShape> =>
  fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    apps: fc.integer({ min: 0, max: max.apps }),
    clusters: fc.integer({ min: 1, max: max.clusters }),
    networks: fc.integer({ min: 1, max: max.networks }),
    pinRate: fc.constantFrom(0, 0.1, 0.3),
    hostShareRate: fc.constantFrom(0, 0.15, 0.4),
    manualRate: fc.constantFrom(0, 0.3),
    weighted: fc.boolean(),
    explicitCapacity: fc.boolean(),
  });

/** Checks the hard constraints of an assignment, independently of the planner's code; returns the violations. */
export function violations(topology: Topology, assignment: Assignment): string[] {
  const problems: string[] = [];
  const clusters = new Map(topology.clusters.map((c) => [c.name, c]));
  const load = new Map<string, number>();
  const clusterOfHost = new Map<string, string>();
  for (const app of topology.apps) {
    const cluster = assignment[app.id];
    if (cluster === undefined || !clusters.has(cluster)) {
      problems.push(`${app.id}: not assigned to a known cluster`);
      continue;
    }
    if (app.cluster != null && app.cluster !== cluster)
      problems.push(`${app.id}: pinned to ${app.cluster}, got ${cluster}`);
    if (app.cluster == null && !clusters.get(cluster)?.auto)
      problems.push(`${app.id}: unpinned in manual ${cluster}`);
    load.set(cluster, (load.get(cluster) ?? 0) + (app.weight ?? 1));
    for (const host of app.hosts ?? []) {
      const other = clusterOfHost.get(host.toLowerCase());
      if (other !== undefined && other !== cluster)
        problems.push(`${app.id}: host ${host} split over ${other} and ${cluster}`);
      clusterOfHost.set(host.toLowerCase(), cluster);
    }
  }
  for (const [name, weight] of load) {
    const capacity = clusters.get(name)?.capacity;
    if (capacity !== undefined && weight > capacity + 1e-9)
      problems.push(`${name}: load ${weight} over ${capacity}`);
  }
  return problems;
}
