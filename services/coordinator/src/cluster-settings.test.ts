import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index.js';
import { desiredFixture, routedApp } from '../../../testing/desired-fixture.js';
import { ClusterSettings } from './cluster-settings.js';

const CONFIG = `[Extensions.east]
ServiceCluster = "east"
ProxyServiceName = "edge-east"
TargetPort = 8081
TargetSSLPort = 8444
PublishedSSLPort = 9443
[Extensions.east.Config]
MaxConnections = 2048
[Extensions.west]
ServiceCluster = "west"
`;

const { config, desired } = desiredFixture(
  [routedApp('web', 'web.example.org', { cluster: 'east', network: 'front' })],
  CONFIG,
);

describe('which extension settings apply to a cluster', () => {
  const settings = new ClusterSettings(config);

  it('a cluster in the desired state takes its own extension: proxy name, ports and Config table', () => {
    // Clients reach HTTPS on the front door's port while it is on (the default), else on the proxy's own.
    expect(config.FrontDoor.Enabled).toBe(true);
    expect(settings.configured(desired, 'east')?.ProxyServiceName).toBe('edge-east');
    expect(settings.proxyService(desired, 'east')).toBe('edge-east');
    expect(settings.view(desired, 'east')).toEqual({
      extension: 'east',
      settingsJson: JSON.stringify(config.Extensions.east?.Config),
      ports: { http: 8081, https: 8444, publishedHttps: config.FrontDoor.HTTPSPort },
      proxyService: 'edge-east',
    });
    expect(JSON.parse(settings.view(desired, 'east')?.settingsJson ?? '{}').MaxConnections).toBe(2048);
    const noDoor = loadConfig(`${CONFIG}[FrontDoor]\nEnabled = false\n`).config;
    expect(new ClusterSettings(noDoor).view(desired, 'east')?.ports.publishedHttps).toBe(9443);
  });

  it('a cluster the desired state does not know takes the first extension, and has no view for workers', () => {
    expect(settings.configured(desired, 'gone')).toBeUndefined();
    expect(settings.of(desired, 'gone')).toBe(config.Extensions.east);
    expect(settings.proxyService(undefined, 'gone')).toBe('edge-east');
    expect(settings.view(desired, 'gone')).toBeUndefined();
    expect(settings.view(undefined, 'east')).toBeUndefined();
  });

  it('prefers [Extensions.default], and without any extension uses Interlock defaults', () => {
    const withDefault = loadConfig(
      `${CONFIG}[Extensions.default]\nProxyServiceName = "the-default"\n`,
    ).config;
    expect(new ClusterSettings(withDefault).proxyService(desired, 'gone')).toBe('the-default');
    const none = new ClusterSettings(loadConfig('').config);
    expect(none.proxyService(undefined, 'blue')).toBe('signalbox-proxy-blue');
    expect(none.of(undefined, 'blue').TargetPort).toBe(80);
  });
});
