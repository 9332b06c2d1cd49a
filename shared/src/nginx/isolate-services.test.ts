import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import { LabelKey } from '../labels/index.js';
import type { ClusterModel } from '../model/index.js';
import { isolateServices, withoutServices } from './isolate-services.js';

const svc = (name: string, labels: Record<string, string>, createdAt?: string): FixtureService => ({
  name,
  networks: ['front'],
  replicas: 1,
  ...(createdAt ? { createdAt } : {}),
  labels: { [LabelKey.port]: '80', ...labels },
});

const { model } = renderFixture({
  secrets: ['a.cert', 'b.cert'],
  services: [
    svc(
      'a',
      { [LabelKey.hosts]: 'a.example,shared.example', [LabelKey.sslCert]: 'a.cert' },
      '2020-01-01T00:00:00Z',
    ),
    svc('a-canary', { [LabelKey.hosts]: 'a.example', [LabelKey.sslCert]: 'a.cert' }, '2020-01-02T00:00:00Z'),
    svc('b', { [LabelKey.hosts]: 'b.example', [LabelKey.sslCert]: 'b.cert', [LabelKey.contextRoot]: '/b' }),
    svc('c', {
      [LabelKey.hosts]: 'shared.example',
      [LabelKey.contextRoot]: '/c',
      [LabelKey.sslCert]: 'a.cert',
    }),
    svc('d', { [LabelKey.hosts]: 'd.example', [LabelKey.sslPassthrough]: 'true' }),
    svc('e', { [LabelKey.defaultBackend]: 'true' }),
  ],
});

const hostsOf = (m: ClusterModel): string[] => [
  ...m.virtualHosts.map((v) => `${v.host}${v.locations.map((l) => l.path).join('')}`),
  ...m.passthroughHosts.map((p) => `${p.host} passthrough`),
];

describe('withoutServices', () => {
  it('leaves the model as it is when nothing is removed', () => {
    expect(withoutServices(model, new Set())).toEqual(model);
  });

  it("takes out one service's hosts, paths, pools, secrets and default backend, and nothing else", () => {
    expect(hostsOf(withoutServices(model, new Set(['b'])))).toEqual([
      'a.example/',
      'shared.example//c',
      'd.example passthrough',
    ]);
    const noB = withoutServices(model, new Set(['b', 'd', 'e']));
    expect(noB.secrets).toEqual(['a.cert']);
    expect(noB.services).toEqual(['a', 'a-canary', 'c']);
    expect(noB.defaultBackend).toBeUndefined();
    expect(noB.passthroughHosts).toEqual([]);
    expect(noB.streamPools).toEqual([]);
  });

  it('keeps a pool and host another service shares, without the removed service', () => {
    const m = withoutServices(model, new Set(['a-canary']));
    expect(m.virtualHosts.find((v) => v.host === 'a.example')?.tls).toEqual({ cert: 'a.cert' });
    const pool = m.httpPools.find((p) => p.host === 'a.example');
    expect(pool?.services).toEqual(['a']);
    const noA = withoutServices(model, new Set(['a']));
    expect(noA.httpPools.find((p) => p.host === 'a.example')?.services).toEqual(['a-canary']);
  });

  it('removing every service leaves no route', () => {
    const empty = withoutServices(model, new Set(model.services));
    expect(hostsOf(empty)).toEqual([]);
    expect(empty.httpPools).toEqual([]);
    expect(empty.secrets).toEqual([]);
  });
});

describe('isolateServices', () => {
  const named = (n: number): ClusterModel => ({
    ...model,
    services: Array.from({ length: n }, (_, i) => `s${i}`),
  });

  it('finds every service the check refuses, within O(k log n) checks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 4 }),
            ),
          ),
        async ([n, bad]) => {
          const culprits = new Set(bad.map((i) => `s${i}`));
          const result = await isolateServices(
            named(n),
            async (m) => !m.services.some((s) => culprits.has(s)),
            200,
          );
          expect(result).toMatchObject({ found: true, services: [...culprits].sort() });
          expect(result.checks).toBeLessThanOrEqual(1 + 2 * culprits.size * Math.ceil(Math.log2(n) + 1));
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });

  it('blames no service when the model fails even without services', async () => {
    expect(await isolateServices(named(5), async () => false)).toEqual({
      found: false,
      reason: 'not-a-service',
      checks: 1,
    });
  });

  it('gives up after its check budget', async () => {
    const result = await isolateServices(
      named(1000),
      async (m) => m.services.every((s) => !s.endsWith('7')),
      10,
    );
    expect(result).toEqual({ found: false, reason: 'too-many-checks', checks: 10 });
  });
});
