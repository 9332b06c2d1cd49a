import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { get, tlsGreeting, websocketEcho } from '../../../testing/http-client.js';
import { type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import {
  closeAll,
  type EchoReply,
  freePort,
  freePorts,
  startEchoUpstream,
  startTlsUpstream,
} from '../../../testing/upstreams.js';
import { healthUrl } from './internal-endpoints.js';

/**
 * Real nginx on loopback, running a config rendered from Engine API JSON, in front of small local apps whose
 * "task IPs" are loopback addresses (all of 127.0.0.0/8 is local on Linux).
 */
const L = 'com.docker.lb.';
const APP_PORT = await freePort();
const ports = {
  http: await freePort(),
  https: await freePort(),
  status: await freePort(),
  // The passthrough hop listens on internal + 1.
  internal: await freePorts(2),
};

let nginx: RunningNginx | undefined;
const servers: (Server | TlsServer)[] = [];
let webCa = '';
let vaultCa = '';

function svc(name: string, labels: Record<string, string>, addresses: string[]): FixtureService {
  return {
    name,
    networks: ['front'],
    replicas: addresses.length,
    taskAddresses: addresses,
    labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [L + k, v])),
  };
}

const json = (body: string): EchoReply => JSON.parse(body) as EchoReply;

beforeAll(async () => {
  const webPem = await selfSignedCertificate('secure.test');
  const vaultPem = await selfSignedCertificate('vault.test');
  webCa = webPem.cert;
  vaultCa = vaultPem.cert;
  const apps: [string, string[], Record<string, string>][] = [
    ['shop', ['127.0.1.1'], { hosts: 'shop.test', port: String(APP_PORT) }],
    ['blog', ['127.0.1.2'], { hosts: 'blog.test', port: String(APP_PORT) }],
    [
      'api',
      ['127.0.1.3'],
      { hosts: 'shop.test', port: String(APP_PORT), context_root: '/api/v1', context_root_rewrite: 'true' },
    ],
    [
      'sticky',
      ['127.0.2.1', '127.0.2.2', '127.0.2.3', '127.0.2.4'],
      { hosts: 'sticky.test', port: String(APP_PORT), sticky_session_cookie: 'session' },
    ],
    [
      'canary-v1',
      ['127.0.3.1', '127.0.3.2', '127.0.3.3', '127.0.3.4'],
      { hosts: 'canary.test', port: String(APP_PORT) },
    ],
    ['canary-v2', ['127.0.3.5'], { hosts: 'canary.test', port: String(APP_PORT) }],
    ['chat', ['127.0.4.1'], { hosts: 'chat.test', port: String(APP_PORT), websocket_endpoints: '/ws' }],
    [
      'moved',
      ['127.0.5.1'],
      { hosts: 'old.test,new.test', port: String(APP_PORT), redirects: 'http://old.test,http://new.test' },
    ],
    [
      'secure',
      ['127.0.6.1'],
      {
        hosts: 'secure.test',
        port: String(APP_PORT),
        ssl_cert: 'secure.cert',
        ssl_key: 'secure.key',
        ssl_only: 'true',
      },
    ],
  ];
  const services = apps.map(([name, addrs, labels]) => svc(name, labels, addrs));
  services.push(
    svc('vault', { hosts: 'vault.test', port: String(APP_PORT), ssl_passthrough: 'true', network: 'front' }, [
      '127.0.7.1',
    ]),
  );
  for (const [name, addrs] of apps) {
    for (const [i, ip] of addrs.entries())
      servers.push(await startEchoUpstream(ip, APP_PORT, `${name}.${i + 1}`));
  }
  servers.push(await startTlsUpstream('127.0.7.1', APP_PORT, 'vault.1', vaultPem));

  const { config, routes, model } = renderFixture({
    services,
    settings: { InternalTLSPort: ports.internal, WorkerProcesses: 1, ErrorLogPath: '/dev/stderr' },
    ports: { http: ports.http, https: ports.https, publishedHttps: ports.https },
    statusPort: ports.status,
  });
  expect(routes.rejected).toEqual([]);
  expect(model.conflicts).toEqual([]);
  nginx = await startNginx(
    config,
    { 'secure.cert': webPem.cert, 'secure.key': webPem.key },
    healthUrl(ports.status),
  );
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await closeAll(servers);
});

describe('rendered config on real nginx', () => {
  it('routes by host name', async () => {
    expect(json((await get(ports.http, 'shop.test', '/cart')).body)).toMatchObject({
      backend: 'shop.1',
      path: '/cart',
      host: 'shop.test',
    });
    expect(json((await get(ports.http, 'blog.test', '/')).body).backend).toBe('blog.1');
  });

  it('answers 503 for a host no service claims', async () => {
    expect((await get(ports.http, 'nobody.test', '/')).status).toBe(503);
  });

  it('strips a rewritten context root and redirects its bare path to the slash form', async () => {
    expect(json((await get(ports.http, 'shop.test', '/api/v1/orders?x=1')).body)).toMatchObject({
      backend: 'api.1',
      path: '/orders?x=1',
    });
    const bare = await get(ports.http, 'shop.test', '/api/v1');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/api/v1/');
    expect(json((await get(ports.http, 'shop.test', '/api/v1x')).body).backend).toBe('shop.1');
  });

  it('keeps a session cookie on one task and spreads different sessions', async () => {
    const seen = new Set<string>();
    for (let s = 0; s < 24; s++) {
      const backends = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const reply = await get(ports.http, 'sticky.test', '/', {
          headers: { cookie: `theme=dark; session=user${s}` },
        });
        backends.add(json(reply.body).backend);
      }
      expect(backends.size).toBe(1);
      for (const b of backends) seen.add(b);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('splits a canary by task count: 4 + 1 tasks give the new version about 20 %', async () => {
    const total = 400;
    let v2 = 0;
    for (let i = 0; i < total; i++) {
      if (json((await get(ports.http, 'canary.test', '/')).body).backend.startsWith('canary-v2')) v2 += 1;
    }
    expect(v2 / total).toBeGreaterThan(0.15);
    expect(v2 / total).toBeLessThan(0.25);
  });

  it('upgrades a websocket endpoint and tunnels bytes both ways', async () => {
    const ws = await websocketEcho(ports.http, 'chat.test', '/ws', 'ping');
    expect(ws).toEqual({ status: 101, echoed: 'ping' });
  });

  it('redirects a host named in the redirects label', async () => {
    const reply = await get(ports.http, 'old.test', '/path?q=1');
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('http://new.test/path?q=1');
    expect(json((await get(ports.http, 'new.test', '/')).body).backend).toBe('moved.1');
  });

  it('terminates TLS with the certificate from the Docker secret, and ssl_only sends HTTP to HTTPS', async () => {
    const reply = await get(ports.https, 'secure.test', '/account', { tls: { ca: webCa } });
    expect(reply.status).toBe(200);
    expect(json(reply.body)).toMatchObject({ backend: 'secure.1', path: '/account' });
    expect(json(reply.body).headers['x-forwarded-proto']).toBe('https');
    expect(json(reply.body).headers['x-real-ip']).toBe('127.0.0.1');
    const plain = await get(ports.http, 'secure.test', '/account');
    expect(plain.status).toBe(301);
    expect(plain.headers.location).toBe(`https://secure.test:${ports.https}/account`);
  });

  it('passes TLS through by SNI to an app that terminates it itself', async () => {
    const greeting = await tlsGreeting(ports.https, 'vault.test', vaultCa);
    expect(greeting).toEqual({ cn: 'vault.test', line: 'passthrough:vault.1' });
  });

  it('adds the info headers, including a request id', async () => {
    const reply = await get(ports.http, 'blog.test', '/');
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.headers['x-upstream-addr']).toBe(`127.0.1.2:${APP_PORT}`);
    expect(json(reply.body).headers['x-request-id']).toBe(reply.headers['x-request-id']);
  });

  it('refuses a TLS handshake for an unknown name instead of serving another host’s certificate', async () => {
    await expect(tlsGreeting(ports.https, 'unknown.test', webCa)).rejects.toThrow();
  });
});
