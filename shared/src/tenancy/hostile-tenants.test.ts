import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { loadConfig } from '../config/index.js';
import { buildDesiredState, type DesiredState } from '../desired/index.js';
import { LabelKey, STACK_NAMESPACE_LABEL } from '../labels/index.js';
import { parseSnapshot } from '../swarm/index.js';
import { SHARE_WITH_LABEL } from './tenant-labels.js';

const CLUSTERS = `[Extensions.eu]
ServiceCluster = "eu"
AutoAssign = true
[Extensions.blue]
ServiceCluster = "blue"
AutoAssign = true
`;
const TENANCY = `[Tenancy]
TenantLabel = "${STACK_NAMESPACE_LABEL}"
DefaultBackendTenants = ["ops"]
[Tenancy.Domains]
shop = ["*.shop.example.com", "shop.example.com"]
`;
const PLAIN = loadConfig(CLUSTERS).config;
const TENANTED = loadConfig(CLUSTERS + TENANCY).config;

const svc = (
  stack: string,
  name: string,
  hosts: string,
  extra: Record<string, string> = {},
  createdAt?: string,
): FixtureService => ({
  name: `${stack}_${name}`,
  networks: [`${stack}_net`],
  replicas: 1,
  labels: {
    [STACK_NAMESPACE_LABEL]: stack,
    [LabelKey.hosts]: hosts,
    [LabelKey.port]: '8080',
    ...extra,
  },
  ...(createdAt ? { createdAt } : {}),
});

/** Other tenants' apps: pinned blog, unpinned news, shop with reserved domains, and a farm of 40 small apps. */
const TENANTS: FixtureService[] = [
  svc('blog', 'web', 'blog.example.com', { [LabelKey.serviceCluster]: 'eu' }),
  svc('news', 'web', 'news.example.com'),
  svc('shop', 'web', 'shop.example.com,cart.shop.example.com'),
  ...Array.from({ length: 40 }, (_, i) => svc('farm', `app${i}`, `app${i}.farm.example.org`)),
];

/** As the coordinator runs it: each pass re-plans from the previous assignment, which the planner keeps. */
function desired(
  config: typeof PLAIN,
  extra: FixtureService[],
  base = TENANTS,
  previous?: DesiredState,
): DesiredState {
  const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot([...base, ...extra]))));
  return buildDesiredState(snapshot, config, { previous: previous?.plan.assignment });
}

/**
 * Everything the proxies do for services outside `stack`: per cluster, host and path, which services' pool
 * serves it and where it sends traffic. A route the attacker joined differs in `services`.
 */
function othersView(d: DesiredState, stack: string) {
  const mine = (s: string) => s.startsWith(`${stack}_`);
  return d.clusters.flatMap((c) => {
    const pools = new Map([...c.model.httpPools, ...c.model.streamPools].map((p) => [p.name, p]));
    return c.model.virtualHosts.flatMap((vh) =>
      vh.locations
        .map((l) => ({ cluster: c.cluster, host: vh.host, path: l.path, pool: pools.get(l.pool) }))
        .filter((r) => !r.pool?.services.every(mine))
        .map((r) => ({ ...r, pool: { services: r.pool?.services, targets: r.pool?.targets } })),
    );
  });
}

const placement = (d: DesiredState, stack: string) =>
  Object.entries(d.plan.assignment).filter(([s]) => !s.startsWith(`${stack}_`));

const refusals = (d: DesiredState) => d.tenancy?.rejections.map((r) => r.details) ?? [];

describe('hostile tenants without [Tenancy]: a conflict costs only the younger service', () => {
  const before = desired(PLAIN, []);

  it('a pin that contradicts an older pinned service on the same host leaves out the newcomer, not the pass', () => {
    const after = desired(
      PLAIN,
      [svc('evil', 'pin', 'blog.example.com', { [LabelKey.serviceCluster]: 'blue' })],
      TENANTS,
      before,
    );
    expect(after.unplaced).toEqual([
      {
        service: 'evil_pin',
        constraint: 'pin',
        reason:
          'service evil_pin: is pinned to "blue", but host blog.example.com is served with blog_web, pinned to "eu"; the younger service gives way',
      },
    ]);
    expect(othersView(after, 'evil')).toEqual(othersView(before, 'evil'));
    expect(placement(after, 'evil')).toEqual(placement(before, 'evil'));
  });

  it('a service welding 25 of 40 apps into one host group too big for any cluster is left out', () => {
    const hosts = Array.from({ length: 25 }, (_, i) => `app${i}.farm.example.org`).join(',');
    const after = desired(PLAIN, [svc('evil', 'weld', hosts)], TENANTS, before);
    expect(after.unplaced.map((u) => [u.service, u.constraint])).toEqual([['evil_weld', 'capacity']]);
    expect(after.unplaced[0]?.reason).toMatch(/with the 25 apps it shares hosts with, it does not fit/);
    expect(othersView(after, 'evil')).toEqual(othersView(before, 'evil'));
  });
});

describe('hostile tenants with [Tenancy]: other tenants are exactly unchanged, the attacker is refused', () => {
  const before = desired(TENANTED, []);

  const expectUntouched = (after: DesiredState) => {
    expect(othersView(after, 'evil')).toEqual(othersView(before, 'evil'));
    expect(placement(after, 'evil')).toEqual(placement(before, 'evil'));
    expect(after.unplaced).toEqual([]);
  };

  it('freeze by pin conflict: the claim on a pinned tenant host is refused', () => {
    const after = desired(
      TENANTED,
      [svc('evil', 'pin', 'blog.example.com', { [LabelKey.serviceCluster]: 'blue' })],
      TENANTS,
      before,
    );
    expect(refusals(after)).toEqual([
      { service: 'evil_pin', tenant: 'evil', host: 'blog.example.com', refusal: 'owned', owner: 'blog' },
    ]);
    expect(after.tenancy?.rejections[0]?.message).toBe(
      'service evil_pin (tenant evil): host blog.example.com is owned by tenant blog, which does not share it with evil',
    );
    expectUntouched(after);
  });

  it('freeze by capacity: listing 25 hosts of another tenant welds nothing', () => {
    const hosts = Array.from({ length: 25 }, (_, i) => `app${i}.farm.example.org`).join(',');
    const after = desired(TENANTED, [svc('evil', 'weld', `${hosts},evil.example.net`)], TENANTS, before);
    expect(refusals(after).map((r) => [r.host, r.refusal, r.owner])).toEqual(
      Array.from({ length: 25 }, (_, i) => [`app${i}.farm.example.org`, 'owned', 'farm']).sort(),
    );
    expectUntouched(after);
    expect(after.routes.routes.find((r) => r.service === 'evil_weld')?.hosts).toEqual(['evil.example.net']);
  });

  it('freeze by capacity inside the attacker’s own tenant costs only the attacker’s youngest services and no route of others', () => {
    const own = Array.from({ length: 60 }, (_, i) =>
      svc('evil', `w${i}`, 'evil.example.net', {}, `2026-02-01T00:${String(i).padStart(2, '0')}:00Z`),
    );
    const after = desired(TENANTED, own, TENANTS, before);
    expect(after.unplaced.length).toBeGreaterThan(0);
    expect(after.unplaced.every((u) => u.service.startsWith('evil_') && u.constraint === 'capacity')).toBe(
      true,
    );
    expect(after.unplaced.map((u) => u.service)).toContain('evil_w59');
    // Capacity the attacker fills is capacity others lack: the planner may move their apps (see the threat
    // model in docs/operating.md, Tenancy), but every route, pool and target of theirs stays as it was.
    const routesOnly = (d: DesiredState) =>
      othersView(d, 'evil')
        .map(({ cluster: _cluster, ...route }) => route)
        .sort((a, b) => (a.host < b.host ? -1 : 1));
    expect(routesOnly(after)).toEqual(routesOnly(before));
  });

  it('hijack by shared host: no share of another tenant’s pool', () => {
    const after = desired(TENANTED, [svc('evil', 'hijack', 'news.example.com')], TENANTS, before);
    expect(refusals(after)).toEqual([
      { service: 'evil_hijack', tenant: 'evil', host: 'news.example.com', refusal: 'owned', owner: 'news' },
    ]);
    expectUntouched(after);
  });

  it('drag into a pinned cluster: the unpinned owner is never pulled into the attacker’s cluster', () => {
    const newsBefore = before.plan.assignment.news_web;
    const elsewhere = newsBefore === 'eu' ? 'blue' : 'eu';
    const after = desired(
      TENANTED,
      [svc('evil', 'drag', 'news.example.com,evil.example.net', { [LabelKey.serviceCluster]: elsewhere })],
      TENANTS,
      before,
    );
    expect(refusals(after).map((r) => [r.service, r.host, r.refusal])).toEqual([
      ['evil_drag', 'news.example.com', 'owned'],
    ]);
    expect(after.plan.assignment.news_web).toBe(newsBefore);
    expectUntouched(after);
  });

  it('drag through a granted share: the guest’s pin may not carry the owner', () => {
    const base = TENANTS.map((s) =>
      s.name === 'news_web' ? { ...s, labels: { ...s.labels, [SHARE_WITH_LABEL]: 'partner' } } : s,
    );
    const guest = (pin?: string) =>
      svc('partner', 'canary', 'news.example.com', pin ? { [LabelKey.serviceCluster]: pin } : {});
    const shared = desired(TENANTED, [guest()], base, before);
    const newsPool = (d: DesiredState) =>
      d.clusters.flatMap((c) => c.model.httpPools).find((p) => p.host === 'news.example.com')?.services;
    expect(newsPool(shared)).toEqual(['news_web', 'partner_canary']);
    const newsCluster = shared.plan.assignment.news_web as string;
    const pinned = desired(TENANTED, [guest(newsCluster === 'eu' ? 'blue' : 'eu')], base, shared);
    expect(pinned.unplaced.map((u) => [u.service, u.constraint])).toEqual([['partner_canary', 'tenant']]);
    expect(pinned.plan.assignment.news_web).toBe(newsCluster);
    expect(newsPool(pinned)).toEqual(['news_web']);
  });

  it('a wildcard over another tenant’s host is refused', () => {
    const after = desired(TENANTED, [svc('evil', 'wild', '*.example.com')], TENANTS, before);
    expect(refusals(after)).toEqual([
      {
        service: 'evil_wild',
        tenant: 'evil',
        host: '*.example.com',
        refusal: 'wildcard-over-owned',
        owner: 'blog',
        via: 'blog.example.com',
      },
    ]);
    expectUntouched(after);
  });

  it('a host in another tenant’s reserved domain is refused, even to an older service', () => {
    const after = desired(
      TENANTED,
      [
        svc('evil', 'pay', 'pay.shop.example.com', {}, '2025-01-01T00:00:00Z'),
        svc('evil', 'wild', '*.example.com', {}, '2025-01-01T00:00:01Z'),
      ],
      TENANTS,
      before,
    );
    expect(refusals(after).map((r) => [r.service, r.host, r.refusal, r.owner, r.via])).toEqual([
      ['evil_pay', 'pay.shop.example.com', 'reserved', 'shop', '*.shop.example.com'],
      ['evil_wild', '*.example.com', 'wildcard-over-reserved', 'shop', '*.shop.example.com'],
    ]);
    expectUntouched(after);
  });

  it('a default backend from a tenant not allowed one is refused', () => {
    const after = desired(
      TENANTED,
      [svc('evil', 'catchall', 'evil.example.net', { [LabelKey.defaultBackend]: 'true' })],
      TENANTS,
      before,
    );
    expect(refusals(after).map((r) => [r.service, r.refusal])).toEqual([
      ['evil_catchall', 'default-backend'],
    ]);
    expect(after.clusters.some((c) => c.model.defaultBackend)).toBe(false);
    expectUntouched(after);
  });

  it('pooling within a tenant still works, and the route carries its tenant', () => {
    const after = desired(TENANTED, [svc('news', 'canary', 'news.example.com')], TENANTS, before);
    const pool = after.clusters.flatMap((c) => c.model.httpPools).find((p) => p.host === 'news.example.com');
    expect(pool?.services).toEqual(['news_canary', 'news_web']);
    expect(after.routes.routes.find((r) => r.service === 'news_canary')?.tenant).toBe('news');
    expect(after.tenancy?.rejections).toEqual([]);
  });
});
