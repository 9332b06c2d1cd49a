import type { Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateCa, privateCa, selfSignedCertificate } from '../../../testing/certificates.js';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { get, websocketEcho } from '../../../testing/http-client.js';
import { type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { type Rendered, renderFixture } from '../../../testing/render-fixture.js';
import { closeAll, type EchoReply, freePort, startHttpsEchoUpstream } from '../../../testing/upstreams.js';
import { LabelKey } from '../labels/index.js';
import { healthUrl } from './internal-endpoints.js';
import { type RuntimeTargets, renderTargets, TARGETS_PATH } from './runtime-targets.js';

/**
 * HTTPS upstreams (`com.docker.lb.ssl_backend`) on real nginx, with targets in the config and at run time:
 * apps on loopback "task IPs" serve HTTPS with certificates from a private CA (or not), and the proxy
 * verifies them against that CA when `ssl_backend_tls_verify=required`.
 */
const APP_PORT = await freePort();
const CA_SECRET = 'internal-ca';
let ca: PrivateCa | undefined;
const servers: Server[] = [];

const verified = {
  [LabelKey.sslBackend]: 'true',
  [LabelKey.sslBackendTlsVerify]: 'required',
  [LabelKey.sslBackendCa]: CA_SECRET,
};

function svc(name: string, host: string, address: string, labels: Record<string, string>): FixtureService {
  return {
    name,
    networks: ['front'],
    replicas: address === '' ? 0 : 1,
    taskAddresses: address === '' ? [] : [address],
    labels: { [LabelKey.hosts]: host, [LabelKey.port]: String(APP_PORT), ...labels },
  };
}

/** Every case at once: one cluster, so both modes run the same config apart from the targets. */
const services = (): FixtureService[] => [
  // Interlock 3.0's label alone: encrypted, not verified; the app's certificate is self-signed.
  svc('legacy', 'legacy.test', '127.0.11.1', { [LabelKey.sslBackend]: 'true' }),
  // Verified against the CA, by the name the label gives.
  svc('vault', 'vault.test', '127.0.11.2', { ...verified, [LabelKey.sslBackendName]: 'vault.internal' }),
  // The same name, but a certificate the CA did not sign.
  svc('rogue', 'rogue.test', '127.0.11.3', { ...verified, [LabelKey.sslBackendName]: 'vault.internal' }),
  // Signed by the CA, but for vault.internal, while the proxy expects the request's host.
  svc('misnamed', 'misnamed.test', '127.0.11.2', verified),
  // Websockets to a verified TLS upstream; the certificate names the request's host.
  svc('chat', 'chat.test', '127.0.11.4', { ...verified, [LabelKey.websocketEndpoints]: '/ws' }),
  // No task: 503, in run-time mode too, where the balancer's 503 server speaks no TLS.
  svc('idle', 'idle.test', '', verified),
];

beforeAll(async () => {
  ca = await privateCa();
  const rogue = await selfSignedCertificate('vault.internal');
  const legacy = await selfSignedCertificate('legacy.test');
  const apps: [string, { cert: string; key: string }][] = [
    ['127.0.11.1', legacy],
    ['127.0.11.2', await ca.issue('vault.internal')],
    ['127.0.11.3', rogue],
    ['127.0.11.4', await ca.issue('chat.test')],
  ];
  for (const [ip, pem] of apps) servers.push(await startHttpsEchoUpstream(ip, APP_PORT, ip, pem));
}, 30_000);

afterAll(async () => {
  await closeAll(servers);
  await ca?.remove();
});

interface Mode {
  name: string;
  runtime: boolean;
}

describe.each<Mode>([
  { name: 'targets in the config', runtime: false },
  { name: 'run-time targets (Lua balancer)', runtime: true },
])('HTTPS upstreams on real nginx, $name', ({ runtime }) => {
  let nginx: RunningNginx | undefined;
  let http = 0;
  let rendered: Rendered | undefined;

  beforeAll(async () => {
    http = await freePort();
    const status = await freePort();
    const targets: RuntimeTargets = { pushPort: await freePort(), noTargetsPort: await freePort() };
    rendered = renderFixture({
      services: services(),
      secrets: [CA_SECRET],
      settings: { WorkerProcesses: 1, ErrorLogPath: '/dev/stderr' },
      // No TLS host: the HTTPS port is never bound.
      ports: { http, https: 443, publishedHttps: 443 },
      statusPort: status,
      ...(runtime ? { runtimeTargets: targets } : {}),
    });
    expect(rendered.routes.rejected).toEqual([]);
    expect(rendered.model.secrets).toEqual([CA_SECRET]);
    nginx = await startNginx(
      rendered.config,
      { [CA_SECRET]: ca?.cert ?? '' },
      runtime ? `http://127.0.0.1:${targets.pushPort}${TARGETS_PATH}` : healthUrl(status),
    );
    if (runtime) {
      const res = await fetch(`http://127.0.0.1:${targets.pushPort}${TARGETS_PATH}`, {
        method: 'POST',
        body: renderTargets(rendered.model).text,
      });
      expect(res.status).toBe(200);
    }
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
  });

  it('names no task in a run-time config, and the tasks in a static one', () => {
    expect(rendered?.config.includes('127.0.11.2:')).toBe(!runtime);
  });

  it('reaches an HTTPS upstream without verification, sending the request host in SNI', async () => {
    const res = await get(http, 'legacy.test', '/hello');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as EchoReply;
    expect(body).toMatchObject({
      backend: '127.0.11.1',
      path: '/hello',
      host: 'legacy.test',
      sni: 'legacy.test',
    });
  });

  it('reaches a verified upstream whose certificate the CA signed, by the labelled name', async () => {
    const res = await get(http, 'vault.test', '/v1/sys/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body) as EchoReply).toMatchObject({
      backend: '127.0.11.2',
      host: 'vault.test',
      sni: 'vault.internal',
    });
  });

  it('refuses an upstream whose certificate the CA did not sign', async () => {
    const res = await get(http, 'rogue.test', '/');
    expect(res.status).toBe(502);
    expect(res.body).not.toContain('127.0.11.3');
  });

  it('refuses a CA-signed certificate for another name', async () => {
    expect((await get(http, 'misnamed.test', '/')).status).toBe(502);
  });

  it('carries websockets over a verified TLS upstream', async () => {
    expect(await websocketEcho(http, 'chat.test', '/ws', 'ping over tls')).toEqual({
      status: 101,
      echoed: 'ping over tls',
    });
    // The pool's plain requests go over TLS too.
    expect(JSON.parse((await get(http, 'chat.test', '/')).body) as EchoReply).toMatchObject({
      sni: 'chat.test',
    });
  });

  it('answers 503 for a TLS pool without targets', async () => {
    expect((await get(http, 'idle.test', '/')).status).toBe(503);
  });
});
