import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomTopology, topologyShape, violations } from '../../../testing/planner-arbitraries.js';
import { isSignalboxError, SignalboxError } from '../errors/index.js';
import { plan } from './plan.js';
import type { Assignment, Plan, Topology } from './types.js';

const withoutMillis = (p: Plan) => ({ ...p, metrics: { ...p.metrics, millis: 0 } });

/** The documented default: ⌈(1 + balance) × weight the auto clusters share / auto clusters⌉. */
function capacities(topology: Topology): Map<string, number> {
  const auto = topology.clusters.filter((c) => c.auto);
  const manual = new Set(topology.clusters.filter((c) => !c.auto).map((c) => c.name));
  const shared = topology.apps
    .filter((a) => a.cluster == null || !manual.has(a.cluster))
    .reduce((s, a) => s + (a.weight ?? 1), 0);
  const even = Math.max(1, Math.ceil(((1 + (topology.balance ?? 0.1)) * shared) / Math.max(1, auto.length)));
  return new Map(topology.clusters.map((c) => [c.name, c.capacity ?? (c.auto ? even : Infinity)]));
}

/** Networks per cluster and total attachments of an assignment, computed naively. */
function score(topology: Topology, assignment: Assignment): { max: number; total: number } {
  const joined = new Map<string, Set<string>>();
  for (const app of topology.apps) {
    const cluster = assignment[app.id] as string;
    const nets = joined.get(cluster) ?? new Set();
    for (const n of app.networks) nets.add(n);
    joined.set(cluster, nets);
  }
  const sizes = [...joined.values()].map((s) => s.size);
  return { max: Math.max(0, ...sizes), total: sizes.reduce((a, b) => a + b, 0) };
}

/** Every assignment of host groups to allowed clusters within capacity; the lexicographic (max, total) best. */
function bruteForce(topology: Topology): { max: number; total: number } | undefined {
  const groups: number[][] = [];
  const groupOfHost = new Map<string, number>();
  topology.apps.forEach((app, a) => {
    const found = new Set((app.hosts ?? []).map((h) => groupOfHost.get(h)).filter((g) => g !== undefined));
    const merged = [a, ...[...found].flatMap((g) => groups[g] ?? [])];
    for (const g of found) groups[g] = [];
    groups.push(merged);
    for (const member of merged)
      for (const h of topology.apps[member]?.hosts ?? []) groupOfHost.set(h, groups.length - 1);
  });
  const live = groups.filter((g) => g.length > 0);
  const options = live.map((g) => {
    const pins = new Set(g.map((a) => topology.apps[a]?.cluster).filter((c) => c != null));
    if (pins.size > 0) return [...pins] as string[];
    return topology.clusters.filter((c) => c.auto).map((c) => c.name);
  });
  const capacity = capacities(topology);
  let best: { max: number; total: number } | undefined;
  const assignment: Record<string, string> = {};
  const visit = (i: number): void => {
    if (i === live.length) {
      const load = new Map<string, number>();
      for (const app of topology.apps) {
        const c = assignment[app.id] as string;
        load.set(c, (load.get(c) ?? 0) + (app.weight ?? 1));
      }
      for (const [c, w] of load) if (w > (capacity.get(c) ?? 0) + 1e-9) return;
      const s = score(topology, assignment);
      if (!best || s.max < best.max || (s.max === best.max && s.total < best.total)) best = s;
      return;
    }
    for (const cluster of options[i] ?? []) {
      for (const a of live[i] ?? []) assignment[topology.apps[a]?.id as string] = cluster;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

const expectValid = (topology: Topology, result: Plan) => {
  const capacity = capacities(topology);
  const sized: Topology = {
    ...topology,
    clusters: topology.clusters.map((c) => ({ ...c, capacity: capacity.get(c.name) })),
  };
  expect(violations(sized, result.assignment)).toEqual([]);
  expect(Object.keys(result.explanations).sort()).toEqual(topology.apps.map((a) => a.id).sort());
  const naive = score(topology, result.assignment);
  expect(result.metrics.maxNetworksPerProxy).toBe(naive.max);
  expect(result.metrics.totalAttachments).toBe(naive.total);
  expect(result.metrics.perCluster.reduce((s, c) => s + c.apps, 0)).toBe(topology.apps.length);
  expect(result.metrics.lowerBoundMax).toBeLessThanOrEqual(result.metrics.maxNetworksPerProxy);
  expect(result.metrics.lowerBoundTotal).toBeLessThanOrEqual(result.metrics.totalAttachments);
};

/** Plans, or returns the error when only the capacity-dependent packing makes an input infeasible. */
function planOrCapacityError(topology: Topology, previous?: Assignment): Plan | SignalboxError {
  try {
    return plan(topology, previous, { seed: 7 });
  } catch (e) {
    if (isSignalboxError(e, 'PLAN_INFEASIBLE') && e.details.constraint === 'capacity') return e;
    throw e;
  }
}

describe('plan: hard constraints', () => {
  it('always keeps pins, host groups, manual clusters and capacity (random inputs)', () => {
    fc.assert(
      fc.property(topologyShape({ apps: 60, clusters: 6, networks: 15 }), (shape) => {
        const topology = randomTopology(shape);
        const result = planOrCapacityError(topology);
        if (result instanceof SignalboxError) {
          // Explicit capacities are generous by construction; only the default even split may not pack.
          expect(shape.explicitCapacity).toBe(false);
          expect((result.details.apps as string[]).length).toBeGreaterThan(0);
          return;
        }
        expectValid(topology, result);
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('names the constraint and the apps for infeasible inputs', () => {
    const base = { clusters: [{ name: 'east', auto: true }], balance: 0.1 };
    const cases: [Topology, RegExp, string[]][] = [
      [
        { ...base, apps: [{ id: 'a', networks: [], cluster: 'west' }] },
        /^pin: app a .*unknown cluster "west"/,
        [],
      ],
      [
        {
          clusters: [
            { name: 'east', auto: true },
            { name: 'west', auto: true },
          ],
          apps: [
            { id: 'blue', networks: [], cluster: 'east', hosts: ['shop.example.org'] },
            { id: 'green', networks: [], cluster: 'west', hosts: ['SHOP.example.org'] },
          ],
        },
        /^host group: apps blue and green share a host but are pinned to east and west/,
        ['blue', 'green'],
      ],
      [
        {
          clusters: [{ name: 'east', auto: true, capacity: 2 }],
          apps: [
            { id: 'a', networks: [], hosts: ['x'] },
            { id: 'b', networks: [], hosts: ['x'] },
            { id: 'c', networks: [], hosts: ['x'] },
          ],
        },
        /^capacity: host group a, b, c weighs 3, more than the room left in any auto cluster/,
        ['a', 'b', 'c'],
      ],
      [
        {
          clusters: [
            { name: 'east', auto: true, capacity: 1 },
            { name: 'west', auto: true, capacity: 1 },
          ],
          apps: [
            { id: 'a', networks: [] },
            { id: 'b', networks: [] },
            { id: 'c', networks: [] },
          ],
        },
        /^capacity: unpinned apps weigh 3 but the auto clusters have room for 2/,
        ['a', 'b', 'c'],
      ],
      [
        {
          clusters: [{ name: 'east', auto: true, capacity: 1 }],
          apps: [{ id: 'a', networks: [], cluster: 'east', weight: 2 }],
        },
        /^capacity: apps pinned to east weigh 2, over its capacity 1 \(a\)/,
        ['a'],
      ],
      [
        { clusters: [{ name: 'pci', auto: false }], apps: [{ id: 'a', networks: [] }] },
        /^auto: no cluster accepts unpinned apps/,
        ['a'],
      ],
      [
        {
          clusters: [
            { name: 'east', auto: true, capacity: 3 },
            { name: 'west', auto: true, capacity: 3 },
          ],
          apps: [
            { id: 'a', networks: [], hosts: ['x'], weight: 2 },
            { id: 'b', networks: [], hosts: ['y'], weight: 2 },
            { id: 'c', networks: [], hosts: ['z'], weight: 2 },
          ],
        },
        /^capacity: the apps do not pack into the clusters' capacities/,
        ['a', 'b', 'c'],
      ],
    ];
    for (const [topology, message, apps] of cases) {
      let error: unknown;
      try {
        plan(topology);
      } catch (e) {
        error = e;
      }
      expect(isSignalboxError(error, 'PLAN_INFEASIBLE'), String(error)).toBe(true);
      expect((error as SignalboxError).message).toMatch(message);
      for (const app of apps) expect((error as SignalboxError).details.apps).toContain(app);
    }
  });

  it('rejects duplicate ids and bad weights as invalid input', () => {
    const clusters = [{ name: 'east', auto: true }];
    expect(() =>
      plan({
        clusters,
        apps: [
          { id: 'a', networks: [] },
          { id: 'a', networks: [] },
        ],
      }),
    ).toThrow(/duplicate app id "a"/);
    expect(() => plan({ clusters, apps: [{ id: 'a', networks: [], weight: -1 }] })).toThrow(
      /weight must be a positive/,
    );
    expect(() => plan({ clusters: [], apps: [] })).toThrow(/at least one cluster/);
  });

  it('uses ⌈(1 + balance) × weight / auto clusters⌉ as the default capacity', () => {
    const apps = Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, networks: [`n${i}`] }));
    const result = plan({
      balance: 0.1,
      clusters: [
        { name: 'x', auto: true },
        { name: 'y', auto: true },
        { name: 'z', auto: true },
      ],
      apps,
    });
    // ⌈1.1 × 10 / 3⌉ = 4
    expect(Math.max(...result.metrics.perCluster.map((c) => c.weight))).toBeLessThanOrEqual(4);
  });
});

describe('plan: determinism and stability', () => {
  it('gives the same output for the same input and seed', () => {
    fc.assert(
      fc.property(topologyShape({ apps: 80, clusters: 5, networks: 20 }), (shape) => {
        const topology = randomTopology({ ...shape, explicitCapacity: true });
        expect(withoutMillis(plan(topology, undefined, { seed: 3 }))).toEqual(
          withoutMillis(plan(topology, undefined, { seed: 3 })),
        );
      }),
      { numRuns: 15, seed: 5 },
    );
  });

  it('moves nothing when re-planning an unchanged input', () => {
    fc.assert(
      fc.property(topologyShape({ apps: 120, clusters: 6, networks: 30 }), (shape) => {
        const topology = randomTopology({ ...shape, explicitCapacity: true });
        const first = plan(topology, undefined, { seed: 11 });
        const again = plan(topology, first.assignment, { seed: 11 });
        expect(again.metrics.moves).toBe(0);
        expect(again.assignment).toEqual(first.assignment);
      }),
      { numRuns: 25, seed: 9 },
    );
  });

  it('keeps voluntary moves under the cap and only moves forced apps beyond it', () => {
    const apps = Array.from({ length: 40 }, (_, i) => ({ id: `a${i}`, networks: [`t${i % 5}`, 'shared'] }));
    const topology: Topology = {
      clusters: [
        { name: 'x', auto: true, capacity: 40 },
        { name: 'y', auto: true, capacity: 40 },
      ],
      apps,
    };
    // A poor previous plan: tenants split across both clusters.
    const previous = Object.fromEntries(apps.map((a, i) => [a.id, i % 2 === 0 ? 'x' : 'y']));
    const capped = plan(topology, previous, { maxMoves: 3 });
    expect(capped.metrics.moves).toBeLessThanOrEqual(3);
    const free = plan(topology, previous, { maxMoves: 100 });
    expect(free.metrics.totalAttachments).toBeLessThan(capped.metrics.totalAttachments);
    const removed = plan({ ...topology, clusters: [{ name: 'x', auto: true, capacity: 40 }] }, previous, {
      maxMoves: 0,
    });
    expect(removed.metrics.moves).toBe(20);
    expect(removed.explanations.a1).toMatch(/moved from y, which no longer exists/);
  });

  it('returns a valid plan when the time budget runs out', () => {
    let clock = 0;
    const topology = randomTopology({
      seed: 1,
      apps: 300,
      clusters: 6,
      networks: 60,
      pinRate: 0.1,
      hostShareRate: 0.1,
      manualRate: 0,
      weighted: false,
      explicitCapacity: true,
    });
    const result = plan(topology, undefined, { timeBudgetMs: 5, now: () => (clock += 1) });
    expectValid(topology, result);
  });
});

describe('plan: optimality on tiny instances', () => {
  it('equals the exhaustive (max, total) optimum for up to 12 apps', () => {
    fc.assert(
      fc.property(topologyShape({ apps: 12, clusters: 3, networks: 6 }), (shape) => {
        const topology = randomTopology(shape);
        const optimum = bruteForce(topology);
        const result = planOrCapacityError(topology);
        if (result instanceof SignalboxError) {
          expect(optimum).toBeUndefined();
          return;
        }
        expect({ max: result.metrics.maxNetworksPerProxy, total: result.metrics.totalAttachments }).toEqual(
          optimum,
        );
      }),
      { numRuns: 80, seed: 17 },
    );
  });

  it('explains pins, host groups and shared networks', () => {
    const result = plan({
      clusters: [
        { name: 'east', auto: true, capacity: 10 },
        { name: 'west', auto: true, capacity: 10 },
      ],
      apps: [
        { id: 'shop-web', networks: ['shop-net', 'platform'], cluster: 'east', hosts: ['shop.example.org'] },
        { id: 'shop-canary', networks: ['shop-net'], hosts: ['shop.example.org'] },
        { id: 'shop-api', networks: ['shop-net'] },
        { id: 'lonely', networks: [] },
      ],
    });
    expect(result.assignment['shop-canary']).toBe('east');
    expect(result.explanations['shop-web']).toMatch(
      /^pinned to east \(com\.docker\.lb\.service_cluster\); shares a host with shop-canary/,
    );
    expect(result.explanations['shop-canary']).toMatch(
      /^in east because an app it shares a host with is pinned there/,
    );
    expect(result.explanations['shop-api']).toMatch(
      /^shares 1 of 1 network with apps in east \(shop-net has 3 apps there\)/,
    );
    expect(result.explanations.lonely).toMatch(/^joins no network/);
  });
});
