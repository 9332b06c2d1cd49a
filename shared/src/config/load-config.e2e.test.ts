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
    // Only the extension service's settings, Interlock's proxy image and SSLVerify are not applied as written,
    // and UCP's SSLCiphers and SSLProtocols replace the TLS profile (kept, but said).
    expect(warnings.map((w) => w.split(':')[1]?.trim())).toEqual([
      'Extensions.default',
      'Extensions.default',
      'Extensions.default.Config',
      'Extensions.default.Config',
    ]);
    expect(warnings.at(-1)).toContain('SSLCiphers "HIGH:!aNULL:!MD5", SSLProtocols "TLSv1.2" replace');
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
      'config: unknown key Extensions.east.Config.Nope is ignored: neither Interlock nor Signalbox has this key',
      'config: unknown key Extensions.east.ShinyNew is ignored: neither Interlock nor Signalbox has this key',
      'config: unknown key FutureKey is ignored: neither Interlock nor Signalbox has this key',
    ]);
  });

  it('matches keys ignoring case, as BurntSushi/toml does, but keeps the case of extension and label names', () => {
    const { config, warnings } = loadConfig(
      'pollinterval = "7s"\n[extensions.East]\nSERVICECLUSTER = "east"\n[extensions.East.ProxyLabels]\nRegion = "x"\n' +
        '[extensions.East.config]\nRlimitNoFile = 1000\nmaxconnections = 10\n',
    );
    expect(warnings).toEqual([]);
    expect(config.PollInterval).toBe('7s');
    expect(config.Extensions.East).toMatchObject({
      ServiceCluster: 'east',
      ProxyLabels: { Region: 'x' },
      Config: { RLimitNoFile: 1000, MaxConnections: 10 },
    });
  });

  it('treats keys named like Object.prototype members as unknown', () => {
    const { warnings } = loadConfig('constructor = 1\n[Extensions.a]\ntoString = "x"\n');
    expect(warnings.sort()).toEqual([
      'config: unknown key Extensions.a.toString is ignored: neither Interlock nor Signalbox has this key',
      'config: unknown key constructor is ignored: neither Interlock nor Signalbox has this key',
    ]);
  });

  it('refuses two spellings of one key', () => {
    expect(() => loadConfig('[Extensions.a.Config]\nRLimitNoFile = 1\nRlimitNoFile = 2\n')).toThrow(
      'config: Extensions.a.Config.RlimitNoFile and Extensions.a.Config.RLimitNoFile set the same key RLimitNoFile',
    );
  });

  it.each([
    ['docker/ucp-interlock-proxy:3.2.5', undefined],
    ['{{ page.ucp_org }}/ucp-interlock-proxy:{{ page.ucp_version }}', undefined],
    ['interlockpreview/nginx:2.0.0-preview', undefined],
    ['registry.example.org/mirror/interlock-proxy@sha256:00', undefined],
    ['registry.example.org/signalbox/proxy:1.2', 'registry.example.org/signalbox/proxy:1.2'],
  ])('ProxyImage %j becomes %j', (image, expected) => {
    const { config, warnings } = loadConfig(`[Extensions.a]\nProxyImage = "${image}"\n`);
    expect(config.Extensions.a?.ProxyImage).toBe(expected);
    expect(warnings).toEqual(
      expected
        ? []
        : [
            "config: Extensions.a: ProxyImage replaced: names Interlock's proxy image; Signalbox's proxy image is used instead, as its proxies need Signalbox's agent and nginx modules",
          ],
    );
  });

  it.each(['nginx:alpine', 'nginx', 'docker.io/library/nginx:1.25', 'nginx@sha256:00'])(
    'warns that ProxyImage %j, a stock nginx, cannot run a Signalbox proxy, and keeps it',
    (image) => {
      const { config, warnings } = loadConfig(`[Extensions.a]\nProxyImage = "${image}"\n`);
      expect(config.Extensions.a?.ProxyImage).toBe(image);
      expect(warnings).toEqual([
        expect.stringMatching(/^config: Extensions\.a: ProxyImage .* is a stock nginx image/),
      ]);
    },
  );

  it('does not take an image merely named like nginx for the stock one', () => {
    expect(
      loadConfig('[Extensions.a]\nProxyImage = "registry.example.org/team/nginx-signalbox:1"\n').warnings,
    ).toEqual([]);
  });

  it('warns about ignored and replaced keys with the reason, once per table and reason, unless empty', () => {
    const { warnings } = loadConfig(
      'TLSCACert = "/ca.pem"\nTLSCert = "/cert.pem"\nAllowInsecure = false\nEndpointOverride = ""\n' +
        '[Extensions.a]\nTemplate = "my-template"\nHitlessServiceUpdate = true\n' +
        '[Extensions.a.Config]\nSSLOpts = ""\nAdminUser = "admin"\nAdminPass = "secret"\n',
    );
    expect(warnings).toEqual([
      'config: TLSCACert, TLSCert ignored: Signalbox reaches the Docker API at DockerURL without TLS client certificates (use the manager socket)',
      "config: Extensions.a: Template ignored: Signalbox renders nginx config with its own renderer; Interlock's extension templates (Go text/template) cannot be applied",
      'config: Extensions.a: HitlessServiceUpdate replaced: Signalbox always applies new config without replacing proxy tasks: proxy agents apply it in place with a graceful reload',
      "config: Extensions.a.Config: AdminUser, AdminPass ignored: HAProxy statistics credentials; Interlock's nginx extension did not use them either",
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
    [
      `[Extensions.east.Config]\nMainLogFormat = "'x'; } server { listen 1; } http { log_format y 'z'"`,
      /^config: Extensions\.east\.Config\.MainLogFormat: ";" is only allowed inside quotes/,
    ],
    [
      `[Extensions.east.Config]\nTraceLogFormat = "'x' } server {"`,
      /^config: Extensions\.east\.Config\.TraceLogFormat: "}" is only allowed inside quotes/,
    ],
    ['[Extensions.east.Config]\nTLSProfile = "strict"', /^config: Extensions\.east\.Config\.TLSProfile: /],
    [
      '[Extensions.east.Config]\nHSTS = "max-age=1\\" always; add_header X 1; #"',
      /^config: Extensions\.east\.Config\.HSTS: must be "max-age=<seconds>"/,
    ],
    [
      '[Extensions.east.Config]\nHSTS = "max-age=100; preload"',
      /^config: Extensions\.east\.Config\.HSTS: asks for preload/,
    ],
  ])('refuses %j with the key path', (toml, message) => {
    expect(() => loadConfig(toml)).toThrow(message);
  });

  it('uses the intermediate TLS profile unless told otherwise: no Interlock cipher or protocol default masks it', () => {
    const nginx = loadConfig('[Extensions.a]\nServiceCluster = "a"\n').config.Extensions.a?.Config;
    expect(nginx).toMatchObject({ TLSProfile: 'intermediate' });
    expect(nginx?.SSLCiphers).toBeUndefined();
    expect(nginx?.SSLProtocols).toBeUndefined();
    expect(nginx?.HSTS).toBeUndefined();
  });

  it('keeps an explicit SSLCiphers or SSLProtocols and says what it replaces', () => {
    const { config, warnings } = loadConfig(
      '[Extensions.a.Config]\nTLSProfile = "modern"\nSSLProtocols = "TLSv1.2 TLSv1.3"\nHSTS = "max-age=600"\n',
    );
    expect(config.Extensions.a?.Config).toMatchObject({
      TLSProfile: 'modern',
      SSLProtocols: 'TLSv1.2 TLSv1.3',
      HSTS: 'max-age=600',
    });
    expect(warnings).toEqual([
      'config: Extensions.a.Config: SSLProtocols "TLSv1.2 TLSv1.3" replaces what TLSProfile "modern" sets (UCP writes HIGH:!aNULL:!MD5 and TLSv1.2 into its config.toml by default; remove it to use the profile)',
    ]);
  });
});
