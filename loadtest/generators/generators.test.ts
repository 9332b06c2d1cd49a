import { describe, expect, it } from 'vitest';
import { parseHmetis } from '#shared/planner/index.js';
import type { Topology } from '#shared/planner/types.js';
import { multiTenant, perturb, powerLaw, regionOrg, TARGET_INSTANCE, toHmetis } from './index.js';

const networks = (t: Topology) => new Set(t.apps.flatMap((a) => a.networks));

describe('generators', () => {
  it('build the target instance as described: 2,000 apps, 392 private + 8 shared networks', () => {
    const topology = multiTenant(TARGET_INSTANCE);
    expect(topology.apps).toHaveLength(2000);
    const nets = [...networks(topology)];
    expect(nets).toHaveLength(400);
    expect(nets.filter((n) => n.startsWith('platform-'))).toHaveLength(8);
    expect(topology.clusters).toHaveLength(8);
    expect(topology.balance).toBe(0.03);
    for (const app of topology.apps) {
      const tenant = app.id.split('-')[0] as string;
      const own = app.networks.filter((n) => n.startsWith(`${tenant}-`));
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(4);
    }
  });

  it('are deterministic for a seed', () => {
    expect(multiTenant(TARGET_INSTANCE)).toEqual(multiTenant(TARGET_INSTANCE));
    expect(regionOrg({ apps: 300, clusters: 8, balance: 0.1, seed: 2 })).toEqual(
      regionOrg({ apps: 300, clusters: 8, balance: 0.1, seed: 2 }),
    );
    expect(powerLaw({ apps: 300, clusters: 8, balance: 0.1, seed: 2 })).toEqual(
      powerLaw({ apps: 300, clusters: 8, balance: 0.1, seed: 2 }),
    );
  });

  it('pin region/org apps to existing clusters, dedicated ones included', () => {
    const topology = regionOrg({ apps: 2000, clusters: 8, balance: 0.1, seed: 1 });
    const names = new Set(topology.clusters.map((c) => c.name));
    const pinned = topology.apps.filter((a) => a.cluster != null);
    expect(pinned.length).toBeGreaterThan(0);
    for (const app of pinned) expect(names.has(app.cluster as string)).toBe(true);
    expect(topology.clusters.some((c) => !c.auto)).toBe(true);
  });

  it('perturb adds apps and rewires about the requested share of memberships', () => {
    const before = multiTenant(TARGET_INSTANCE);
    const after = perturb(before, { addApps: 100, rewireRate: 0.05, seed: 7 });
    expect(after.apps).toHaveLength(2100);
    let changed = 0;
    let total = 0;
    before.apps.forEach((app, i) => {
      total += app.networks.length;
      changed += app.networks.filter((n) => !after.apps[i]?.networks.includes(n)).length;
    });
    expect(changed / total).toBeGreaterThan(0.02);
    expect(changed / total).toBeLessThan(0.06);
  });

  it('export to hMETIS and read back the same hypergraph', () => {
    const topology = multiTenant({ ...TARGET_INSTANCE, apps: 200, privateNetworks: 40 });
    const { hgr, fix } = toHmetis(topology);
    const back = parseHmetis({ hgr, k: 8, epsilon: 0.03, fix });
    expect(back.apps).toHaveLength(200);
    expect(networks(back).size).toBe(networks(topology).size);
    back.apps.forEach((app, i) => {
      expect(app.networks).toHaveLength(new Set(topology.apps[i]?.networks).size);
    });
  });
});
