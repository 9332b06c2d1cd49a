import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { buildDesiredState } from '../desired/index.js';
import { buildEngineSnapshot } from '../swarm/engine-fixtures.js';
import { parseSnapshot } from '../swarm/index.js';
import { frontDoorHosts, keepWhileMoving } from './moving-hosts.js';

const CONFIG = loadConfig(`[Extensions.east]
ServiceCluster = "east"
[Extensions.west]
ServiceCluster = "west"
`).config;

function desiredWith(shopCluster: string, keep?: Map<string, string>) {
  const json = buildEngineSnapshot([
    {
      name: 'shop',
      networks: ['front'],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': 'shop.example.org',
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': shopCluster,
      },
    },
    {
      name: 'blog',
      networks: ['front'],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': 'blog.example.org',
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': 'east',
      },
    },
  ]);
  const { snapshot } = parseSnapshot(JSON.parse(JSON.stringify(json)));
  return buildDesiredState(snapshot, CONFIG, undefined, undefined, keep);
}

const hostsOf = (d: ReturnType<typeof desiredWith>, cluster: string) =>
  d.clusters.find((c) => c.cluster === cluster)?.model.virtualHosts.map((v) => v.host) ?? [];

describe('make before break for an app that moves to another cluster', () => {
  it('keeps the moving app in the cluster the front door still uses, and only that app', () => {
    const served = new Map([
      ['shop.example.org', 'east'],
      ['blog.example.org', 'east'],
    ]);
    const moved = desiredWith('west');
    const keep = keepWhileMoving(moved, served);
    expect([...keep]).toEqual([['shop', 'east']]);
    const during = desiredWith('west', keep);
    expect(hostsOf(during, 'east').sort()).toEqual(['blog.example.org', 'shop.example.org']);
    expect(hostsOf(during, 'west')).toEqual(['shop.example.org']);
    // East serves exactly what it served before the move: it needs no new config while shop moves.
    expect(during.clusters.find((c) => c.cluster === 'east')?.version).toBe(
      desiredWith('east').clusters.find((c) => c.cluster === 'east')?.version,
    );
  });

  it('switches the front door only once the new cluster serves its desired version', () => {
    const served = new Map([['shop.example.org', 'east']]);
    const during = desiredWith('west', keepWhileMoving(desiredWith('west'), served));
    const west = during.clusters.find((c) => c.cluster === 'west')?.version ?? '';
    expect(frontDoorHosts(during, new Map(), served).get('shop.example.org')).toBe('east');
    expect(frontDoorHosts(during, new Map([['west', 'older']]), served).get('shop.example.org')).toBe('east');
    expect(frontDoorHosts(during, new Map([['west', west]]), served).get('shop.example.org')).toBe('west');
    // Once the front door runs the new mapping, nothing is kept and east drops the route.
    const after = keepWhileMoving(during, new Map([['shop.example.org', 'west']]));
    expect(after.size).toBe(0);
    expect(hostsOf(desiredWith('west', after), 'east')).toEqual(['blog.example.org']);
  });

  it('sends a new host to its planned cluster at once', () => {
    const d = desiredWith('west');
    expect(frontDoorHosts(d, new Map(), new Map()).get('shop.example.org')).toBe('west');
    expect(keepWhileMoving(d, new Map()).size).toBe(0);
  });
});
