import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { parseSnapshot } from '../swarm/index.js';
import { parseServiceLabels } from './parse-service-labels.js';

const L = 'com.docker.lb.';
const labels = (o: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.startsWith('com.') || k.startsWith('io.') ? k : L + k, v]),
  );

function parse(svc: Omit<FixtureService, 'labels'> & { labels: Record<string, string> }, secrets?: string[]) {
  const { snapshot } = parseSnapshot(
    buildEngineSnapshot(
      [{ networks: ['front'], ...svc, labels: labels(svc.labels) }],
      secrets ? { secrets } : {},
    ),
  );
  const service = snapshot.services[0];
  if (!service) throw new Error('fixture has no service');
  const ctx = { networksById: new Map(snapshot.networks.map((n) => [n.id, n])) };
  return parseServiceLabels(service, snapshot.secrets ? { ...ctx, secrets: snapshot.secrets } : ctx);
}

const errorsOf = (r: ReturnType<typeof parse>): { label: unknown; message: string }[] =>
  r.kind === 'rejected' ? r.errors.map((e) => ({ label: e.details.label, message: e.message })) : [];

describe('parseServiceLabels', () => {
  it('leaves a service without hosts unrouted, with a warning when it has other lb labels', () => {
    const r = parse({ name: 'worker', labels: { port: '80' } });
    expect(r.kind).toBe('unrouted');
    expect(r.warnings.join()).toMatch(/no com\.docker\.lb\.hosts/);
  });

  it('reads every Interlock label into a RouteSpec', () => {
    const r = parse(
      {
        name: 'shop',
        networks: ['front', 'back'],
        labels: {
          hosts: 'Shop.example.org, www.shop.example.org',
          port: '8080',
          network: 'front',
          context_root: '/shop/',
          context_root_rewrite: 'true',
          ssl_cert: 'shop.cert',
          ssl_key: 'shop.key',
          ssl_only: 'true',
          websocket_endpoints: '/shop/ws',
          service_cluster: 'us-east',
          sticky_session_cookie: 'sid',
          redirects: 'http://www.shop.example.org,https://shop.example.org',
          backend_mode: 'task',
          default_backend: 'false',
        },
      },
      ['shop.cert', 'shop.key'],
    );
    expect(r.kind).toBe('route');
    if (r.kind !== 'route') return;
    expect(r.spec).toMatchObject({
      service: 'shop',
      hosts: ['shop.example.org', 'www.shop.example.org'],
      port: 8080,
      network: { name: 'front' },
      contextRoot: '/shop',
      contextRootRewrite: true,
      tls: { cert: 'shop.cert', key: 'shop.key' },
      sslOnly: true,
      websocketEndpoints: ['/shop/ws'],
      pinnedCluster: 'us-east',
      stickyCookie: 'sid',
      redirects: [{ fromScheme: 'http', fromHost: 'www.shop.example.org', to: 'https://shop.example.org' }],
      backendMode: 'task',
      defaultBackend: false,
    });
  });

  it('uses the only network when the network label is absent, and accepts stack-unprefixed names', () => {
    const single = parse({ name: 'a', labels: { hosts: 'a.example', port: '80' } });
    expect(single.kind === 'route' && single.spec.network?.name).toBe('front');
    const stacked = parse({
      name: 'demo_web',
      networks: ['demo_net', 'other'],
      labels: { hosts: 'a.example', port: '80', network: 'net', 'com.docker.stack.namespace': 'demo' },
    });
    expect(stacked.kind === 'route' && stacked.spec.network?.name).toBe('demo_net');
  });

  it.each([
    [{ hosts: 'a.example' }, 'com.docker.lb.port', /is required/],
    [{ hosts: 'a.example;', port: '80' }, 'com.docker.lb.hosts', /RFC 1123/],
    [
      { hosts: 'a.example', port: '80', network: 'nope' },
      'com.docker.lb.network',
      /not a network the service is attached to/,
    ],
    [
      { hosts: 'a.example', port: '80', context_root: '/x;return 200' },
      'com.docker.lb.context_root',
      /absolute path/,
    ],
    [
      { hosts: 'a.example', port: '80', sticky_session_cookie: 'a b' },
      'com.docker.lb.sticky_session_cookie',
      /RFC 6265/,
    ],
    [{ hosts: 'a.example', port: '80', ssl_cert: '../etc/passwd' }, 'com.docker.lb.ssl_cert', /secret name/],
    [
      { hosts: 'a.example', port: '80', ssl_key: 'k' },
      'com.docker.lb.ssl_key',
      /needs com\.docker\.lb\.ssl_cert/,
    ],
    [{ hosts: 'a.example', port: '80', ssl_only: 'true' }, 'com.docker.lb.ssl_only', /needs/],
    [
      { hosts: 'a.example', port: '80', ssl_passthrough: 'true', ssl_cert: 'c' },
      'com.docker.lb.ssl_passthrough',
      /cannot be combined/,
    ],
    [
      { hosts: 'a.example', port: '80', ip_hash: 'true', sticky_session_cookie: 's' },
      'com.docker.lb.ip_hash',
      /cannot be combined/,
    ],
    [
      { hosts: 'a.example', port: '80', backend_mode: 'vip', ip_hash: 'true' },
      'com.docker.lb.backend_mode',
      /vip/,
    ],
    [{ hosts: 'a.example', port: '80', backend_mode: 'dns' }, 'com.docker.lb.backend_mode', /task or vip/],
    [
      { hosts: 'a.example', port: '80', redirects: 'http://b.example,http://c.example' },
      'com.docker.lb.redirects',
      /not in com\.docker\.lb\.hosts/,
    ],
    [
      { hosts: 'a.example', port: '80', redirects: 'http://a.example' },
      'com.docker.lb.redirects',
      /source,target/,
    ],
    [
      { hosts: 'a.example', port: '80', redirects: 'http://a.example,javascript:x' },
      'com.docker.lb.redirects',
      /target/,
    ],
    [
      { hosts: 'a.example', port: '80', context_root: '/app', websocket_endpoints: '/ws' },
      'com.docker.lb.websocket_endpoints',
      /under/,
    ],
    [
      { hosts: 'a.example', port: '80', default_backend: 'maybe' },
      'com.docker.lb.default_backend',
      /boolean/,
    ],
    [
      { hosts: 'a.example', port: '80', service_cluster: 'us east' },
      'com.docker.lb.service_cluster',
      /cluster name/,
    ],
    [
      { hosts: `${'a'.repeat(5000)}.example`, port: '80' },
      'com.docker.lb.hosts',
      /5008 characters, more than the limit of 4096/,
    ],
    [
      { hosts: 'a.example', port: '80', ssl_cert: 'c', 'io.signalbox.hsts': 'max-age=1; add_header X 1' },
      'io.signalbox.hsts',
      /must be "max-age=<seconds>"/,
    ],
    [
      { hosts: 'a.example', port: '80', 'io.signalbox.hsts': 'max-age=600' },
      'io.signalbox.hsts',
      /needs com\.docker\.lb\.ssl_cert: the proxy adds the header only to TLS it terminates/,
    ],
    [
      { hosts: 'a.example', port: '80', ssl_passthrough: 'true', 'io.signalbox.hsts': 'max-age=600' },
      'io.signalbox.hsts',
      /needs com\.docker\.lb\.ssl_cert/,
    ],
  ])('rejects %j naming the service, label and value', (l, label, reason) => {
    const errors = errorsOf(parse({ name: 'svc', labels: l }));
    const hit = errors.find((e) => e.label === label);
    expect(hit?.message).toMatch(reason);
    expect(hit?.message).toMatch(/^service svc: label /);
  });

  it('reads io.signalbox.hsts into the route of a service that terminates TLS', () => {
    const r = parse({
      name: 'svc',
      labels: {
        hosts: 'a.example',
        port: '80',
        ssl_cert: 'c',
        'io.signalbox.hsts': 'max-age=600; includeSubDomains',
      },
    });
    expect(r.kind === 'route' && r.spec.hsts).toEqual({
      maxAge: 600,
      includeSubDomains: true,
      preload: false,
    });
  });

  it('reports every bad label of a service at once', () => {
    const errors = errorsOf(parse({ name: 'svc', labels: { hosts: 'a;b', port: '0', context_root: 'x' } }));
    expect(errors.map((e) => e.label).sort()).toEqual([
      'com.docker.lb.context_root',
      'com.docker.lb.hosts',
      'com.docker.lb.port',
    ]);
  });

  it('refuses TLS secrets that do not exist when the snapshot lists secrets', () => {
    const errors = errorsOf(
      parse({ name: 'svc', labels: { hosts: 'a.example', port: '80', ssl_cert: 'missing' } }, ['other']),
    );
    expect(errors[0]?.message).toMatch(/names no existing Docker secret/);
  });

  it('asks for the network label when the service has several networks', () => {
    const errors = errorsOf(
      parse({ name: 'svc', networks: ['a', 'b'], labels: { hosts: 'a.example', port: '80' } }),
    );
    expect(errors[0]?.message).toMatch(/attached to 2 networks \(a, b\)/);
  });

  it('warns about unknown lb labels without rejecting the service', () => {
    const r = parse({
      name: 'svc',
      labels: { hosts: 'a.example', port: '80', ssl_backend: 'true', hostz: 'x' },
    });
    expect(r.kind).toBe('route');
    expect(r.warnings).toEqual(['service svc: unknown label com.docker.lb.hostz is ignored']);
  });
});
