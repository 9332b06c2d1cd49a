import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomTopology, topologyShape, violations } from '../../../testing/planner-arbitraries.js';
import { isSignalboxError } from '../errors/index.js';
import { chooseNetworks, minHittingSet, readNetworkOptions } from './choose-networks.js';
import { plan } from './plan.js';
import { mulberry32, randomInt } from './prng.js';
import type { Plan, Topology } from './types.js';

/**
 * A random topology as the coordinator sees one: each app reached on one network, except that a share of
 * the apps the generator put on several networks keep 2–4 of them as options and no fixed network.
 */
function withOptions(topology: Topology, seed: number, rate: number): Topology {
  const random = mulberry32(seed);
  return {
    ...topology,
    apps: topology.apps.map((app) => {
      const nets = [...new Set(app.networks)];
      if (nets.length >= 2 && random() < rate) return { ...app, networks: [], networkChoices: nets };
      return { ...app, networks: nets.slice(0, 1) };
    }),
  };
}

/** Every app with options on the one `pick` names, as a network label would fix it. */
function fixed(topology: Topology, pick: (options: string[]) => string): Topology {
  return {
    ...topology,
    apps: topology.apps.map(({ networkChoices, ...app }) =>
      networkChoices?.length ? { ...app, networks: [pick([...networkChoices].sort())] } : app,
    ),
  };
}

/** Networks per cluster, each app counted on its fixed networks plus the chosen one, computed naively. */
function score(topology: Topology, result: Plan): { max: number; total: number } {
  const joined = new Map<string, Set<string>>();
  for (const app of topology.apps) {
    const cluster = result.assignment[app.id] as string;
    const nets = joined.get(cluster) ?? new Set();
    for (const n of app.networks) nets.add(n);
    const chosen = result.networks[app.id];
    if (chosen !== undefined) nets.add(chosen);
    joined.set(cluster, nets);
  }
  const sizes = [...joined.values()].map((s) => s.size);
  return { max: Math.max(0, ...sizes), total: sizes.reduce((a, b) => a + b, 0) };
}

const notWorse = (a: Plan, b: Plan): boolean =>
  a.metrics.maxNetworksPerProxy < b.metrics.maxNetworksPerProxy ||
  (a.metrics.maxNetworksPerProxy === b.metrics.maxNetworksPerProxy &&
    a.metrics.totalAttachments <= b.metrics.totalAttachments);

/** Plans, or undefined when only the capacity-dependent packing makes the input infeasible. */
function planned(topology: Topology, previous?: Plan['assignment']): Plan | undefined {
  try {
    return plan(topology, previous, { seed: 5 });
  } catch (e) {
    if (isSignalboxError(e, 'PLAN_INFEASIBLE') && e.details.constraint === 'capacity') return undefined;
    throw e;
  }
}

const shapes = topologyShape({ apps: 60, clusters: 5, networks: 14 });

describe('minHittingSet', () => {
  it('finds a smallest set of networks that meets every option list (random small families)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }), {
          maxLength: 9,
        }),
        (sets) => {
          const cover = minHittingSet(sets, 7);
          for (const s of sets) expect(s.some((e) => cover.includes(e))).toBe(true);
          let smallest = 7;
          for (let mask = 0; mask < 1 << 7; mask++) {
            const picked = [0, 1, 2, 3, 4, 5, 6].filter((e) => mask & (1 << e));
            if (sets.every((s) => s.some((e) => picked.includes(e))))
              smallest = Math.min(smallest, picked.length);
          }
          expect(cover.length).toBe(sets.length === 0 ? 0 : smallest);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe('chooseNetworks', () => {
  const options = readNetworkOptions({
    clusters: [{ name: 'east', auto: true }],
    apps: [
      { id: 'web', networks: ['shop'] },
      { id: 'api', networks: [], networkChoices: ['platform', 'shop'] },
      { id: 'job-a', networks: [], networkChoices: ['batch', 'jobs-a'] },
      { id: 'job-b', networks: [], networkChoices: ['batch', 'jobs-b'] },
      { id: 'lonely', networks: [], networkChoices: ['x', 'y'] },
      { id: 'free', networks: ['shop'], networkChoices: ['shop', 'other'] },
    ],
  });

  it('takes a network the proxy joins anyway, then the fewest networks that cover the rest', () => {
    if (!options) throw new Error('expected options');
    const placed = chooseNetworks(options, ['east', 'east', 'east', 'east', 'east', 'east']);
    expect(placed.chosen).toEqual([undefined, 'shop', 'batch', 'batch', 'x', 'shop']);
    expect(placed.why).toEqual([
      undefined,
      { kind: 'joined', others: 2 },
      { kind: 'added', others: 1 },
      { kind: 'added', others: 1 },
      { kind: 'added', others: 0 },
      { kind: 'settled' },
    ]);
  });

  it('starts an app not placed yet on the option most apps must be reached on', () => {
    if (!options) throw new Error('expected options');
    const unplaced = chooseNetworks(options, Array(6).fill(undefined));
    expect(unplaced.chosen[1]).toBe('shop');
    expect(unplaced.chosen[4]).toBe('x');
  });

  it('reads no options from a topology without any', () => {
    expect(readNetworkOptions({ clusters: [], apps: [{ id: 'a', networks: ['n'] }] })).toBeUndefined();
  });
});

describe('plan with network choices', () => {
  it('always reaches an app on one of its networks, keeps every hard constraint, and reports true metrics', () => {
    fc.assert(
      fc.property(shapes, fc.constantFrom(0.3, 0.7, 1), (shape, rate) => {
        const topology = withOptions(randomTopology(shape), shape.seed, rate);
        const result = planned(topology);
        if (!result) return;
        const choosing = topology.apps.filter((a) => (a.networkChoices?.length ?? 0) > 0);
        expect(Object.keys(result.networks).sort()).toEqual(choosing.map((a) => a.id).sort());
        for (const app of choosing) expect(app.networkChoices).toContain(result.networks[app.id]);
        expect(violations(topology, result.assignment)).toEqual([]);
        const naive = score(topology, result);
        expect(result.metrics.maxNetworksPerProxy).toBe(naive.max);
        expect(result.metrics.totalAttachments).toBe(naive.total);
      }),
      { numRuns: 60, seed: 21 },
    );
  });

  it('is never worse than fixing each app on its first network by name or on its most common one', () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const topology = withOptions(randomTopology({ ...shape, explicitCapacity: true }), shape.seed, 0.6);
        const choice = planned(topology);
        if (!choice) return;
        const first = plan(
          fixed(topology, (o) => o[0] as string),
          undefined,
          { seed: 5 },
        );
        expect(notWorse(choice, first)).toBe(true);
        const count = new Map<string, number>();
        for (const app of topology.apps) for (const n of app.networks) count.set(n, (count.get(n) ?? 0) + 1);
        const common = (o: string[]) =>
          [...o].sort((x, y) => (count.get(y) ?? 0) - (count.get(x) ?? 0) || (x < y ? -1 : 1))[0] as string;
        expect(notWorse(choice, plan(fixed(topology, common), undefined, { seed: 5 }))).toBe(true);
      }),
      { numRuns: 60, seed: 8 },
    );
  });

  it('beats a fixed first network when apps could share one', () => {
    const apps = Array.from({ length: 8 }, (_, i) => ({
      id: `a${i}`,
      networks: [],
      // Each app's first network by name is its own; the second is shared by all.
      networkChoices: [`a${i}-net`, 'shared'],
    }));
    const topology: Topology = { clusters: [{ name: 'east', auto: true }], apps };
    const choice = plan(topology);
    expect(new Set(Object.values(choice.networks))).toEqual(new Set(['shared']));
    expect(choice.metrics.maxNetworksPerProxy).toBe(1);
    expect(plan(fixed(topology, (o) => o[0] as string)).metrics.maxNetworksPerProxy).toBe(8);
  });

  it('gives the same plan and networks for the same input and seed', () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const topology = withOptions(randomTopology({ ...shape, explicitCapacity: true }), shape.seed, 0.5);
        const a = plan(topology, undefined, { seed: 2 });
        const b = plan(topology, undefined, { seed: 2 });
        expect({ ...a, metrics: { ...a.metrics, millis: 0 } }).toEqual({
          ...b,
          metrics: { ...b.metrics, millis: 0 },
        });
      }),
      { numRuns: 15, seed: 4 },
    );
  });

  it('moves nothing and flips no network when re-planning an unchanged input', () => {
    fc.assert(
      fc.property(topologyShape({ apps: 120, clusters: 6, networks: 30 }), (shape) => {
        const topology = withOptions(randomTopology({ ...shape, explicitCapacity: true }), shape.seed, 0.5);
        const first = plan(topology, undefined, { seed: 11 });
        const again = plan(topology, first.assignment, { seed: 11 });
        expect(again.metrics.moves).toBe(0);
        expect(again.assignment).toEqual(first.assignment);
        expect(again.networks).toEqual(first.networks);
      }),
      { numRuns: 25, seed: 9 },
    );
  });

  it('settles after a change: the plan after the next pass is the plan after the one after', () => {
    fc.assert(
      fc.property(topologyShape({ apps: 100, clusters: 5, networks: 25 }), (shape) => {
        const base = randomTopology({ ...shape, explicitCapacity: true });
        const topology = withOptions(base, shape.seed, 0.5);
        const first = plan(topology, undefined, { seed: 3 });
        // A later state: a quarter of the apps gain or lose options.
        const random = mulberry32(shape.seed + 1);
        const later = withOptions(base, shape.seed + randomInt(random, 1000), 0.5);
        const second = plan(later, first.assignment, { seed: 3 });
        const third = plan(later, second.assignment, { seed: 3 });
        const fourth = plan(later, third.assignment, { seed: 3 });
        expect(third.assignment).toEqual(second.assignment);
        expect(third.networks).toEqual(second.networks);
        expect(fourth.networks).toEqual(second.networks);
      }),
      { numRuns: 20, seed: 13 },
    );
  });

  it('moves an app to a cluster that joins one of its networks already, which fixed networks hide', () => {
    const topology: Topology = {
      clusters: [
        { name: 'east', auto: true, capacity: 10 },
        { name: 'west', auto: true, capacity: 10 },
      ],
      apps: [
        { id: 'web', networks: ['shop'] },
        { id: 'db', networks: ['shop'] },
        { id: 'api', networks: [], networkChoices: ['shop', 'platform'] },
        { id: 'blog', networks: ['blog'] },
      ],
    };
    // Reached on platform in west, api costs west an attachment; east joins shop anyway.
    const result = plan(topology, { web: 'east', db: 'east', api: 'west', blog: 'west' });
    expect(result.assignment.api).toBe('east');
    expect(result.networks.api).toBe('shop');
    expect(result.metrics.totalAttachments).toBe(2);
    expect(result.explanations.api).toMatch(/moved from west/);
  });

  it('returns a valid plan when the time budget runs out, fresh or re-planned', () => {
    const topology = withOptions(
      randomTopology({
        seed: 1,
        apps: 300,
        clusters: 6,
        networks: 60,
        pinRate: 0.1,
        hostShareRate: 0.1,
        manualRate: 0,
        weighted: false,
        explicitCapacity: true,
      }),
      1,
      0.5,
    );
    let clock = 0;
    const fresh = plan(topology, undefined, { timeBudgetMs: 5, now: () => (clock += 1) });
    expect(violations(topology, fresh.assignment)).toEqual([]);
    const moved = { ...fresh.assignment, app0: fresh.assignment.app1 === 'c0' ? 'c1' : 'c0' };
    const again = plan(topology, moved, { timeBudgetMs: 3, now: () => (clock += 10) });
    expect(violations(topology, again.assignment)).toEqual([]);
    expect(Object.keys(again.networks).length).toBeGreaterThan(0);
  });

  it('explains the network it chose', () => {
    const result = plan({
      clusters: [{ name: 'east', auto: true }],
      apps: [
        { id: 'web', networks: ['shop'] },
        { id: 'db', networks: ['shop'] },
        { id: 'api', networks: [], networkChoices: ['shop', 'platform'] },
        { id: 'job-a', networks: [], networkChoices: ['batch', 'jobs-a'] },
        { id: 'job-b', networks: [], networkChoices: ['jobs-b', 'batch'] },
        { id: 'lonely', networks: [], networkChoices: ['y', 'x'] },
      ],
    });
    expect(result.networks).toEqual({ api: 'shop', 'job-a': 'batch', 'job-b': 'batch', lonely: 'x' });
    expect(result.explanations.api).toMatch(
      /; reached on shop \(of platform, shop\): the east proxy joins it anyway for 2 other apps$/,
    );
    expect(result.explanations['job-a']).toMatch(
      /; reached on batch \(of batch, jobs-a\): the one network the east proxy joins for it and 1 other app on none of its networks$/,
    );
    expect(result.explanations.lonely).toMatch(
      /; reached on x \(of x, y\): the east proxy joins none of its networks for other apps, so it adds this one$/,
    );
    expect(result.metrics.totalAttachments).toBe(3);
  });
});
