import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { parseSnapshot } from '../swarm/index.js';
import { assembleCluster } from './assemble-cluster.js';
import { buildRoutes } from './build-routes.js';
import { routesForCluster } from './select-cluster.js';

const L = 'com.docker.lb.';
const svc = (
  name: string,
  createdAt: string,
  labels: Record<string, string>,
  replicas = 1,
): FixtureService => ({
  name,
  createdAt,
  replicas,
  networks: [`${name}-net`],
  labels: Object.fromEntries(Object.entries({ port: '80', ...labels }).map(([k, v]) => [L + k, v])),
});

function assemble(services: FixtureService[], cluster = '') {
  const routes = buildRoutes(parseSnapshot(buildEngineSnapshot(services)).snapshot);
  return assembleCluster(cluster, routesForCluster(routes.routes, cluster));
}

describe('assembleCluster', () => {
  it('pools the targets of services that share a host and path, by task count', () => {
    const m = assemble([
      svc('v1', '2026-01-01', { hosts: 'app.test' }, 4),
      svc('v2', '2026-02-01', { hosts: 'app.test' }, 1),
    ]);
    expect(m.httpPools).toHaveLength(1);
    expect(m.httpPools[0]?.services).toEqual(['v1', 'v2']);
    expect(m.httpPools[0]?.targets).toHaveLength(5);
    expect(m.networks.map((n) => n.name)).toEqual(['v1-net', 'v2-net']);
  });

  it('keeps a host for the older service when a newer one disagrees, whatever the input order', () => {
    const older = svc('owner', '2026-01-01', { hosts: 'shop.test' });
    const newer = svc('hijack', '2026-03-01', { hosts: 'shop.test', ssl_passthrough: 'true' });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const m = assemble(order);
      expect(m.conflicts).toEqual([
        expect.objectContaining({ kind: 'host', host: 'shop.test', kept: 'owner', dropped: 'hijack' }),
      ]);
      expect(m.passthroughHosts).toEqual([]);
      expect(m.services).toEqual(['owner']);
      expect(m.networks.map((n) => n.name)).toEqual(['owner-net']);
    }
  });

  it('drops a newer service only from the path it disagrees on', () => {
    const m = assemble([
      svc('a', '2026-01-01', { hosts: 'x.test', sticky_session_cookie: 'sid' }),
      svc('b', '2026-02-01', { hosts: 'x.test,y.test', ip_hash: 'true' }),
    ]);
    expect(m.conflicts.map((c) => [c.kind, c.host, c.kept, c.dropped])).toEqual([
      ['pool', 'x.test', 'a', 'b'],
    ]);
    expect(m.virtualHosts.map((v) => v.host)).toEqual(['x.test', 'y.test']);
    expect(m.services).toEqual(['a', 'b']);
  });

  it('routes different paths of one host to different services', () => {
    const m = assemble([
      svc('site', '2026-01-01', { hosts: 'x.test' }),
      svc('api', '2026-01-02', { hosts: 'x.test', context_root: '/api', websocket_endpoints: '/api/ws' }),
    ]);
    expect(m.virtualHosts[0]?.locations.map((l) => [l.path, l.websocket])).toEqual([
      ['/', false],
      ['/api', false],
      ['/api/ws', true],
    ]);
  });

  it('keeps one default backend, the oldest', () => {
    const m = assemble([
      svc('first', '2026-01-01', { default_backend: 'true' }),
      svc('second', '2026-02-01', { default_backend: 'true' }),
    ]);
    expect(m.defaultBackend?.service).toBe('first');
    expect(m.conflicts.map((c) => [c.kind, c.kept, c.dropped])).toEqual([
      ['default-backend', 'first', 'second'],
    ]);
  });

  it('serves pinned apps only in their cluster and unpinned ones in the default cluster', () => {
    const services = [
      svc('east', '2026-01-01', { hosts: 'e.test', service_cluster: 'east' }),
      svc('any', '2026-01-01', { hosts: 'a.test' }),
    ];
    expect(assemble(services, 'east').services).toEqual(['east']);
    expect(assemble(services, '').services).toEqual(['any']);
  });

  it('gives a host the HSTS of its owner, and leaves out a newer service that asks for another', () => {
    const tls = { hosts: 'x.test', ssl_cert: 'x.pem' };
    const owner = svc('owner', '2026-01-01', tls);
    owner.labels = { ...owner.labels, 'io.signalbox.hsts': 'max-age=600' };
    const m = assemble([owner, svc('other', '2026-02-01', tls)]);
    expect(m.virtualHosts.map((v) => v.hsts)).toEqual([
      { maxAge: 600, includeSubDomains: false, preload: false },
    ]);
    expect(m.conflicts.map((c) => [c.kind, c.host, c.kept, c.dropped])).toEqual([
      ['host', 'x.test', 'owner', 'other'],
    ]);
    expect(m.conflicts[0]?.reason).toMatch(/other TLS, HSTS, ssl_only or redirect settings/);
  });

  it('lists the TLS secrets the proxy must mount', () => {
    const m = assemble([svc('s', '2026-01-01', { hosts: 's.test', ssl_cert: 's.crt', ssl_key: 's.key' })]);
    expect(m.secrets).toEqual(['s.crt', 's.key']);
  });
});
