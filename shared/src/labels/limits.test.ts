import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot } from '../../../testing/engine-fixtures.js';
import { assembleCluster, buildRoutes } from '../routing/index.js';
import { parseSnapshot, type SwarmService } from '../swarm/index.js';
import { LabelLimitError } from './label-error.js';
import { LabelKey } from './label-keys.js';
import { DEFAULT_LABEL_LIMITS, type LabelLimits } from './limits.js';
import { parseServiceLabels } from './parse-service-labels.js';
import { splitList } from './validators.js';

function service(labels: Record<string, string>): SwarmService {
  const { snapshot } = parseSnapshot(
    buildEngineSnapshot([
      { name: 'greedy', networks: ['front'], labels: { [LabelKey.port]: '80', ...labels } },
    ]),
  );
  const svc = snapshot.services[0];
  if (!svc) throw new Error('fixture has no service');
  return svc;
}

const ctxFor = (svc: SwarmService, limits?: LabelLimits) => ({
  networksById: new Map([
    [svc.networkIds[0] ?? '', { id: svc.networkIds[0] ?? '', name: 'front', driver: 'overlay' }],
  ]),
  ...(limits ? { limits } : {}),
});

const parse = (labels: Record<string, string>, limits?: LabelLimits) => {
  const svc = service(labels);
  return parseServiceLabels(svc, ctxFor(svc, limits));
};

const limitErrors = (r: ReturnType<typeof parse>) =>
  r.kind === 'rejected' ? r.errors.filter((e) => e instanceof LabelLimitError) : [];

const hosts = (n: number): string => Array.from({ length: n }, (_, i) => `${i.toString(36)}.a`).join(',');
const paths = (n: number): string => Array.from({ length: n }, (_, i) => `/${i.toString(36)}`).join(',');
const small: LabelLimits = {
  valueLength: 4096,
  hostsPerService: 4,
  pathsPerService: 3,
  locationsPerService: 6,
  redirectsPerService: 2,
};

describe('label limits', () => {
  it.each([
    [{ [LabelKey.hosts]: hosts(5) }, LabelKey.hosts, 'hosts', 5, 4],
    [
      { [LabelKey.hosts]: hosts(1), [LabelKey.websocketEndpoints]: paths(3) },
      LabelKey.websocketEndpoints,
      'paths',
      4,
      3,
    ],
    [
      { [LabelKey.hosts]: hosts(4), [LabelKey.websocketEndpoints]: paths(1) },
      LabelKey.hosts,
      'locations \\(4 hosts × 2 paths\\)',
      8,
      6,
    ],
    [
      {
        [LabelKey.hosts]: hosts(3),
        [LabelKey.redirects]: 'http://0.a,http://x.a;http://1.a,http://x.a;http://2.a,http://x.a',
      },
      LabelKey.redirects,
      'redirects',
      3,
      2,
    ],
  ])('refuses %j naming the service, the label and the count', (labels, label, what, count, limit) => {
    const [err, ...more] = limitErrors(parse(labels, small));
    expect(more).toEqual([]);
    expect(err?.code).toBe('LABEL_LIMIT');
    expect(err?.details).toMatchObject({ service: 'greedy', label, count, limit });
    expect(err?.message).toMatch(new RegExp(`^service greedy: label ${label}=.* asks for ${count} ${what}`));
    expect(err?.message).toMatch(new RegExp(`limit of ${limit}$`));
  });

  it('accepts a service exactly at every limit', () => {
    const r = parse(
      {
        [LabelKey.hosts]: hosts(2),
        [LabelKey.websocketEndpoints]: paths(2),
        [LabelKey.redirects]: 'http://0.a,http://x.a;http://1.a,http://x.a',
      },
      small,
    );
    expect(r.kind).toBe('route');
  });

  it('has defaults that let an ordinary service through', () => {
    expect(DEFAULT_LABEL_LIMITS).toEqual({
      valueLength: 4096,
      hostsPerService: 256,
      pathsPerService: 64,
      locationsPerService: 2048,
      redirectsPerService: 64,
    });
    expect(parse({ [LabelKey.hosts]: hosts(256) }).kind).toBe('route');
    expect(limitErrors(parse({ [LabelKey.hosts]: hosts(257) }))[0]?.details.count).toBe(257);
  });

  it('refuses the issue 14 service (688 hosts × 1,000 endpoints) before building a single location', () => {
    const labels = { [LabelKey.hosts]: hosts(688), [LabelKey.websocketEndpoints]: paths(1000) };
    const json = buildEngineSnapshot([
      { name: 'greedy', networks: ['front'], labels: { [LabelKey.port]: '80', ...labels } },
    ]);
    const started = performance.now();
    const routes = buildRoutes(parseSnapshot(json).snapshot);
    const model = assembleCluster('', routes.routes);
    const ms = performance.now() - started;
    expect(routes.rejected.map((r) => r.service)).toEqual(['greedy']);
    expect(routes.rejected[0]?.errors.map((e) => [e.code, e.details.label, e.details.count])).toEqual([
      ['LABEL_LIMIT', LabelKey.hosts, 688],
      ['LABEL_LIMIT', LabelKey.websocketEndpoints, 1001],
    ]);
    expect(model.virtualHosts).toEqual([]);
    // Was 1.75 s per pass with 711,392 locations; now bounded by the label length, not the product.
    expect(ms).toBeLessThan(250);
  });

  it('stops splitting a list at the cap', () => {
    expect(splitList('a, ,b,c,d', ',', 2)).toEqual(['a', 'b']);
    expect(splitList('a,,b,', ',')).toEqual(['a', 'b']);
    expect(splitList('', ',', 1)).toEqual([]);
  });

  it('never routes more than the limits allow (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.record({
          valueLength: fc.constant(4096),
          hostsPerService: fc.integer({ min: 1, max: 10 }),
          pathsPerService: fc.integer({ min: 1, max: 10 }),
          locationsPerService: fc.integer({ min: 1, max: 60 }),
          redirectsPerService: fc.integer({ min: 0, max: 4 }),
        }),
        (h, p, limits) => {
          const labels: Record<string, string> = { [LabelKey.hosts]: hosts(h) };
          if (p > 0) labels[LabelKey.websocketEndpoints] = paths(p);
          const r = parse(labels, limits);
          const within =
            h <= limits.hostsPerService &&
            p + 1 <= limits.pathsPerService &&
            h * (p + 1) <= limits.locationsPerService;
          expect(r.kind).toBe(within ? 'route' : 'rejected');
          if (r.kind === 'route') {
            expect(r.spec.hosts.length * (1 + r.spec.websocketEndpoints.length)).toBeLessThanOrEqual(
              limits.locationsPerService,
            );
          } else {
            expect(limitErrors(r).length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });
});
