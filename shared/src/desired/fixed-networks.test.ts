import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { loadConfig } from '../config/index.js';
import { LabelKey } from '../labels/index.js';
import { parseSnapshot, type SwarmSnapshot } from '../swarm/index.js';
import { buildDesiredState } from './desired-state.js';

/** `[Extensions.<name>] Networks` as Interlock 3 means it, through the whole desired state. */
const app = (
  name: string,
  networks: string[],
  extra: Record<string, string> = {},
  createdAt?: string,
): FixtureService => ({
  name,
  networks,
  replicas: 1,
  ...(createdAt ? { createdAt } : {}),
  labels: { [LabelKey.hosts]: `${name}.example.org`, [LabelKey.port]: '8080', ...extra },
});

const snapshotOf = (services: FixtureService[], extraNetworks: string[] = []): SwarmSnapshot =>
  parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services, { extraNetworks })))).snapshot;

/** Interlock's service-cluster page: east joins eastnet only; blue joins whatever its apps need. */
const CONFIG = `
[Extensions.east]
ServiceCluster = "east"
AutoAssign = true
Networks = ["eastnet", "eastnet-spare"]
[Extensions.blue]
ServiceCluster = "blue"
AutoAssign = true
`;

const clusterOf = (state: ReturnType<typeof buildDesiredState>, name: string) => {
  const c = state.clusters.find((x) => x.cluster === name);
  if (!c) throw new Error(`no cluster ${name}`);
  return c;
};

describe('buildDesiredState with fixed Networks', () => {
  it('joins exactly the fixed networks, used or not, and routes the apps on them there', () => {
    const state = buildDesiredState(
      snapshotOf(
        [app('shop', ['eastnet']), app('blog', ['blognet']), app('api', ['eastnet'])],
        ['eastnet-spare'],
      ),
      loadConfig(CONFIG).config,
    );
    const east = clusterOf(state, 'east');
    expect(east.model.networks.map((n) => n.name)).toEqual(['eastnet', 'eastnet-spare']);
    expect(east.model.services).toEqual(['api', 'shop']);
    const blue = clusterOf(state, 'blue');
    expect(blue.model.services).toEqual(['blog']);
    expect(blue.model.networks.map((n) => n.name)).toEqual(['blognet']);
    expect(state.unplaced).toEqual([]);
    expect(state.plan.explanations.shop).toMatch(
      /reached on eastnet, which the east proxy joins by its Networks setting/,
    );
  });

  it('reaches an app on several networks on the fixed one', () => {
    const state = buildDesiredState(
      snapshotOf([app('api', ['platform', 'eastnet']), app('blog', ['blognet'])], ['eastnet-spare']),
      loadConfig(CONFIG).config,
    );
    expect(state.plan.assignment.api).toBe('east');
    expect(state.plan.networks.api).toBe('eastnet');
    const route = clusterOf(state, 'east').model.httpPools.find((p) => p.services.includes('api'));
    expect(route?.targets).toHaveLength(1);
    expect(clusterOf(state, 'east').model.networks.map((n) => n.name)).toEqual(['eastnet', 'eastnet-spare']);
  });

  it('reports an app pinned to a cluster it cannot be reached from, naming service, cluster and networks', () => {
    const state = buildDesiredState(
      snapshotOf(
        [app('lost', ['westnet'], { [LabelKey.serviceCluster]: 'east' }), app('shop', ['eastnet'])],
        ['eastnet-spare'],
      ),
      loadConfig(CONFIG).config,
    );
    expect(state.unplaced).toEqual([
      {
        service: 'lost',
        constraint: 'network',
        reason:
          'service lost: is on westnet, and it is pinned to cluster "east", whose proxy joins only eastnet, eastnet-spare (Networks): unroutable there',
      },
    ]);
    expect(state.rejections).toContainEqual(
      expect.objectContaining({ service: 'lost', stage: 'placement', code: 'SERVICE_UNPLACED' }),
    );
    expect(clusterOf(state, 'east').model.networks.map((n) => n.name)).not.toContain('westnet');
    expect(clusterOf(state, 'east').model.services).toEqual(['shop']);
  });

  it('reports an unpinned app when every cluster that takes it has fixed networks and none reaches it', () => {
    const config = `
[Extensions.east]
ServiceCluster = "east"
Networks = ["eastnet"]
AutoAssign = true
[Extensions.west]
ServiceCluster = "west"
Networks = ["westnet"]
AutoAssign = true
[Extensions.ops]
ServiceCluster = "ops"
`;
    const state = buildDesiredState(
      snapshotOf([app('east-app', ['eastnet']), app('west-app', ['westnet']), app('stray', ['northnet'])]),
      loadConfig(config).config,
    );
    expect(state.plan.assignment).toEqual({ 'east-app': 'east', 'west-app': 'west' });
    expect(state.unplaced.map((u) => [u.service, u.constraint])).toEqual([['stray', 'network']]);
    expect(state.unplaced[0]?.reason).toBe(
      'service stray: is on northnet, and no cluster that takes unlabelled apps reaches it: cluster "east", whose proxy joins only eastnet (Networks); cluster "west", whose proxy joins only westnet (Networks)',
    );
    for (const c of state.clusters) expect(c.model.networks.map((n) => n.name)).not.toContain('northnet');
  });

  it('warns about a fixed network the swarm does not have, and joins the rest', () => {
    const config = '[Extensions.east]\nServiceCluster = ""\nNetworks = ["eastnet", "typo-net"]\n';
    const state = buildDesiredState(snapshotOf([app('shop', ['eastnet'])]), loadConfig(config).config);
    expect(state.routes.warnings).toContainEqual(
      expect.stringMatching(/Extensions\.east\.Networks names "typo-net"/),
    );
    expect(clusterOf(state, '').model.networks.map((n) => n.name)).toEqual(['eastnet']);
  });

  it('keeps Interlock 2 behaviour without Networks: the proxy joins its apps networks', () => {
    const config = '[Extensions.east]\nServiceCluster = ""\n';
    const state = buildDesiredState(
      snapshotOf([app('shop', ['eastnet']), app('blog', ['blognet'])]),
      loadConfig(config).config,
    );
    expect(clusterOf(state, '').model.networks.map((n) => n.name)).toEqual(['blognet', 'eastnet']);
  });

  it('routes a host-mode app (on no network) from a fixed cluster: it needs no network', () => {
    const config = '[Extensions.east]\nServiceCluster = ""\nNetworks = ["eastnet"]\n';
    const json = buildEngineSnapshot(
      [app('shop', ['eastnet']), { ...app('legacy', []), hostPorts: [{ target: 8080 }], nodes: ['n1'] }],
      { nodes: [{ name: 'n1', address: '10.231.0.11' }] },
    );
    const state = buildDesiredState(
      parseSnapshot(JSON.parse(JSON.stringify(json))).snapshot,
      loadConfig(config).config,
    );
    expect(state.unplaced).toEqual([]);
    const east = clusterOf(state, '');
    expect(east.model.services).toEqual(['legacy', 'shop']);
    expect(east.model.networks.map((n) => n.name)).toEqual(['eastnet']);
    expect(state.plan.explanations.legacy).toMatch(/needs no network/);
  });

  it('does not route a kept app on a network the fixed cluster does not join', () => {
    // blog moved from east (before Networks was set) to blue; east may keep it only on its own networks.
    const state = buildDesiredState(
      snapshotOf([app('blog', ['blognet']), app('shop', ['eastnet'])], ['eastnet-spare']),
      loadConfig(CONFIG).config,
      { keep: new Map([['blog', new Set(['east'])]]) },
    );
    expect(clusterOf(state, 'east').model.services).toEqual(['shop']);
    expect(clusterOf(state, 'blue').model.services).toEqual(['blog']);
  });
});
