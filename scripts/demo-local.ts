/**
 * The routing-core demo: a three-tenant sample swarm snapshot (Engine API JSON) rendered into one cluster's
 * nginx.conf, served by real nginx on 127.0.0.1 in front of small local apps on loopback "task IPs".
 * Prints host → services → targets and the proxy's live answer for each route, with a curl line to try.
 * With a terminal attached it keeps serving until Ctrl-C; otherwise (or with --once) it stops at once.
 */
import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import { healthUrl } from '#shared/nginx/index.js';
import { selfSignedCertificate } from '../testing/certificates.js';
import type { FixtureService } from '../testing/engine-fixtures.js';
import { get, tlsGreeting, websocketEcho } from '../testing/http-client.js';
import { startNginx } from '../testing/nginx-process.js';
import { renderFixture } from '../testing/render-fixture.js';
import { closeAll, freePort, startEchoUpstream, startTlsUpstream } from '../testing/upstreams.js';

const step = (text: string): void => {
  process.stderr.write(`==> ${text}\n`);
};
const L = 'com.docker.lb.';
const appPort = await freePort();
const ports = {
  http: await freePort(),
  https: await freePort(),
  status: await freePort(),
  internal: await freePort(),
};

const app = (name: string, net: string, ips: string[], labels: Record<string, string>): FixtureService => ({
  name,
  networks: [net],
  replicas: ips.length,
  taskAddresses: ips,
  labels: Object.fromEntries(
    Object.entries({ port: String(appPort), ...labels }).map(([k, v]) => [L + k, v]),
  ),
});

const services: FixtureService[] = [
  app('shop_web', 'shop_net', ['127.0.10.1', '127.0.10.2', '127.0.10.3', '127.0.10.4'], {
    hosts: 'shop.demo.test',
  }),
  app('shop_web-canary', 'shop_net', ['127.0.10.5'], { hosts: 'shop.demo.test' }),
  app('shop_api', 'shop_net', ['127.0.10.6', '127.0.10.7'], {
    hosts: 'shop.demo.test',
    context_root: '/api',
    context_root_rewrite: 'true',
    sticky_session_cookie: 'session',
  }),
  app('blog_web', 'blog_net', ['127.0.11.1'], {
    hosts: 'blog.demo.test,old-blog.demo.test',
    redirects: 'http://old-blog.demo.test,http://blog.demo.test',
  }),
  app('blog_live', 'blog_net', ['127.0.11.2'], { hosts: 'live.demo.test', websocket_endpoints: '/ws' }),
  app('bank_web', 'bank_net', ['127.0.12.1'], {
    hosts: 'bank.demo.test',
    ssl_cert: 'bank.cert',
    ssl_key: 'bank.key',
    ssl_only: 'true',
  }),
  app('bank_vault', 'bank_net', ['127.0.12.2'], {
    hosts: 'vault.demo.test',
    ssl_passthrough: 'true',
    network: 'bank_net',
  }),
  app('bank_broken', 'bank_net', ['127.0.12.3'], { hosts: 'bank.demo.test;}', port: '99999' }),
];

const servers: (Server | TlsServer)[] = [];
let stopNginx: (() => Promise<void>) | undefined;
const shutdown = async (): Promise<void> => {
  await stopNginx?.();
  await closeAll(servers);
};

try {
  step('starting the sample apps on loopback task addresses');
  const bankPem = await selfSignedCertificate('bank.demo.test');
  const vaultPem = await selfSignedCertificate('vault.demo.test');
  for (const s of services) {
    if (s.name === 'bank_broken') continue;
    for (const [i, ip] of (s.taskAddresses ?? []).entries()) {
      servers.push(
        s.name === 'bank_vault'
          ? await startTlsUpstream(ip, appPort, `${s.name}.${i + 1}`, vaultPem)
          : await startEchoUpstream(ip, appPort, `${s.name}.${i + 1}`),
      );
    }
  }

  step('rendering the cluster config from the Engine API snapshot');
  const { config, model, routes } = renderFixture({
    services,
    settings: { InternalTLSPort: ports.internal, User: 'www-data' },
    ports: { http: ports.http, https: ports.https, publishedHttps: ports.https },
    statusPort: ports.status,
  });
  for (const r of routes.rejected) for (const e of r.errors) step(`rejected: ${e.message}`);

  step(`starting nginx on 127.0.0.1:${ports.http} (HTTP) and :${ports.https} (TLS)`);
  const nginx = await startNginx(
    config,
    { 'bank.cert': bankPem.cert, 'bank.key': bankPem.key },
    healthUrl(ports.status),
  );
  stopNginx = nginx.stop;

  const rows: string[][] = [['route', 'services', 'targets', 'live answer', 'try it']];
  const backend = (body: string): string => (JSON.parse(body) as { backend: string }).backend;
  const curl = (host: string, path: string, tls = false): string =>
    tls
      ? `curl -k --resolve ${host}:${ports.https}:127.0.0.1 https://${host}:${ports.https}${path}`
      : `curl -H 'Host: ${host}' http://127.0.0.1:${ports.http}${path}`;
  for (const vh of model.virtualHosts) {
    for (const loc of vh.locations) {
      const pool = model.httpPools.find((p) => p.name === loc.pool);
      const path = loc.path === '/' ? '/' : `${loc.path}/x`;
      let answer: string;
      if (loc.websocket) {
        const ws = await websocketEcho(ports.http, vh.host, loc.path, 'hello');
        answer = `${ws.status} upgrade, echoed "${ws.echoed}"`;
      } else if (vh.tls) {
        const r = await get(ports.https, vh.host, path, { tls: { ca: bankPem.cert } });
        answer = `${r.status} via TLS from ${backend(r.body)}`;
      } else {
        const r = await get(ports.http, vh.host, path);
        answer = r.status === 302 ? `302 → ${r.headers.location}` : `${r.status} from ${backend(r.body)}`;
      }
      rows.push([
        `${vh.host}${loc.path}`,
        pool?.services.join(', ') ?? '',
        String(pool?.targets.length ?? 0),
        answer,
        curl(vh.host, path, Boolean(vh.tls)),
      ]);
    }
  }
  for (const ph of model.passthroughHosts) {
    const g = await tlsGreeting(ports.https, ph.host, vaultPem.cert);
    const pool = model.streamPools.find((p) => p.name === ph.pool);
    rows.push([
      `${ph.host} (TLS passthrough)`,
      pool?.services.join(', ') ?? '',
      String(pool?.targets.length ?? 0),
      `app's own certificate CN=${g.cn}`,
      `openssl s_client -connect 127.0.0.1:${ports.https} -servername ${ph.host}`,
    ]);
  }
  const unknown = await get(ports.http, 'unknown.demo.test', '/');
  rows.push(['unknown.demo.test', '-', '-', `${unknown.status} (no route)`, curl('unknown.demo.test', '/')]);

  let canaryHits = 0;
  for (let i = 0; i < 200; i++)
    if (backend((await get(ports.http, 'shop.demo.test', '/')).body).startsWith('shop_web-canary'))
      canaryHits++;

  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '));
  console.log(
    `\ncanary: shop_web-canary answered ${canaryHits} of 200 requests (${(canaryHits / 2).toFixed(0)} %; 1 of 5 tasks → 20 %)`,
  );
  console.log(
    `proxy joins networks: ${model.networks.map((n) => n.name).join(', ')}; secrets: ${model.secrets.join(', ')}`,
  );
  console.log(
    `rejected services: ${routes.rejected.map((r) => r.service).join(', ') || 'none'} (the rest still route)`,
  );

  if (process.stdout.isTTY && !process.argv.includes('--once')) {
    console.log('\nServing; press Ctrl-C to stop.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
} catch (e) {
  process.stderr.write(`demo failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await shutdown();
}
