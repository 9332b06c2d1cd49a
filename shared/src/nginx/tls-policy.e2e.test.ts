import { connect, type SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { get } from '../../../testing/http-client.js';
import { nginxTest, type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { type OcspSetup, startOcspSetup } from '../../../testing/ocsp.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import { closeAll, freePort, startEchoUpstream } from '../../../testing/upstreams.js';
import type { NginxSettings } from '../config/index.js';
import { healthUrl } from './internal-endpoints.js';
import { TLS_PROFILES } from './tls-policy.js';

/**
 * The TLS a cluster proxy offers, on real nginx and OpenSSL: handshakes from Node's TLS client with one
 * protocol or cipher at a time. `rsa.test` has an RSA certificate from a private CA whose OCSP responder
 * runs on loopback (so stapling can happen); `ec.test` a self-signed ECDSA one (so it cannot).
 */
const APP_PORT = await freePort();
const OCSP_PORT = await freePort();
let ocsp: OcspSetup;
let ecPem: { cert: string; key: string };
const app = await startEchoUpstream('127.0.11.1', APP_PORT, 'app.1');

interface Proxy {
  config: string;
  https: number;
  http: number;
  nginx: RunningNginx;
}
const proxies: Proxy[] = [];

function services(): FixtureService[] {
  const svc = (name: string, labels: Record<string, string>): FixtureService => ({
    name,
    networks: ['front'],
    replicas: 1,
    taskAddresses: ['127.0.11.1'],
    labels: { 'com.docker.lb.port': String(APP_PORT), ...labels },
  });
  return [
    svc('rsa', {
      'com.docker.lb.hosts': 'rsa.test',
      'com.docker.lb.ssl_cert': 'rsa.pem',
      'io.signalbox.hsts': 'max-age=63072000; includeSubDomains',
    }),
    svc('ec', { 'com.docker.lb.hosts': 'ec.test', 'com.docker.lb.ssl_cert': 'ec.pem' }),
  ];
}

async function startProxy(settings: Partial<NginxSettings>): Promise<Proxy> {
  const [http, https, status] = [await freePort(), await freePort(), await freePort()];
  const { config } = renderFixture({
    services: services(),
    secrets: ['rsa.pem', 'ec.pem'],
    settings: { WorkerProcesses: 1, ErrorLogPath: '/dev/stderr', HSTS: 'max-age=600', ...settings },
    ports: { http, https, publishedHttps: https },
    statusPort: status,
  });
  const secrets = { 'rsa.pem': `${ocsp.chain}${ocsp.key}`, 'ec.pem': `${ecPem.cert}${ecPem.key}` };
  // The self-signed ec.test cannot be stapled: nginx -t says so (the helper drops that line) and passes.
  expect(await nginxTest(config, secrets)).toEqual({ ok: true, output: '' });
  const proxy = { config, http, https, nginx: await startNginx(config, secrets, healthUrl(status)) };
  proxies.push(proxy);
  return proxy;
}

interface Handshake {
  protocol: string | null;
  cipher: string;
  reused: boolean;
  ticket: boolean;
  stapled?: Buffer;
  session?: Buffer;
}

/** One TLS handshake; resolves with what was agreed, rejects when the server refuses it. */
function handshake(
  port: number,
  servername: string,
  o: {
    min?: SecureVersion;
    max?: SecureVersion;
    ciphers?: string;
    session?: Buffer;
    requestOCSP?: boolean;
  } = {},
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    let stapled: Buffer | undefined;
    let session: Buffer | undefined;
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername,
      ca: servername === 'ec.test' ? ecPem.cert : ocsp.ca,
      minVersion: o.min ?? 'TLSv1.2',
      maxVersion: o.max ?? 'TLSv1.3',
      timeout: 5000,
      ...(o.ciphers ? { ciphers: o.ciphers } : {}),
      ...(o.session ? { session: o.session } : {}),
      ...(o.requestOCSP ? { requestOCSP: true } : {}),
    });
    socket.on('OCSPResponse', (r: Buffer) => {
      stapled = r;
    });
    socket.on('session', (s: Buffer) => {
      session = s;
    });
    socket.once('secureConnect', () => {
      // A TLS 1.2 session arrives with the handshake; give the 'session' event its turn before closing.
      setImmediate(() => {
        const result: Handshake = {
          protocol: socket.getProtocol(),
          cipher: socket.getCipher().standardName,
          reused: socket.isSessionReused(),
          ticket: socket.getTLSTicket() !== undefined,
        };
        if (stapled) result.stapled = stapled;
        if (session) result.session = session;
        socket.end();
        resolve(result);
      });
    });
    socket.on('timeout', () => socket.destroy(new Error('tls timeout')));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  ocsp = await startOcspSetup('rsa.test', OCSP_PORT);
  ecPem = await selfSignedCertificate('ec.test');
}, 60_000);

afterAll(async () => {
  for (const p of proxies) await p.nginx.stop();
  await closeAll([app]);
  await ocsp?.stop();
});

describe("Mozilla's intermediate profile, the default, on real nginx", () => {
  let proxy: Proxy;
  beforeAll(async () => {
    proxy = await startProxy({});
  }, 30_000);

  it("writes the profile's directives: TLS 1.2 and 1.3, ECDHE AEAD suites only, the client's choice, a shared session cache, no tickets, stapling", () => {
    const intermediate = TLS_PROFILES.intermediate;
    for (const line of [
      'ssl_protocols TLSv1.2 TLSv1.3;',
      `ssl_ciphers ${intermediate.ciphers};`,
      'ssl_prefer_server_ciphers off;',
      'ssl_ecdh_curve X25519:prime256v1:secp384r1;',
      'ssl_session_cache shared:sb_tls:10m;',
      'ssl_session_timeout 1d;',
      'ssl_session_tickets off;',
      'ssl_stapling on;',
      'ssl_stapling_verify on;',
    ])
      expect(proxy.config).toContain(`\n  ${line}\n`);
    expect(
      intermediate.ciphers
        ?.split(':')
        .every((c) => /^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/.test(c)),
    ).toBe(true);
  });

  it('agrees TLS 1.3, and TLS 1.2 with every ECDHE AEAD suite for the certificate type', async () => {
    expect(await handshake(proxy.https, 'rsa.test')).toMatchObject({ protocol: 'TLSv1.3' });
    for (const [host, cipher] of [
      ['rsa.test', 'ECDHE-RSA-AES128-GCM-SHA256'],
      ['rsa.test', 'ECDHE-RSA-AES256-GCM-SHA384'],
      ['rsa.test', 'ECDHE-RSA-CHACHA20-POLY1305'],
      ['ec.test', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
      ['ec.test', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
    ] as const) {
      const agreed = await handshake(proxy.https, host, { max: 'TLSv1.2', ciphers: cipher });
      expect(agreed.protocol).toBe('TLSv1.2');
    }
  });

  it.each([
    ['static RSA with AES-GCM', 'AES128-GCM-SHA256'],
    ['static RSA with CBC', 'AES256-SHA256'],
    ['ECDHE with CBC and SHA-1', 'ECDHE-RSA-AES128-SHA'],
    ['ECDHE with CBC and SHA-256', 'ECDHE-RSA-AES128-SHA256'],
    ['finite-field DHE', 'DHE-RSA-AES128-GCM-SHA256'],
  ])('refuses %s (%s) on TLS 1.2', async (_kind, cipher) => {
    await expect(handshake(proxy.https, 'rsa.test', { max: 'TLSv1.2', ciphers: cipher })).rejects.toThrow();
  });

  it('refuses TLS 1.1', async () => {
    await expect(
      handshake(proxy.https, 'rsa.test', { min: 'TLSv1.1', max: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
    ).rejects.toThrow();
  });

  it('resumes a session from the shared cache, and hands out no session ticket', async () => {
    const first = await handshake(proxy.https, 'rsa.test', { max: 'TLSv1.2' });
    expect(first).toMatchObject({ reused: false, ticket: false });
    const again = await handshake(proxy.https, 'rsa.test', {
      max: 'TLSv1.2',
      ...(first.session ? { session: first.session } : {}),
    });
    expect(again.reused).toBe(true);
  });

  it("staples the OCSP response where the certificate names a responder, and serves one that doesn't without", async () => {
    // nginx fetches the response on the first handshake that asks for it and staples it from then on.
    let stapled: Buffer | undefined;
    for (let i = 0; i < 40 && !stapled; i++) {
      stapled = (await handshake(proxy.https, 'rsa.test', { requestOCSP: true })).stapled;
      if (!stapled) await new Promise((r) => setTimeout(r, 100));
    }
    expect(stapled?.length).toBeGreaterThan(0);
    const ec = await handshake(proxy.https, 'ec.test', { requestOCSP: true });
    expect(ec.protocol).toBe('TLSv1.3');
    expect(ec.stapled).toBeUndefined();
  });

  it("sends a host's io.signalbox.hsts over TLS, the config's HSTS for other hosts, and none over plain HTTP", async () => {
    const rsa = await get(proxy.https, 'rsa.test', '/', { tls: { ca: ocsp.ca } });
    expect(rsa.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(rsa.headers['x-request-id']).toBeDefined();
    const ec = await get(proxy.https, 'ec.test', '/', { tls: { ca: ecPem.cert } });
    expect(ec.headers['strict-transport-security']).toBe('max-age=600');
    const plain = await get(proxy.http, 'rsa.test', '/');
    expect(plain.status).toBe(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('the other profiles and Interlock keys, on real nginx', () => {
  it('modern: TLS 1.3 only', async () => {
    const proxy = await startProxy({ TLSProfile: 'modern' });
    expect(await handshake(proxy.https, 'rsa.test')).toMatchObject({ protocol: 'TLSv1.3' });
    await expect(handshake(proxy.https, 'rsa.test', { max: 'TLSv1.2' })).rejects.toThrow();
  });

  it('old: TLS 1.1 with a CBC suite, for clients that have nothing better', async () => {
    const proxy = await startProxy({ TLSProfile: 'old' });
    const legacy = await handshake(proxy.https, 'rsa.test', {
      min: 'TLSv1.1',
      max: 'TLSv1.1',
      ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0',
    });
    expect(legacy).toMatchObject({ protocol: 'TLSv1.1', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA' });
    expect(await handshake(proxy.https, 'rsa.test')).toMatchObject({ protocol: 'TLSv1.3' });
  });

  it("an Interlock config's explicit SSLCiphers and SSLProtocols win over the profile", async () => {
    const proxy = await startProxy({ SSLCiphers: 'HIGH:!aNULL:!MD5', SSLProtocols: 'TLSv1.2' });
    expect(proxy.config).toContain('\n  ssl_prefer_server_ciphers on;\n');
    await expect(handshake(proxy.https, 'rsa.test', { min: 'TLSv1.3' })).rejects.toThrow();
    const cbc = await handshake(proxy.https, 'rsa.test', { max: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' });
    expect(cbc.protocol).toBe('TLSv1.2');
  });
});
