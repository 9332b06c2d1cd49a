import { readFile } from 'node:fs/promises';
import type { Server as NetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import { startTestDns, type TestDns } from '../../../testing/dns-server.js';
import { get, tlsGreeting, websocketEcho } from '../../../testing/http-client.js';
import { nginxTest, type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import { steadyLoad } from '../../../testing/steady-load.js';
import {
  closeAll,
  type EchoReply,
  freePort,
  startEchoUpstream,
  startProxyProtocolTlsUpstream,
} from '../../../testing/upstreams.js';
import { healthUrl } from '../nginx/internal-endpoints.js';
import {
  defaultFrontDoorOptions,
  type FrontDoorCluster,
  renderFrontDoor,
  renderFrontDoorHosts,
  renderFrontDoorTls,
} from './render-front-door.js';

/**
 * Real nginx running the front door's two configs (HTTP and TLS instances) on loopback, its host map (hosts and proxy task addresses)
 * pushed to its local endpoint as the agent does. The cluster proxies are small local servers on loopback
 * "task IPs"; for TLS, a test DNS server answers `tasks.<proxy>` as Docker's DNS does in a container.
 */
const PROXY_HTTP = await freePort();
const PROXY_TLS = await freePort();
const ports = {
  http: await freePort(),
  https: await freePort(),
  push: await freePort(),
  noProxy: await freePort(),
  status: await freePort(),
};

/** 127.0.9.3 is an east task that is gone (nothing listens): connections to it are refused. */
const TASKS: Record<string, string[]> = { east: ['127.0.9.3', '127.0.9.1'], west: ['127.0.9.2'] };

const cluster = (
  name: string,
  hosts: string[],
  tlsHosts: string[] = [],
  defaultBackend = false,
): FrontDoorCluster => ({
  cluster: name,
  proxyService: `${name}-proxy`,
  addresses: TASKS[name] ?? [],
  httpPort: PROXY_HTTP,
  tlsPort: PROXY_TLS,
  hosts,
  tlsHosts,
  defaultBackend,
});

const clusters = [
  cluster('east', ['shop.test', '*.wild.test', 'default']),
  cluster('west', ['blog.test', 'vault.test', 'shop.test'], ['vault.test']),
];

/** What the agent does: POST the host map to nginx's local endpoint, which answers the version it took. */
async function pushHosts(map: { version: string; text: string }): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${ports.push}/_signalbox/targets`, {
    method: 'POST',
    body: map.text,
  });
  expect((await res.text()).trim()).toBe(map.version);
}

let dns: TestDns;
let nginx: RunningNginx | undefined;
let nginxTls: RunningNginx | undefined;
const servers: NetServer[] = [];
let vaultCa = '';
let healthBeforeMap = 0;

const backendOf = async (host: string): Promise<string> => {
  const reply = await get(ports.http, host, '/x');
  return reply.status === 200 ? (JSON.parse(reply.body) as EchoReply).backend : `status ${reply.status}`;
};

beforeAll(async () => {
  dns = await startTestDns();
  const vaultPem = await selfSignedCertificate('vault.test');
  vaultCa = vaultPem.cert;
  servers.push(await startEchoUpstream('127.0.9.1', PROXY_HTTP, 'east.1'));
  servers.push(await startEchoUpstream('127.0.9.2', PROXY_HTTP, 'west.1'));
  servers.push(await startProxyProtocolTlsUpstream('127.0.9.2', PROXY_TLS, 'west.1', vaultPem));
  dns.records.set('tasks.west-proxy', ['127.0.9.2']);
  const options = {
    ...defaultFrontDoorOptions(),
    httpPort: ports.http,
    httpsPort: ports.https,
    pushPort: ports.push,
    noProxyPort: ports.noProxy,
    statusPort: ports.status,
    resolver: dns.address,
  };
  // The push endpoint answers from the start; the health check only once a host map is in.
  nginx = await startNginx(renderFrontDoor(options), {}, `http://127.0.0.1:${ports.push}/_signalbox/targets`);
  nginxTls = await startNginx(renderFrontDoorTls(clusters, options), {}, { tcpPort: ports.https });
  healthBeforeMap = (await fetch(healthUrl(ports.status))).status;
  await pushHosts(renderFrontDoorHosts(clusters));
});

afterAll(async () => {
  await nginx?.stop();
  await nginxTls?.stop();
  await closeAll(servers);
  await dns?.close();
});

describe('front door config', () => {
  it('passes nginx -t, holds only TLS hosts (map keywords escaped), and lets the first cluster keep a shared host', async () => {
    const tlsKeyword = [cluster('east', ['default'], ['default']), ...clusters];
    const config = renderFrontDoorTls(tlsKeyword, defaultFrontDoorOptions());
    expect(await nginxTest(config)).toMatchObject({ ok: true });
    expect(await nginxTest(renderFrontDoor(defaultFrontDoorOptions()))).toMatchObject({ ok: true });
    expect(config).toContain(`\\default tasks.east-proxy:${PROXY_TLS};`);
    expect(config).toContain(`vault.test tasks.west-proxy:${PROXY_TLS};`);
    expect(config).not.toContain('blog.test');
    const map = renderFrontDoorHosts(clusters).text;
    expect(map).toContain('host:shop.test proxy:east-proxy\n');
    expect(map).not.toContain('host:shop.test proxy:west-proxy');
    expect(map).toContain(`proxy:east-proxy 127.0.9.1:${PROXY_HTTP},127.0.9.3:${PROXY_HTTP}\n`);
  });

  it('keeps every host out of the HTTP config, and HTTP hosts out of the TLS config: only the host map changes', () => {
    const moved = [
      cluster('east', ['shop.test', '*.wild.test', 'default', 'blog.test']),
      cluster('west', ['vault.test', 'new.test'], ['vault.test']),
    ];
    expect(renderFrontDoor(defaultFrontDoorOptions())).not.toMatch(/shop\.test|vault\.test|tasks\./);
    expect(renderFrontDoorTls(moved, defaultFrontDoorOptions())).toBe(
      renderFrontDoorTls(clusters, defaultFrontDoorOptions()),
    );
    expect(renderFrontDoorHosts(moved).version).not.toBe(renderFrontDoorHosts(clusters).version);
  });

  it('is byte-identical for the same clusters in any order', () => {
    const a = renderFrontDoorTls(clusters, defaultFrontDoorOptions());
    const b = renderFrontDoorTls([...clusters].reverse(), defaultFrontDoorOptions());
    expect(b).toBe(a);
  });

  it('refuses a proxy service name that could inject a directive, in the config and in the host map', () => {
    const bad = [{ ...cluster('x', ['a.test'], ['a.test']), proxyService: 'x;include /etc/passwd' }];
    expect(() => renderFrontDoorTls(bad, defaultFrontDoorOptions())).toThrow(/unsafe value/);
    expect(() => renderFrontDoorHosts(bad)).toThrow(/unsafe value/);
  });
});

describe('front door on real nginx', () => {
  it('is unhealthy until its first host map is in, healthy after', async () => {
    expect(healthBeforeMap).toBe(503);
    expect((await fetch(healthUrl(ports.status))).status).toBe(200);
  });

  it('routes each host to the proxy of the cluster that owns it, wildcards included', async () => {
    expect(await backendOf('blog.test')).toBe('west.1');
    expect(await backendOf('a.wild.test')).toBe('east.1');
    expect(await backendOf('a.b.wild.test')).toBe('east.1');
    expect(await backendOf('wild.test')).toBe('status 503');
    expect(await backendOf('default')).toBe('east.1');
  });

  it('moves a host to another cluster and sends unknown hosts to a default backend without a reload', async () => {
    const master = nginx?.pid ?? 0;
    const pids = async () => (await readFile(`/proc/${master}/task/${master}/children`, 'utf8')).trim();
    const workers = await pids();
    try {
      await pushHosts(
        renderFrontDoorHosts([
          cluster('east', ['shop.test', '*.wild.test', 'default', 'blog.test'], [], true),
          cluster('west', ['vault.test'], ['vault.test']),
        ]),
      );
      expect(await backendOf('blog.test')).toBe('east.1');
      expect(await backendOf('nobody.test')).toBe('east.1');
      expect(await pids()).toBe(workers);
    } finally {
      await pushHosts(renderFrontDoorHosts(clusters));
    }
    expect(await backendOf('blog.test')).toBe('west.1');
    expect(await backendOf('nobody.test')).toBe('status 503');
  });

  it('retries a refused connection on another task of the cluster, so a stopped proxy task costs no request', async () => {
    const results = [];
    for (let i = 0; i < 20; i += 1) results.push(await backendOf('shop.test'));
    expect(results).toEqual(Array(20).fill('east.1'));
  });

  it('answers 503 for an unknown host, and for a cluster with no running proxy task', async () => {
    expect(await backendOf('nobody.test')).toBe('status 503');
    try {
      await pushHosts(
        renderFrontDoorHosts([
          clusters[0] as FrontDoorCluster,
          { ...(clusters[1] as FrontDoorCluster), addresses: [] },
        ]),
      );
      const gone = await get(ports.http, 'blog.test', '/');
      expect(gone.status).toBe(503);
      expect(gone.body).toContain('no proxy');
    } finally {
      await pushHosts(renderFrontDoorHosts(clusters));
    }
    for (let i = 0; i < 4; i += 1) expect(await backendOf('blog.test')).toBe('west.1');
  });

  it('spreads requests over every proxy task of the cluster', async () => {
    const spread = new Set<string>();
    const two = [
      cluster('east', ['shop.test']),
      { ...cluster('west', ['blog.test']), addresses: ['127.0.9.2', '127.0.9.4'] },
    ];
    const extra = await startEchoUpstream('127.0.9.4', PROXY_HTTP, 'west.2');
    try {
      await pushHosts(renderFrontDoorHosts(two));
      for (let i = 0; i < 6; i += 1) spread.add(await backendOf('blog.test'));
    } finally {
      await pushHosts(renderFrontDoorHosts(clusters));
      await closeAll([extra]);
    }
    expect([...spread].sort()).toEqual(['west.1', 'west.2']);
  });

  it('keeps the Host header and passes websocket upgrades through', async () => {
    const reply = await get(ports.http, 'blog.test', '/a?b=1');
    const body = JSON.parse(reply.body) as EchoReply;
    expect(body.host).toBe('blog.test');
    expect(body.path).toBe('/a?b=1');
    expect(body.headers['x-forwarded-for']).toBe('127.0.0.1');
    const ws = await websocketEcho(ports.http, 'blog.test', '/ws', 'hello');
    expect(ws).toEqual({ status: 101, echoed: 'hello' });
  });

  it('reloads its TLS instance for a TLS host change without closing a single HTTP keep-alive connection', async () => {
    const master = nginx?.pid ?? 0;
    const httpWorkers = (await readFile(`/proc/${master}/task/${master}/children`, 'utf8')).trim();
    const load = steadyLoad(ports.http, 'blog.test', { concurrency: 4, maxMs: 20_000 });
    for (let i = 0; i < 5; i += 1) {
      process.kill(nginxTls?.pid ?? 0, 'SIGHUP');
      await new Promise((r) => setTimeout(r, 300));
    }
    const result = await load.stop();
    expect(result.requests).toBeGreaterThan(20);
    expect(result.failures).toEqual([]);
    expect((await readFile(`/proc/${master}/task/${master}/children`, 'utf8')).trim()).toBe(httpWorkers);
    expect(await tlsGreeting(ports.https, 'vault.test', vaultCa)).toEqual({
      cn: 'vault.test',
      line: 'passthrough:west.1 from 127.0.0.1',
    });
  });

  it('passes TLS through by SNI to the owning cluster, after a PROXY protocol header naming the client, and refuses names no cluster owns', async () => {
    const greeting = await tlsGreeting(ports.https, 'vault.test', vaultCa);
    expect(greeting).toEqual({ cn: 'vault.test', line: 'passthrough:west.1 from 127.0.0.1' });
    await expect(tlsGreeting(ports.https, 'nobody.test', vaultCa)).rejects.toThrow();
  });
});

describe('a cluster proxy behind the front door', () => {
  it('believes X-Forwarded-For only from the trusted edge range, so the app and ip_hash see the client', async () => {
    const appPort = await freePort();
    const app = await startEchoUpstream('127.0.9.5', appPort, 'app.1');
    const seen: Record<string, string | undefined> = {};
    try {
      for (const trusted of [true, false]) {
        const port = await freePort();
        const status = await freePort();
        const { config } = renderFixture({
          services: [
            {
              name: 'app',
              networks: ['front'],
              replicas: 1,
              taskAddresses: ['127.0.9.5'],
              labels: { 'com.docker.lb.hosts': 'app.test', 'com.docker.lb.port': String(appPort) },
            },
          ],
          settings: { WorkerProcesses: 1, ErrorLogPath: '/dev/stderr' },
          ports: { http: port },
          statusPort: status,
          ...(trusted ? { trustedProxies: ['127.0.0.0/8'] } : {}),
        });
        expect(await nginxTest(config)).toMatchObject({ ok: true });
        const proxy = await startNginx(config, {}, healthUrl(status));
        try {
          const reply = await get(port, 'app.test', '/', { headers: { 'x-forwarded-for': '203.0.113.9' } });
          seen[String(trusted)] = (JSON.parse(reply.body) as EchoReply).headers['x-real-ip'] as string;
        } finally {
          await proxy.stop();
        }
      }
    } finally {
      await closeAll([app]);
    }
    expect(seen).toEqual({ true: '203.0.113.9', false: '127.0.0.1' });
  });
});
