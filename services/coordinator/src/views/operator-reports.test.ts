import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index.js';
import { buildDesiredState } from '#shared/desired/index.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { buildEngineSnapshot, type FixtureService } from '../../../../testing/engine-fixtures.js';
import { clusterStatus, comparePlans } from './operator-reports.js';

const config = loadConfig(`[Extensions.east]
ServiceCluster = "east"
[Extensions.west]
ServiceCluster = "west"
`).config;

const app = (name: string, cluster: string): FixtureService => ({
  name,
  networks: [`${name}-net`],
  replicas: 1,
  labels: {
    'com.docker.lb.hosts': `${name}.example.org`,
    'com.docker.lb.port': '8080',
    'com.docker.lb.service_cluster': cluster,
  },
});

const desiredOf = (services: FixtureService[]) =>
  buildDesiredState(
    parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services)))).snapshot,
    config,
  );

describe('what operators are shown', () => {
  it('a fresh plan lists every app it moves, sorted, with where from and to', () => {
    const current = desiredOf([app('web', 'east'), app('api', 'east'), app('db', 'west')]);
    const fresh = desiredOf([app('web', 'west'), app('api', 'west'), app('db', 'west')]);
    const change = comparePlans(current, fresh, false);
    expect(change.moves?.map(({ service, from, to }) => [service, from, to])).toEqual([
      ['api', 'east', 'west'],
      ['web', 'east', 'west'],
    ]);
    expect(change.applied).toBe(false);
    expect(change.before?.maxNetworksPerProxy).toBe(2);
    expect(change.after?.maxNetworksPerProxy).toBe(3);
    expect(comparePlans(current, current, true).moves).toEqual([]);
  });

  describe("a cluster's status", () => {
    const desired = desiredOf([app('web', 'east'), app('api', 'east')]);
    const [east] = desired.clusters;
    if (!east) throw new Error('the fixture plans one cluster');
    const rollout = (serving: number): Rollout => ({
      configName: 'cfg-1',
      tasksServing: serving,
      tasksDesired: 2,
      tasksRunning: 2,
    });
    const now = 100_000;
    const status = (r: Rollout | undefined, liveConfig: string) =>
      clusterStatus(
        east,
        {
          proxyService: 'signalbox-proxy-east',
          rollout: r,
          live: { version: east.version, config: liveConfig, at: new Date(now - 1_000).toISOString() },
          since: now - 4_000,
          jobRetry: 'retrying, attempt 2, last error: timeout',
        },
        now,
      );

    it('is in sync once the recorded version is desired, its config is the proxy one, and every replica serves', () => {
      expect(status(rollout(2), 'cfg-1')).toMatchObject({
        name: 'east',
        inSync: true,
        liveVersion: east.version,
        behindSeconds: 0,
        jobRetry: '',
        services: 2,
        networks: 2,
      });
    });

    it('is behind, saying since when and why the job retries, otherwise', () => {
      expect(status(rollout(1), 'cfg-1')).toMatchObject({ inSync: false, behindSeconds: 4 });
      // A record for a config the proxy no longer runs (rolled back) is no live version.
      expect(status(rollout(2), 'cfg-0')).toMatchObject({
        inSync: false,
        liveVersion: '',
        liveConfig: 'cfg-1',
      });
      expect(status(undefined, 'cfg-1')).toMatchObject({
        inSync: false,
        rollout: null,
        jobRetry: 'retrying, attempt 2, last error: timeout',
      });
    });
  });
});
