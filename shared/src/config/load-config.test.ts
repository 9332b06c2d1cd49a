import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxTest } from '../../../testing/nginx-process.js';
import { renderCluster } from '../nginx/index.js';
import { assembleCluster } from '../routing/index.js';
import { loadConfig } from './load-config.js';

const ucp = readFileSync(join(import.meta.dirname, 'testdata', 'interlock-ucp-3.2.toml'), 'utf8');

describe('loadConfig', () => {
  it("loads UCP 3.2's Interlock config unchanged, and its settings render a config nginx accepts", async () => {
    const { config, warnings } = loadConfig(ucp);
    expect(warnings).toEqual([]);
    const ext = config.Extensions.default;
    expect(ext).toMatchObject({
      ProxyServiceName: 'ucp-interlock-proxy',
      ProxyReplicas: 2,
      PublishMode: 'ingress',
      PublishedPort: 8080,
      TargetPort: 80,
      PublishedSSLPort: 8443,
      TargetSSLPort: 443,
      ServiceCluster: '',
    });
    expect(ext?.Config).toMatchObject({
      MaxConnections: 1024,
      SSLProtocols: 'TLSv1.2',
      ClientMaxBodySize: '32m',
    });
    expect(ext?.Config.TraceLogFormat).toContain('$reqid');
    if (!ext) return;
    const nginxConf = renderCluster(assembleCluster('', []), {
      settings: ext.Config,
      ports: { http: ext.TargetPort, https: ext.TargetSSLPort, publishedHttps: ext.PublishedSSLPort },
      serverInfo: 'signalbox/test',
    });
    const check = await nginxTest(nginxConf);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('fills Interlock defaults for an empty file', () => {
    const { config } = loadConfig('');
    expect(config).toMatchObject({ ListenAddr: ':8080', PollInterval: '3s', Extensions: {} });
  });

  it('warns about unknown keys at any depth and still loads', () => {
    const { config, warnings } = loadConfig(
      'FutureKey = 1\n[Extensions.east]\nServiceCluster = "east"\nShinyNew = true\n[Extensions.east.Config]\nNope = "x"\n',
    );
    expect(config.Extensions.east?.ServiceCluster).toBe('east');
    expect(warnings.sort()).toEqual([
      'config: unknown key Extensions.east.Config.Nope is ignored',
      'config: unknown key Extensions.east.ShinyNew is ignored',
      'config: unknown key FutureKey is ignored',
    ]);
  });

  it.each([
    [
      '[Extensions.east.Config]\nMaxConnections = "many"',
      /^config: Extensions\.east\.Config\.MaxConnections: /,
    ],
    ['[Extensions.east]\nPublishMode = "bridge"', /^config: Extensions\.east\.PublishMode: /],
    [
      '[Extensions.east.Config]\nClientMaxBodySize = "1m; evil"',
      /^config: Extensions\.east\.Config\.ClientMaxBodySize: must be a size/,
    ],
    [
      '[Extensions.east.Config]\nSSLCiphers = "HIGH; include /etc/passwd"',
      /SSLCiphers: must be an OpenSSL cipher list/,
    ],
    ['ListenAddr = ', /^config: invalid TOML at line 1/],
  ])('refuses %j with the key path', (toml, message) => {
    expect(() => loadConfig(toml)).toThrow(message);
  });
});
