import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { nginxTest } from '../../../testing/nginx-process.js';
import { secretsFor } from '../../../testing/render-fixture.js';
import { loadConfig } from '../config/index.js';
import { LabelKey, STACK_NAMESPACE_LABEL } from '../labels/index.js';
import { parseSnapshot } from '../swarm/index.js';
import { buildDesiredState } from './desired-state.js';
import { renderDesiredCluster } from './render-desired-cluster.js';

/**
 * Issue 14, item 9: services drawn from valid and hostile label values, through the whole pipeline as the
 * coordinator runs it (routes → tenancy → limits → plan → each cluster's nginx.conf). It never throws, every
 * service it did not reject is routed, and every config it renders passes the real `nginx -t`.
 */
const LONG = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.test`;
const HOSTS = [
  'a.example.com',
  'b.example.com',
  '*.example.com',
  'shop.example.com',
  LONG,
  'A.EXAMPLE.COM',
  'bad host',
  'a.example.com; return 200 pwned',
  '$host',
];
const value = <T>(...values: T[]) => fc.constantFrom(...values);
const service = fc.record({
  hosts: fc.subarray(HOSTS, { minLength: 1, maxLength: 3 }),
  pin: value(undefined, 'eu', 'blue', 'mars'),
  tenant: value(undefined, 'a', 'b', 'evil'),
  contextRoot: value(undefined, '/app', '/x { return 200; }', '/ü'),
  websockets: value(undefined, '/ws', '/ws,/live', '/ws;'),
  cookie: value(undefined, 'sid', 'a%b', `c${'x'.repeat(255)}`, 'sid"; add_header X 1'),
  tls: value(undefined, 'cert-a', 'cert-b', '../../etc/shadow'),
  passthrough: fc.boolean(),
  redirect: value(undefined, 'http://a.example.com,https://b.example.com', 'http://x,https://y;\nlisten 1'),
  createdAt: fc.integer({ min: 0, max: 5 }),
});

const CLUSTERS =
  '[Extensions.eu]\nServiceCluster = "eu"\nAutoAssign = true\nCapacity = 4\n[Extensions.blue]\nServiceCluster = "blue"\nAutoAssign = true\nCapacity = 3\n';
const CONFIGS = [
  `${CLUSTERS}[Limits]\nLocationsPerCluster = 64\n`,
  `${CLUSTERS}[Tenancy]\nTenantLabel = "${STACK_NAMESPACE_LABEL}"\n[Limits]\nServicesPerTenant = 3\n`,
].map((c) => loadConfig(c).config);

describe('the whole pipeline on hostile label values', () => {
  it('never throws, routes every service it did not reject, and renders only configs nginx -t accepts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(service, { minLength: 1, maxLength: 8 }),
        value(...CONFIGS),
        async (drawn, config) => {
          const services: FixtureService[] = drawn.map((s, i) => ({
            name: `s${i}`,
            networks: ['n1'],
            replicas: 1,
            createdAt: `2026-01-01T00:00:0${s.createdAt}Z`,
            labels: {
              [LabelKey.hosts]: s.hosts.join(','),
              [LabelKey.port]: '8080',
              ...(s.pin ? { [LabelKey.serviceCluster]: s.pin } : {}),
              ...(s.tenant ? { [STACK_NAMESPACE_LABEL]: s.tenant } : {}),
              ...(s.contextRoot ? { [LabelKey.contextRoot]: s.contextRoot } : {}),
              ...(s.websockets ? { [LabelKey.websocketEndpoints]: s.websockets } : {}),
              ...(s.cookie ? { [LabelKey.stickySessionCookie]: s.cookie } : {}),
              ...(s.tls
                ? {
                    [s.passthrough ? LabelKey.sslPassthrough : LabelKey.sslCert]: s.passthrough
                      ? 'true'
                      : s.tls,
                  }
                : {}),
              ...(s.redirect ? { [LabelKey.redirects]: s.redirect } : {}),
            },
          }));
          const json = buildEngineSnapshot(services, { secrets: ['cert-a', 'cert-b'] });
          const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(json)));
          const desired = buildDesiredState(snapshot, config);
          const turnedAway = new Set(desired.rejections.map((r) => r.service));
          for (const route of desired.routes.routes) {
            if (turnedAway.has(route.service)) continue;
            const model = desired.clusters.find(
              (c) => c.cluster === desired.plan.assignment[route.service],
            )?.model;
            const dropped = model?.conflicts.some((c) => c.dropped === route.service);
            if (!dropped) expect(model?.services, route.service).toContain(route.service);
          }
          for (const c of desired.clusters) {
            const text = renderDesiredCluster(c, config, 'signalbox/test');
            const check = await nginxTest(text, await secretsFor(c.model));
            expect(check.ok, `cluster ${c.cluster}: ${check.output}`).toBe(true);
          }
        },
      ),
      { numRuns: 40, seed: 20261204 },
    );
  }, 120_000);
});
