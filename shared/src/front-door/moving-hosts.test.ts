import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot } from '../../../testing/engine-fixtures.js';
import { loadConfig } from '../config/index.js';
import { buildDesiredState } from '../desired/index.js';
import { parseSnapshot } from '../swarm/index.js';
import { frontDoorChoice, keepWhileMoving } from './moving-hosts.js';

const CONFIG = loadConfig(`[Extensions.east]
ServiceCluster = "east"
[Extensions.west]
ServiceCluster = "west"
[Extensions.north]
ServiceCluster = "north"
`).config;

function desiredWith(shopCluster: string, keep?: Map<string, Set<string>>) {
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
  return buildDesiredState(snapshot, CONFIG, { keep });
}

const hostsOf = (d: ReturnType<typeof desiredWith>, cluster: string) =>
  d.clusters.find((c) => c.cluster === cluster)?.model.virtualHosts.map((v) => v.host) ?? [];

/** `serves` as the coordinator answers it: a cluster serves the hosts of the version its replicas run. */
const servesFrom =
  (running: Map<string, ReturnType<typeof desiredWith>>) =>
  (cluster: string, host: string): boolean => {
    const version = running.get(cluster);
    return version !== undefined && hostsOf(version, cluster).includes(host);
  };

/** Every service may be kept anywhere (the coordinator answers from where each service was). */
const anywhere = () => true;

describe('make before break for an app that moves to another cluster', () => {
  it('keeps the moving app in the cluster the front door still uses, and only that app', () => {
    const door = new Map([
      ['shop.example.org', 'east'],
      ['blog.example.org', 'east'],
    ]);
    const moved = desiredWith('west');
    const keep = keepWhileMoving(moved, [door], anywhere);
    expect([...keep]).toEqual([['shop', new Set(['east'])]]);
    const during = desiredWith('west', keep);
    expect(hostsOf(during, 'east').sort()).toEqual(['blog.example.org', 'shop.example.org']);
    expect(hostsOf(during, 'west')).toEqual(['shop.example.org']);
    // East serves exactly what it served before the move: it needs no new config while shop moves.
    expect(during.clusters.find((c) => c.cluster === 'east')?.version).toBe(
      desiredWith('east').clusters.find((c) => c.cluster === 'east')?.version,
    );
  });

  it('switches the front door only once the new cluster serves the host', () => {
    const door = new Map([['shop.example.org', 'east']]);
    const keep = keepWhileMoving(desiredWith('west'), [door], anywhere);
    const during = desiredWith('west', keep);
    // West still runs its version from before the move, which has no route for shop.
    const before = servesFrom(new Map([['west', desiredWith('east')]]));
    expect(frontDoorChoice(during, before, [door], keep).get('shop.example.org')).toBe('east');
    const after = servesFrom(new Map([['west', during]]));
    expect(frontDoorChoice(during, after, [door], keep).get('shop.example.org')).toBe('west');
    // Blog never moved: it stays where it is planned.
    expect(frontDoorChoice(during, before, [door], keep).get('blog.example.org')).toBe('east');
  });

  it('lets the old cluster drop the route only when every front door replica sends the host to the new one', () => {
    const moved = desiredWith('west');
    const switched = new Map([['shop.example.org', 'west']]);
    const lagging = new Map([['shop.example.org', 'east']]);
    expect([...keepWhileMoving(moved, [switched, lagging], anywhere)]).toEqual([['shop', new Set(['east'])]]);
    const keep = keepWhileMoving(moved, [switched], anywhere);
    expect(keep.size).toBe(0);
    expect(hostsOf(desiredWith('west', keep), 'east')).toEqual(['blog.example.org']);
  });

  it('sends a new host to its planned cluster at once, and keeps nothing without a front door report', () => {
    const d = desiredWith('west');
    expect(frontDoorChoice(d, () => false, [], new Map()).get('shop.example.org')).toBe('west');
    expect(keepWhileMoving(d, [], anywhere).size).toBe(0);
  });

  it('ignores a cluster that no longer exists', () => {
    const gone = new Map([['shop.example.org', 'south']]);
    const keep = keepWhileMoving(desiredWith('west'), [gone], anywhere);
    expect(keep.size).toBe(0);
    expect(frontDoorChoice(desiredWith('west'), () => false, [gone], keep).get('shop.example.org')).toBe(
      'west',
    );
  });

  it('keeps every cluster some replica still uses when a second move starts before the first settled', () => {
    // One replica switched to west, another still sends shop to east; shop is now relabelled to north.
    const views = [new Map([['shop.example.org', 'west']]), new Map([['shop.example.org', 'east']])];
    const relabelled = desiredWith('north');
    const keep = keepWhileMoving(relabelled, views, anywhere);
    expect(keep.get('shop')).toEqual(new Set(['west', 'east']));
    const during = desiredWith('north', keep);
    expect(hostsOf(during, 'east')).toContain('shop.example.org');
    expect(hostsOf(during, 'west')).toContain('shop.example.org');
    expect(['west', 'east']).toContain(
      frontDoorChoice(during, () => false, views, keep).get('shop.example.org'),
    );
  });

  it('does not keep a service in a cluster it never was in (a host passed to another service)', () => {
    const door = new Map([['shop.example.org', 'east']]);
    const keep = keepWhileMoving(
      desiredWith('west'),
      [door],
      (service, cluster) => service === 'shop' && cluster === 'west',
    );
    expect(keep.size).toBe(0);
  });
});
