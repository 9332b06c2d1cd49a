import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { checkConfig, loadConfig } from '../config/index.js';
import { LabelKey, parseServiceLabels } from '../labels/index.js';
import { applyNetworkChoices, buildRoutes } from '../routing/index.js';
import { parseSnapshot, type SwarmSnapshot } from '../swarm/index.js';
import { buildDesiredState } from './desired-state.js';

const app = (name: string, networks: string[], extra: Record<string, string> = {}): FixtureService => ({
  name,
  networks,
  replicas: 2,
  labels: { [LabelKey.hosts]: `${name}.example.org`, [LabelKey.port]: '8080', ...extra },
});

const snapshotOf = (services: FixtureService[]): SwarmSnapshot =>
  parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services)))).snapshot;

/** Two clusters; web and db must be reached on shop-net, blog on blog-net; api is on platform and shop-net. */
const CLUSTERS =
  '[Extensions.east]\nServiceCluster = "east"\nAutoAssign = true\n[Extensions.west]\nServiceCluster = "west"\nAutoAssign = true\n';
const SERVICES = [
  app('web', ['shop-net']),
  app('db', ['shop-net']),
  app('blog', ['blog-net']),
  app('api', ['platform', 'shop-net']),
];

describe('labels and routes with [Planner] ChooseNetworks', () => {
  const snapshot = snapshotOf(SERVICES);
  const api = snapshot.services.find((s) => s.name === 'api');
  const networksById = new Map(snapshot.networks.map((n) => [n.id, n]));

  it('routes a service on several networks without a network label, offering each of them', () => {
    if (!api) throw new Error('fixture');
    const parsed = parseServiceLabels(api, { networksById, chooseNetworks: true });
    if (parsed.kind !== 'route') throw new Error(parsed.kind);
    expect(parsed.spec.networkChoices?.map((n) => n.name)).toEqual(['platform', 'shop-net']);
    expect(parsed.spec.network?.name).toBe('platform');
  });

  it('rejects it as Interlock did when the choice is off, naming the setting that would route it', () => {
    if (!api) throw new Error('fixture');
    const parsed = parseServiceLabels(api, { networksById });
    expect(parsed.kind).toBe('rejected');
    if (parsed.kind !== 'rejected') return;
    expect(parsed.errors[0]?.message).toMatch(
      /attached to 2 networks \(platform, shop-net\); or let the planner choose with \[Planner\] ChooseNetworks = true/,
    );
  });

  it('uses the network label when there is one, with no choice left to the planner', () => {
    if (!api) throw new Error('fixture');
    const labelled = { ...api, labels: { ...api.labels, [LabelKey.network]: 'platform' } };
    const parsed = parseServiceLabels(labelled, { networksById, chooseNetworks: true });
    if (parsed.kind !== 'route') throw new Error(parsed.kind);
    expect(parsed.spec.networkChoices).toBeUndefined();
  });

  it('keeps the targets on every option, and takes the chosen network with its targets', () => {
    const route = buildRoutes(snapshot, undefined, undefined, true).routes.find((r) => r.service === 'api');
    if (!route?.networkChoices) throw new Error('expected a route with choices');
    const shop = route.networkChoices.find((n) => n.name === 'shop-net');
    if (!shop) throw new Error('fixture');
    expect(Object.keys(route.targetsByNetwork ?? {}).sort()).toEqual(
      route.networkChoices.map((n) => n.id).sort(),
    );
    const [chosen] = applyNetworkChoices([route], { api: 'shop-net' });
    expect(chosen?.network).toEqual(shop);
    expect(chosen?.targets).toEqual(route.targetsByNetwork?.[shop.id]);
    expect(chosen?.targets).toHaveLength(2);
    expect(applyNetworkChoices([route], { other: 'shop-net' })[0]).toBe(route);
  });
});

describe('buildDesiredState with [Planner] ChooseNetworks', () => {
  const snapshot = snapshotOf(SERVICES);

  it('is on by default: the app is reached on the network its cluster joins anyway', () => {
    const state = buildDesiredState(snapshot, loadConfig(CLUSTERS).config);
    expect(state.rejections).toEqual([]);
    expect(state.plan.networks).toEqual({ api: 'shop-net' });
    const cluster = state.plan.assignment.api;
    expect(cluster).toBe(state.plan.assignment.web);
    const model = state.clusters.find((c) => c.cluster === cluster)?.model;
    expect(model?.networks.map((n) => n.name)).toEqual(['shop-net']);
    const route = state.routes.routes.find((r) => r.service === 'api');
    expect(route?.network?.name).toBe('shop-net');
    expect(route?.targets).toEqual(route?.targetsByNetwork?.[route.network?.id ?? '']);
    expect(model?.httpPools.find((p) => p.services.includes('api'))?.targets).toEqual(route?.targets);
    expect(state.plan.explanations.api).toMatch(
      new RegExp(
        `reached on shop-net \\(of platform, shop-net\\): the ${cluster} proxy joins it anyway for 2 other apps`,
      ),
    );
  });

  it('keeps the plan and the network on the next pass', () => {
    const config = loadConfig(CLUSTERS).config;
    const first = buildDesiredState(snapshot, config);
    const next = buildDesiredState(snapshot, config, { previous: first.plan.assignment });
    expect(next.plan.assignment).toEqual(first.plan.assignment);
    expect(next.plan.networks).toEqual(first.plan.networks);
    expect(next.clusters.map((c) => c.version)).toEqual(first.clusters.map((c) => c.version));
  });

  it('reaches an app kept in the cluster it leaves on a network that cluster joins anyway', () => {
    const pinned = snapshotOf([
      app('web', ['shop-net'], { [LabelKey.serviceCluster]: 'east' }),
      app('blog', ['blog-net'], { [LabelKey.serviceCluster]: 'west' }),
      app('api', ['blog-net', 'shop-net']),
    ]);
    const config = loadConfig(CLUSTERS).config;
    const planned = buildDesiredState(pinned, config);
    const to = planned.plan.assignment.api as string;
    const from = to === 'east' ? 'west' : 'east';
    const state = buildDesiredState(pinned, config, {
      previous: planned.plan.assignment,
      keep: new Map([['api', new Set([from])]]),
    });
    const networksOf = (cluster: string) =>
      state.clusters.find((c) => c.cluster === cluster)?.model.networks.map((n) => n.name);
    expect(networksOf(to)).toEqual([to === 'east' ? 'shop-net' : 'blog-net']);
    expect(networksOf(from)).toEqual([from === 'east' ? 'shop-net' : 'blog-net']);
    const pool = state.clusters
      .find((c) => c.cluster === from)
      ?.model.httpPools.find((p) => p.services.includes('api'));
    const kept = state.routes.routes.find((r) => r.service === 'api');
    const fromNet = kept?.networkChoices?.find((n) => n.name === (from === 'east' ? 'shop-net' : 'blog-net'));
    expect(pool?.targets).toHaveLength(2);
    expect(pool?.targets).toEqual(kept?.targetsByNetwork?.[fromNet?.id ?? '']);
  });

  it('rejects the app at the labels stage when turned off', () => {
    const state = buildDesiredState(
      snapshot,
      loadConfig(`${CLUSTERS}[Planner]\nChooseNetworks = false\n`).config,
    );
    expect(state.plan.networks).toEqual({});
    expect(state.plan.assignment.api).toBeUndefined();
    expect(state.rejections.map((r) => [r.service, r.stage])).toEqual([['api', 'labels']]);
    expect(state.rejections[0]?.message).toMatch(/ChooseNetworks/);
  });

  it('is a [Planner] key that config check describes, on unless set to false', () => {
    const check = checkConfig('[Planner]\nChooseNetworks = false\n');
    expect(check.config?.Planner.ChooseNetworks).toBe(false);
    expect(check.keys.find((k) => k.path === 'Planner.ChooseNetworks')).toMatchObject({
      fate: 'applied',
      meaning: expect.stringMatching(/planner picks .*false: rejected, as in Interlock/),
    });
    expect(loadConfig('').config.Planner.ChooseNetworks).toBe(true);
  });
});
