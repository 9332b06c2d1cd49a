import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index.js';
import { buildDesiredState } from '#shared/desired/index.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { buildEngineSnapshot, type FixtureService } from '../../../../testing/engine-fixtures.js';
import { renderFixture } from '../../../../testing/render-fixture.js';
import { renderTopologySvg } from '../dashboard/topology-svg.js';
import { explainHost, serverBlockOf } from './route-views.js';

const CONFIG = `[Extensions.east]
ServiceCluster = "east"
[Extensions.west]
ServiceCluster = "west"
`;

function desiredOf(services: FixtureService[]) {
  const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services))));
  return { snapshot, desired: buildDesiredState(snapshot, loadConfig(CONFIG).config) };
}

const app = (name: string, host: string, network: string, cluster: string): FixtureService => ({
  name,
  networks: [network],
  replicas: 1,
  labels: {
    'com.docker.lb.hosts': host,
    'com.docker.lb.port': '8080',
    'com.docker.lb.service_cluster': cluster,
  },
});

describe('topology drawing', () => {
  it('draws every app, cluster and network, with one edge per app and per network a proxy joins', () => {
    const { desired } = desiredOf([
      app('web', 'web.example.org', 'front', 'east'),
      app('api', 'api.example.org', 'front', 'west'),
      app('db-admin', 'admin.example.org', 'back', 'west'),
    ]);
    const svg = renderTopologySvg(desired);
    const ids = (kind: string) =>
      [...svg.matchAll(new RegExp(`<g class="${kind}" data-id="([^"]*)"`, 'g'))].map((m) => m[1]);
    expect(ids('app').sort()).toEqual(['api', 'db-admin', 'web']);
    expect(ids('cluster')).toEqual(['east', 'west']);
    expect(ids('network')).toEqual(['back', 'front']);
    // 3 app→cluster edges; east joins front, west joins front and back.
    expect(svg.match(/<path /g)).toHaveLength(6);
    // Two proxies join "front": the drawing says so, since each join slows both proxies' updates.
    expect(svg).toContain('>front ×2</text>');
    expect(svg).toContain('max networks per proxy 2');
  });

  it('escapes what it draws and groups apps per cluster past 120 apps', () => {
    const many = Array.from({ length: 130 }, (_, i) =>
      app(`app${i}`, `h${i}.example.org`, `n${i % 3}`, i % 2 ? 'east' : 'west'),
    );
    const svg = renderTopologySvg(desiredOf(many).desired);
    expect([...svg.matchAll(/<g class="app"/g)]).toHaveLength(2);
    expect(svg).toContain('>65 apps</text>');
    const empty = renderTopologySvg(undefined);
    expect(empty).toContain('no desired state yet');
    expect(empty).not.toMatch(/<g class=/);
  });
});

describe('explain', () => {
  it('finds the route by host and path prefix, lists its tasks, and shows its server block', () => {
    const { desired, snapshot } = desiredOf([
      {
        ...app('web', 'web.example.org', 'front', 'east'),
        replicas: 2,
        extraTasks: [{ state: 'starting', desiredState: 'running' }],
      },
    ]);
    const res = explainHost(
      desired,
      snapshot,
      'WEB.example.org',
      '/a/b',
      (c) =>
        renderFixture({ services: [app('web', 'web.example.org', 'front', 'east')], cluster: c.cluster })
          .config,
    );
    expect(res.routes?.map((r) => r.cluster)).toEqual(['east']);
    expect(res.tasks?.map((t) => [t.state, t.target]).sort()).toEqual([
      ['running', true],
      ['running', true],
      ['starting', false],
    ]);
    expect(res.serverBlock).toContain('server_name web.example.org;');
    expect(explainHost(desired, snapshot, 'other.example.org', '/', () => '').routes).toEqual([]);
  });

  it('names the label errors of a rejected service that asked for the host', () => {
    const { desired, snapshot } = desiredOf([
      {
        name: 'bad',
        networks: ['front'],
        replicas: 1,
        labels: { 'com.docker.lb.hosts': 'bad.example.org', 'com.docker.lb.port': 'eighty' },
      },
    ]);
    const res = explainHost(desired, snapshot, 'bad.example.org', '/', () => '');
    expect(res.routes).toEqual([]);
    expect(res.labelErrors?.join()).toMatch(/service bad.*com\.docker\.lb\.port.*"eighty"/);
  });

  it('cuts the server block of one host out of a rendered config', () => {
    const { config } = renderFixture({
      services: ['a', 'b'].map((n) => ({
        name: n,
        networks: ['front'],
        replicas: 1,
        labels: { 'com.docker.lb.hosts': `${n}.example.org`, 'com.docker.lb.port': '8080' },
      })),
    });
    const block = serverBlockOf(config, 'b.example.org');
    expect(block.startsWith('  server {\n')).toBe(true);
    expect(block.endsWith('\n  }\n')).toBe(true);
    expect(block).toContain('server_name b.example.org;');
    expect(block).not.toContain('a.example.org');
    expect(serverBlockOf(config, 'c.example.org')).toBe('');
  });
});
