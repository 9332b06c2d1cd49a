import type { Server as NetServer } from 'node:net';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import { startTestDns, type TestDns } from '../../../testing/dns-server.js';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { get, type Reply } from '../../../testing/http-client.js';
import { nginxTest, type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import {
  closeAll,
  type EchoReply,
  freePort,
  freePorts,
  startEchoUpstream,
  startTlsUpstream,
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
 * The client's address across the front door, on real nginx: front door (HTTP and TLS instances) → cluster
 * proxy → app, all on loopback. Clients connect from 127.0.0.9 (and 127.0.0.7 when they go round the front
 * door); the front door reaches the proxies from 127.0.0.1, the only range the proxies trust ("the edge
 * network"). Two clusters: `plain` terminates TLS on its TLS port; `mixed` also passes a host through, so
 * its TLS goes through its own SNI router first (stream, then PROXY protocol over loopback).
 */
const CLIENT = '127.0.0.9';
const STRANGER = '127.0.0.7';
const EDGE = ['127.0.0.1/32'];
const APP_PORT = await freePort();
const door = {
  http: await freePort(),
  https: await freePort(),
  push: await freePort(),
  noProxy: await freePort(),
  status: await freePort(),
};

interface ClusterPorts {
  http: number;
  https: number;
  status: number;
  /** The passthrough hop listens on internal + 1. */
  internal: number;
}
const clusterPorts = async (): Promise<ClusterPorts> => ({
  http: await freePort(),
  https: await freePort(),
  status: await freePort(),
  internal: await freePorts(2),
});
const plainPorts = await clusterPorts();
const mixedPorts = await clusterPorts();

const svc = (name: string, ip: string, labels: Record<string, string>): FixtureService => ({
  name,
  networks: ['front'],
  replicas: 1,
  taskAddresses: [ip],
  labels: { 'com.docker.lb.port': String(APP_PORT), ...labels },
});

let dns: TestDns;
const nginxes: RunningNginx[] = [];
const servers: NetServer[] = [];
let pems: Record<string, { cert: string; key: string }> = {};

async function startProxy(
  services: FixtureService[],
  ports: ClusterPorts,
  trustedProxies?: string[],
): Promise<string> {
  const { config, model } = renderFixture({
    services,
    secrets: Object.keys(pems),
    settings: { WorkerProcesses: 1, ErrorLogPath: '/dev/stderr', InternalTLSPort: ports.internal },
    ports: { http: ports.http, https: ports.https, publishedHttps: door.https },
    statusPort: ports.status,
    ...(trustedProxies ? { trustedProxies } : {}),
  });
  expect(model.conflicts).toEqual([]);
  const secrets = Object.fromEntries(Object.entries(pems).map(([n, p]) => [n, `${p.cert}${p.key}`]));
  expect(await nginxTest(config, secrets)).toEqual({ ok: true, output: '' });
  nginxes.push(await startNginx(config, secrets, healthUrl(ports.status)));
  return config;
}

const frontDoorCluster = (
  name: string,
  address: string,
  ports: ClusterPorts,
  hosts: string[],
  tlsHosts: string[],
): FrontDoorCluster => ({
  cluster: name,
  proxyService: `${name}-proxy`,
  addresses: [address],
  httpPort: ports.http,
  tlsPort: ports.https,
  hosts,
  tlsHosts,
  defaultBackend: false,
});

beforeAll(async () => {
  pems = {
    'shop.pem': await selfSignedCertificate('shop.test'),
    'mall.pem': await selfSignedCertificate('mall.test'),
  };
  const vaultPem = await selfSignedCertificate('vault.test');
  servers.push(await startEchoUpstream('127.0.13.1', APP_PORT, 'app.1'));
  servers.push(await startTlsUpstream('127.0.13.2', APP_PORT, 'vault.1', vaultPem));
  await startProxy(
    [svc('shop', '127.0.13.1', { 'com.docker.lb.hosts': 'shop.test', 'com.docker.lb.ssl_cert': 'shop.pem' })],
    plainPorts,
    EDGE,
  );
  await startProxy(
    [
      svc('mall', '127.0.13.1', { 'com.docker.lb.hosts': 'mall.test', 'com.docker.lb.ssl_cert': 'mall.pem' }),
      svc('vault', '127.0.13.2', {
        'com.docker.lb.hosts': 'vault.test',
        'com.docker.lb.ssl_passthrough': 'true',
      }),
    ],
    mixedPorts,
    EDGE,
  );
  dns = await startTestDns();
  dns.records.set('tasks.plain-proxy', ['127.0.12.1']);
  dns.records.set('tasks.mixed-proxy', ['127.0.12.2']);
  const clusters = [
    frontDoorCluster('plain', '127.0.12.1', plainPorts, ['shop.test'], ['shop.test']),
    frontDoorCluster(
      'mixed',
      '127.0.12.2',
      mixedPorts,
      ['mall.test', 'vault.test'],
      ['mall.test', 'vault.test'],
    ),
  ];
  const options = {
    ...defaultFrontDoorOptions(),
    httpPort: door.http,
    httpsPort: door.https,
    pushPort: door.push,
    noProxyPort: door.noProxy,
    statusPort: door.status,
    resolver: dns.address,
  };
  nginxes.push(
    await startNginx(renderFrontDoor(options), {}, `http://127.0.0.1:${door.push}/_signalbox/targets`),
  );
  nginxes.push(await startNginx(renderFrontDoorTls(clusters, options), {}, { tcpPort: door.https }));
  const map = renderFrontDoorHosts(clusters);
  const pushed = await fetch(`http://127.0.0.1:${door.push}/_signalbox/targets`, {
    method: 'POST',
    body: map.text,
  });
  expect((await pushed.text()).trim()).toBe(map.version);
}, 60_000);

afterAll(async () => {
  for (const n of nginxes) await n.stop();
  await closeAll(servers);
  await dns?.close();
});

const echo = (reply: Reply): EchoReply => {
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as EchoReply;
};

/** An HTTPS request through the front door's TLS port, from the client's address. */
const viaTls = (host: string, path: string, headers: Record<string, string> = {}): Promise<Reply> =>
  get(door.https, host, path, {
    tls: { ca: pems[`${host.split('.')[0]}.pem`]?.cert ?? '' },
    localAddress: CLIENT,
    headers,
  });

/**
 * One HTTPS request over a TLS session to `port` (a proxy's TLS port, or the front door's) from `from`,
 * after a PROXY protocol header if given, with its own SNI name, Host, path and headers: what someone who
 * reaches a proxy round the front door, or who sends a Host other than the SNI name, could try.
 */
function rawTls(
  port: number,
  sni: string,
  o: { from: string; proxyHeader?: string; host?: string; path?: string; headers?: Record<string, string> },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const raw = netConnect({ host: '127.0.0.1', port, localAddress: o.from }, () => {
      if (o.proxyHeader) raw.write(o.proxyHeader);
      const socket = tlsConnect({ socket: raw, servername: sni, ca: pems[`${sni.split('.')[0]}.pem`]?.cert });
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
      });
      socket.on('end', () => {
        const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
        resolve({ status, headers: {}, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
      });
      socket.on('error', reject);
      const extra = Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.write(
        `GET ${o.path ?? '/'} HTTP/1.1\r\nHost: ${o.host ?? sni}\r\n${extra.join('')}Connection: close\r\n\r\n`,
      );
    });
    raw.setTimeout(5000, () => raw.destroy(new Error('timeout')));
    raw.on('error', reject);
  });
}

describe('a TLS client through the front door', () => {
  it.each(['shop.test', 'mall.test'])(
    '%s: the app sees the client, from the PROXY protocol header the front door sends',
    async (host) => {
      const seen = echo(await viaTls(host, '/')).headers;
      expect(seen['x-real-ip']).toBe(CLIENT);
      expect(seen['x-forwarded-for']).toBe(CLIENT);
      expect(seen['x-forwarded-proto']).toBe('https');
    },
  );

  it.each(['shop.test', 'mall.test'])(
    '%s: a client that sends X-Forwarded-For: 127.0.0.1 over TLS is still itself',
    async (host) => {
      const seen = echo(await viaTls(host, '/', { 'x-forwarded-for': '127.0.0.1' })).headers;
      expect(seen['x-real-ip']).toBe(CLIENT);
      expect(seen['x-forwarded-for']).toBe(`127.0.0.1, ${CLIENT}`);
    },
  );

  it.each(['/nginx_status', '/_signalbox/health'])(
    'cannot reach %s with a spoofed X-Forwarded-For: the path is the app’s, on every public listener',
    async (path) => {
      const spoof = { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' };
      for (const host of ['shop.test', 'mall.test']) {
        const reply = echo(await viaTls(host, path, spoof));
        expect(reply).toMatchObject({ backend: 'app.1', path });
      }
      // A Host other than the SNI name picks the proxy's catch-all server: 503 there, never the status page.
      for (const [sni, host] of [
        ['shop.test', 'nobody.test'],
        ['mall.test', 'localhost'],
        ['shop.test', '127.0.0.1'],
      ] as const) {
        const other = await rawTls(door.https, sni, { from: CLIENT, host, path, headers: spoof });
        expect(other.status).toBe(503);
        expect(other.body).not.toMatch(/Active connections|^ok/);
      }
      const overHttp = await get(door.http, 'shop.test', path, { localAddress: CLIENT, headers: spoof });
      expect(echo(overHttp)).toMatchObject({ backend: 'app.1', path });
      // The proxies' own HTTP ports, even from the trusted edge address with a spoofed header: unknown
      // hosts get the catch-all's 503, never the status page.
      for (const port of [plainPorts.http, mixedPorts.http]) {
        const unknown = await get(port, 'nobody.test', path, { headers: spoof });
        expect(unknown.status).toBe(503);
        expect(unknown.body).not.toContain('Active connections');
      }
    },
  );

  it('keeps the internal endpoints on loopback ports of their own, where the health check and the exporter ask', async () => {
    for (const { status } of [plainPorts, mixedPorts]) {
      expect(await (await fetch(healthUrl(status))).text()).toBe('ok\n');
      const stub = await (await fetch(`http://127.0.0.1:${status}/nginx_status`)).text();
      expect(stub).toMatch(/^Active connections: \d+/);
    }
    expect((await fetch(healthUrl(door.status))).status).toBe(200);
    const through = await get(door.http, 'shop.test', '/_signalbox/health', { localAddress: CLIENT });
    expect(echo(through).path).toBe('/_signalbox/health');
  });

  it('over HTTP the app sees the same client, from the X-Forwarded-For the front door appends', async () => {
    const seen = echo(await get(door.http, 'shop.test', '/', { localAddress: CLIENT })).headers;
    expect(seen['x-real-ip']).toBe(CLIENT);
  });
});

describe('a cluster proxy behind the front door, reached round it', () => {
  it.each([
    ['plain', () => plainPorts.https, 'shop.test'],
    ['mixed', () => mixedPorts.https, 'mall.test'],
  ])('%s: believes a PROXY protocol header only from the edge range', async (_name, port, host) => {
    const forged = `PROXY TCP4 203.0.113.9 127.0.0.1 5555 ${port()}\r\n`;
    const seen = echo(
      await rawTls(port(), host, {
        from: STRANGER,
        proxyHeader: forged,
        headers: { 'x-forwarded-for': '203.0.113.9' },
      }),
    );
    expect(seen.headers['x-real-ip']).toBe(STRANGER);
    // From the edge address the same header is believed: that is how the front door's is read.
    const fromEdge = echo(await rawTls(port(), host, { from: '127.0.0.1', proxyHeader: forged }));
    expect(fromEdge.headers['x-real-ip']).toBe('203.0.113.9');
  });

  it('requires the PROXY protocol header on its TLS port: a bare TLS handshake is not served', async () => {
    await expect(rawTls(plainPorts.https, 'shop.test', { from: STRANGER })).rejects.toThrow();
  });
});

describe('a cluster proxy without the front door', () => {
  it('takes plain TLS, needs no PROXY protocol, and believes no header about the client', async () => {
    const ports = await clusterPorts();
    const config = await startProxy(
      [
        svc('shop', '127.0.13.1', {
          'com.docker.lb.hosts': 'shop.test',
          'com.docker.lb.ssl_cert': 'shop.pem',
        }),
      ],
      ports,
    );
    expect(config).not.toContain('proxy_protocol');
    expect(config).not.toContain('set_real_ip_from');
    const seen = echo(
      await rawTls(ports.https, 'shop.test', { from: CLIENT, headers: { 'x-forwarded-for': '127.0.0.1' } }),
    );
    expect(seen.headers['x-real-ip']).toBe(CLIENT);
  });
});
