import { describe, expect, it } from 'vitest';
import type { DesiredState } from '#shared/desired/index.js';
import type { FrontDoorCluster } from '#shared/front-door/index.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import { desiredFixture, routedApp } from '../../../../testing/desired-fixture.js';
import { type FrontDoorInput, FrontDoorState } from './front-door-state.js';

/** A desired state of its own: the state caches by identity, so each call stands for a new pass. */
const desiredState = (): DesiredState => desiredFixture([routedApp('web', 'web.example.org')]).desired;

const cluster = (name: string, hosts: string[], tlsHosts: string[]): FrontDoorCluster => ({
  cluster: name,
  proxyService: `signalbox-proxy-${name}`,
  addresses: ['10.0.9.2'],
  httpPort: 80,
  tlsPort: 443,
  hosts,
  tlsHosts,
  defaultBackend: false,
});

/** Two clusters: `a.test` (HTTP and TLS) in east, `b.test` (HTTP only) in west. */
function input(desired: DesiredState, rendered: { count: number }): FrontDoorInput {
  return {
    desired,
    clusters: () => {
      rendered.count += 1;
      return [cluster('east', ['a.test'], ['a.test']), cluster('west', ['b.test'], [])];
    },
    chosen: new Map([
      ['a.test', 'east'],
      ['b.test', 'west'],
    ]),
  };
}

describe("the front door's state in the coordinator", () => {
  it('renders the TLS config and the host map once per desired state, however often agents ask', () => {
    const door = new FrontDoorState();
    const rendered = { count: 0 };
    const first = input(desiredState(), rendered);
    const tls = door.tlsConfig(first);
    expect(tls.sha).toBe(sha256Hex(tls.text));
    expect(tls.text).toContain('a.test');
    expect(door.tlsConfig(first)).toBe(tls);
    const hosts = door.hosts(first);
    expect(hosts.text).toContain('b.test');
    expect(door.hosts(first)).toBe(hosts);
    expect(rendered.count).toBe(2);
    door.hosts(input(desiredState(), rendered));
    expect(rendered.count).toBe(3);
    expect(door.httpConfig()).toBe(door.httpConfig());
    expect(door.httpConfig().text).not.toContain('a.test');
  });

  it('reads an agent report back as the view it runs: the TLS config vouches only for TLS hosts', () => {
    const door = new FrontDoorState();
    const state = input(desiredState(), { count: 0 });
    const tls = door.tlsConfig(state);
    const hosts = door.hosts(state);
    expect(door.report('10.0.9.5', 'tls', tls.sha)).toBe(true);
    expect(door.report('10.0.9.5', 'hosts', hosts.version)).toBe(true);
    const views = door.views().map((v) => Object.fromEntries(v));
    expect(views).toEqual([{ 'a.test': 'east' }, { 'a.test': 'east', 'b.test': 'west' }]);
    // The same report again changes nothing; one about something never rendered here is ignored.
    expect(door.report('10.0.9.5', 'tls', tls.sha)).toBe(false);
    expect(door.report('10.0.9.6', 'hosts', 'not-a-version-rendered-here')).toBe(false);
    expect(door.views()).toHaveLength(2);
  });

  it("forgets an agent's view once it has not reported for a minute", () => {
    let now = 1_000_000;
    const door = new FrontDoorState(() => now);
    const hosts = door.hosts(input(desiredState(), { count: 0 }));
    door.report('10.0.9.5', 'hosts', hosts.version);
    now += 60_000;
    expect(door.views()).toHaveLength(1);
    now += 1;
    expect(door.views()).toHaveLength(0);
  });
});
