import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSignalboxError } from '../errors/index.js';
import { plan } from './plan.js';
import { parsePlanInput } from './plan-input-schema.js';
import type { AppSpec, Plan, Topology } from './types.js';

/** Clusters with fixed networks (Interlock 3's `Networks`): only what they reach, and preferred by it. */
const app = (id: string, networks: string[], more: Partial<AppSpec> = {}): AppSpec => ({
  id,
  networks,
  ...more,
});
const choosing = (id: string, choices: string[], more: Partial<AppSpec> = {}): AppSpec => ({
  id,
  networks: [],
  networkChoices: choices,
  ...more,
});

const run = (topology: Topology, previous?: Plan['assignment']): Plan =>
  plan(topology, previous, { seed: 3, timeBudgetMs: 5_000 });

function infeasible(topology: Topology): { constraint: unknown; apps: unknown; message: string } {
  try {
    run(topology);
  } catch (e) {
    if (isSignalboxError(e, 'PLAN_INFEASIBLE'))
      return { constraint: e.details.constraint, apps: e.details.apps, message: e.message };
    throw e;
  }
  throw new Error('planned an infeasible input');
}

describe('clusters with fixed networks', () => {
  it('sends apps on a fixed network to that cluster, and only those', () => {
    const result = run({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet'] },
        { name: 'blue', auto: true, capacity: 10 },
      ],
      apps: [
        app('e1', ['eastnet']),
        app('x1', ['xnet']),
        app('e2', ['eastnet']),
        app('y1', ['ynet']),
        app('x2', ['xnet']),
      ],
    });
    expect(result.assignment).toEqual({ e1: 'east', e2: 'east', x1: 'blue', x2: 'blue', y1: 'blue' });
    expect(result.explanations.e1).toMatch(
      /reached on eastnet, which the east proxy joins by its Networks setting/,
    );
  });

  it('never puts an app the fixed networks cannot reach there, even into an empty cluster', () => {
    const result = run({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet'] },
        { name: 'blue', auto: true, capacity: 10 },
      ],
      apps: ['a', 'b', 'c', 'd'].map((id) => app(id, [`${id}net`])),
    });
    expect(new Set(Object.values(result.assignment))).toEqual(new Set(['blue']));
  });

  it("counts a fixed cluster's networks as joined, used or not, and reports no stand-in", () => {
    const result = run({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet', 'eastnet2', 'eastnet3'] },
        { name: 'blue', auto: true, capacity: 10 },
      ],
      apps: [app('e1', ['eastnet']), app('x1', ['xnet'])],
    });
    expect(Object.keys(result.assignment).sort()).toEqual(['e1', 'x1']);
    expect(Object.keys(result.explanations).sort()).toEqual(['e1', 'x1']);
    const east = result.metrics.perCluster.find((c) => c.name === 'east');
    expect(east).toMatchObject({ apps: 1, weight: 1, networks: 3 });
    expect(result.metrics.maxNetworksPerProxy).toBe(3);
  });

  it('reaches an app with several networks on the fixed one, and says why', () => {
    const result = run({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet'] },
        { name: 'blue', auto: true, capacity: 10 },
      ],
      apps: [choosing('both', ['shopnet', 'eastnet']), choosing('elsewhere', ['shopnet', 'zednet'])],
    });
    expect(result.assignment).toEqual({ both: 'east', elsewhere: 'blue' });
    expect(result.networks.both).toBe('eastnet');
    expect(result.explanations.both).toMatch(
      /reached on eastnet \(of eastnet, shopnet\), which the east proxy joins/,
    );
    expect(result.networks.elsewhere).toBeDefined();
  });

  it('narrows a pinned app to the fixed networks it is on', () => {
    const result = run({
      clusters: [
        { name: 'east', auto: false, networks: ['eastnet'] },
        { name: 'blue', auto: true },
      ],
      apps: [choosing('pinned', ['backnet', 'eastnet'], { cluster: 'east' }), app('other', ['backnet'])],
    });
    expect(result.assignment).toEqual({ pinned: 'east', other: 'blue' });
    expect(result.networks.pinned).toBe('eastnet');
    expect(result.explanations.pinned).toMatch(
      /^pinned to east \(com\.docker\.lb\.service_cluster\); reached on eastnet/,
    );
  });

  it('fills a fixed cluster oldest first while capacity lasts; the rest goes where its networks are joined', () => {
    const result = run({
      clusters: [
        { name: 'east', auto: true, capacity: 2, networks: ['eastnet'] },
        { name: 'blue', auto: true, capacity: 10 },
      ],
      apps: [app('e1', ['eastnet']), app('e2', ['eastnet']), app('e3', ['eastnet'])],
    });
    expect(result.assignment).toEqual({ e1: 'east', e2: 'east', e3: 'blue' });
  });

  it('keeps an app in the fixed cluster it was in when two reach it', () => {
    const topology: Topology = {
      clusters: [
        { name: 'east', auto: true, capacity: 5, networks: ['shared'] },
        { name: 'west', auto: true, capacity: 5, networks: ['shared'] },
      ],
      apps: [app('s1', ['shared']), app('s2', ['shared'])],
    };
    const fresh = run(topology);
    // The one with the most room takes each in turn: one each.
    expect(new Set(Object.values(fresh.assignment))).toEqual(new Set(['east', 'west']));
    const swapped = { s1: fresh.assignment.s2 as string, s2: fresh.assignment.s1 as string };
    expect(run(topology, swapped).assignment).toEqual(swapped);
  });

  it('places a host group whole, in a fixed cluster only when it reaches every app of it', () => {
    const result = run({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet'] },
        { name: 'blue', auto: true, capacity: 10 },
      ],
      apps: [
        app('v1', ['eastnet'], { hosts: ['shop.test'] }),
        app('v2', ['othernet'], { hosts: ['shop.test'] }),
        app('w1', ['eastnet'], { hosts: ['web.test'] }),
        app('w2', ['eastnet'], { hosts: ['web.test'] }),
      ],
    });
    expect(result.assignment).toEqual({ v1: 'blue', v2: 'blue', w1: 'east', w2: 'east' });
  });

  it('refuses a pin to a cluster whose networks cannot reach the app, naming app, cluster and networks', () => {
    const refused = infeasible({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet'] },
        { name: 'blue', auto: true },
      ],
      apps: [app('lost', ['westnet'], { cluster: 'east' })],
    });
    expect(refused.constraint).toBe('network');
    expect(refused.apps).toEqual(['lost']);
    expect(refused.message).toMatch(/app lost \(on westnet\) is pinned to "east" \(joins only eastnet\)/);
  });

  it('refuses an unpinned app no cluster can reach when every auto cluster has fixed networks', () => {
    const refused = infeasible({
      clusters: [
        { name: 'east', auto: true, networks: ['eastnet'] },
        { name: 'west', auto: true, networks: ['westnet'] },
      ],
      apps: [app('ok', ['westnet']), app('lost', ['northnet'])],
    });
    expect(refused.constraint).toBe('network');
    expect(refused.apps).toEqual(['lost']);
    expect(refused.message).toMatch(/"east" \(joins only eastnet\), "west" \(joins only westnet\)/);
  });

  it('reads fixed networks from plan input', () => {
    const topology = parsePlanInput({
      clusters: [{ name: 'east', networks: ['eastnet'] }, { name: 'blue' }],
      apps: [{ id: 'a', networks: ['eastnet'] }],
    });
    expect(topology.clusters[0]?.networks).toEqual(['eastnet']);
    expect(
      run({
        ...topology,
        clusters: [topology.clusters[0] as never, { name: 'blue', auto: true, capacity: 5 }],
      }).assignment,
    ).toEqual({ a: 'east' });
  });

  it('on random inputs: every app in a fixed cluster is reachable there, and pins hold', () => {
    const nets = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
    const arbitrary = fc.record({
      fixedEast: fc.subarray(nets, { minLength: 1, maxLength: 3 }),
      apps: fc.array(
        fc.record({
          nets: fc.subarray(nets, { minLength: 1, maxLength: 3 }),
          choose: fc.boolean(),
          pinBlue: fc.boolean(),
          host: fc.integer({ min: 0, max: 9 }),
        }),
        { minLength: 1, maxLength: 14 },
      ),
    });
    let preferred = 0;
    fc.assert(
      fc.property(arbitrary, ({ fixedEast, apps }) => {
        const topology: Topology = {
          clusters: [
            { name: 'east', auto: true, capacity: 100, networks: fixedEast },
            { name: 'blue', auto: true, capacity: 100 },
            { name: 'green', auto: true, capacity: 100 },
          ],
          apps: apps.map((a, i) => ({
            id: `app${i}`,
            networks: a.choose && a.nets.length > 1 ? [] : a.nets.slice(0, 1),
            ...(a.choose && a.nets.length > 1 ? { networkChoices: a.nets } : {}),
            ...(a.pinBlue ? { cluster: 'blue' } : {}),
            hosts: [`h${a.host}.test`],
          })),
        };
        let result: Plan;
        try {
          result = plan(topology, undefined, { seed: 1, timeBudgetMs: 2_000 });
        } catch (e) {
          // Host groups pinned to blue with an app elsewhere are the input's own contradiction.
          if (isSignalboxError(e, 'PLAN_INFEASIBLE')) return;
          throw e;
        }
        const fixed = new Set(fixedEast);
        topology.apps.forEach((spec) => {
          const cluster = result.assignment[spec.id];
          if (spec.cluster) expect(cluster).toBe(spec.cluster);
          if (cluster !== 'east') return;
          const net = result.networks[spec.id] ?? spec.networks[0];
          expect(fixed.has(net as string)).toBe(true);
        });
        expect(Object.keys(result.assignment).sort()).toEqual(topology.apps.map((a) => a.id).sort());
        // A host group without a pin that east reaches, every app of it, is in east (it has room for all).
        const reached = (spec: Topology['apps'][number]): boolean => {
          const choices = spec.networkChoices ?? [];
          return (
            spec.networks.every((n) => fixed.has(n)) &&
            (choices.length === 0 || choices.some((n) => fixed.has(n)))
          );
        };
        for (const host of new Set(topology.apps.map((a) => a.hosts?.[0]))) {
          const group = topology.apps.filter((a) => a.hosts?.[0] === host);
          if (group.some((a) => a.cluster) || !group.every(reached)) continue;
          for (const a of group) expect(result.assignment[a.id]).toBe('east');
          preferred++;
        }
      }),
      { numRuns: 60, seed: 20261204 },
    );
    expect(preferred).toBeGreaterThan(10);
  }, 120_000);
});
