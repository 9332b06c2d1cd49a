import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { loadConfig } from '../config/index.js';
import { LabelKey, STACK_NAMESPACE_LABEL } from '../labels/index.js';
import { parseSnapshot } from '../swarm/index.js';
import { SHARE_WITH_LABEL } from '../tenancy/index.js';
import { buildDesiredState } from './desired-state.js';

/** Valid values that collide on purpose, and values the label parser must refuse. */
const HOSTS = [
  'a.example.com',
  'b.example.com',
  'x.a.example.com',
  '*.example.com',
  '*.a.example.com',
  'shop.example.com',
  'pay.shop.example.com',
  'A.EXAMPLE.COM',
  'bad host',
  'a.example.com;',
];
const PINS = [undefined, 'eu', 'blue', 'mars', ''];
const TENANTS = [undefined, 'a', 'b', 'shop', ''];

const service = fc.record({
  hosts: fc.subarray(HOSTS, { minLength: 1, maxLength: 4 }),
  pin: fc.constantFrom(...PINS),
  tenant: fc.constantFrom(...TENANTS),
  share: fc.constantFrom(undefined, 'a', 'b,shop', 'not a tenant!'),
  defaultBackend: fc.boolean(),
  network: fc.constantFrom('n1', 'n2', 'n3'),
  createdAt: fc.integer({ min: 0, max: 5 }),
});

const CONFIGS = [
  '[Extensions.eu]\nServiceCluster = "eu"\nAutoAssign = true\nCapacity = 3\n[Extensions.blue]\nServiceCluster = "blue"\nAutoAssign = true\nCapacity = 2\n',
  '[Extensions.eu]\nServiceCluster = "eu"\nAutoAssign = true\n[Extensions.blue]\nServiceCluster = "blue"\nAutoAssign = false\nCapacity = 1\n',
].flatMap((clusters) => [
  clusters,
  `${clusters}[Tenancy]\nTenantLabel = "${STACK_NAMESPACE_LABEL}"\nDefaultBackendTenants = ["a"]\n[Tenancy.Domains]\nshop = ["*.shop.example.com"]\n`,
]);

describe('buildDesiredState on hostile label values', () => {
  it('never throws, and routes every service it neither rejected nor left unplaced', () => {
    fc.assert(
      fc.property(
        fc.array(service, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...CONFIGS.map((c) => loadConfig(c).config)),
        (drawn, config) => {
          const services: FixtureService[] = drawn.map((s, i) => ({
            name: `s${i}`,
            networks: [s.network],
            createdAt: `2026-01-01T00:00:0${s.createdAt}Z`,
            labels: {
              [LabelKey.hosts]: s.hosts.join(','),
              [LabelKey.port]: '80',
              ...(s.pin !== undefined ? { [LabelKey.serviceCluster]: s.pin } : {}),
              ...(s.tenant !== undefined ? { [STACK_NAMESPACE_LABEL]: s.tenant } : {}),
              ...(s.share !== undefined ? { [SHARE_WITH_LABEL]: s.share } : {}),
              ...(s.defaultBackend ? { [LabelKey.defaultBackend]: 'true' } : {}),
            },
          }));
          const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services))));
          const desired = buildDesiredState(snapshot, config);
          const unplaced = new Set(desired.unplaced.map((u) => u.service));
          for (const route of desired.routes.routes) {
            if (unplaced.has(route.service)) continue;
            const cluster = desired.plan.assignment[route.service];
            expect(cluster, route.service).toBeDefined();
            const model = desired.clusters.find((c) => c.cluster === cluster)?.model;
            const dropped = model?.conflicts.some((c) => c.dropped === route.service);
            if (!dropped) expect(model?.services, route.service).toContain(route.service);
          }
          for (const u of desired.unplaced) expect(desired.plan.assignment[u.service]).toBeUndefined();
        },
      ),
      { numRuns: 300, seed: 20261204 },
    );
  });
});
