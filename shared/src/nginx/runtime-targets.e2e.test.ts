import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { get } from '../../../testing/http-client.js';
import { type RunningNginx, startNginx } from '../../../testing/nginx-process.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import { closeAll, type EchoReply, freePort, startEchoUpstream } from '../../../testing/upstreams.js';
import { CONFIG_STAMP_PATH, stampOf } from './config-stamp.js';
import { healthUrl } from './internal-endpoints.js';
import { type RuntimeTargets, renderTargets, TARGETS_PATH } from './runtime-targets.js';

/**
 * Run-time targets on real nginx: the config names no task, the Lua balancer takes its targets from what is
 * pushed to the local endpoint, and nothing is reloaded when they change.
 */
const APP_PORT = await freePort();
const HTTP = await freePort();
const STATUS = await freePort();
const runtime: RuntimeTargets = { pushPort: await freePort(), noTargetsPort: await freePort() };
const servers: Server[] = [];
let nginx: RunningNginx | undefined;

function cluster(web: string[], sticky: string[] = ['127.0.9.1', '127.0.9.2', '127.0.9.3']) {
  const svc = (name: string, labels: Record<string, string>, addresses: string[]): FixtureService => ({
    name,
    networks: ['front'],
    replicas: addresses.length,
    taskAddresses: addresses,
    labels: Object.fromEntries(
      Object.entries({ port: String(APP_PORT), ...labels }).map(([k, v]) => [`com.docker.lb.${k}`, v]),
    ),
  });
  return renderFixture({
    services: [
      svc('web', { hosts: 'web.test' }, web),
      svc('sticky', { hosts: 'sticky.test', sticky_session_cookie: 'Session' }, sticky),
      svc('pinned', { hosts: 'pinned.test', ip_hash: 'true' }, sticky),
    ],
    settings: { WorkerProcesses: 1, ErrorLogPath: '/dev/stderr' },
    ports: { http: HTTP, https: await0(), publishedHttps: 443 },
    runtimeTargets: runtime,
    statusPort: STATUS,
  });
}
// The HTTPS port is unused (no TLS host); any number nginx will not bind.
const await0 = () => 443;

async function push(body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${runtime.pushPort}${TARGETS_PATH}`, { method: 'POST', body });
  return { status: res.status, text: (await res.text()).trim() };
}

const backend = async (host: string, headers: Record<string, string> = {}): Promise<string> => {
  const res = await get(HTTP, host, '/', { headers });
  return res.status === 200 ? (JSON.parse(res.body) as EchoReply).backend : String(res.status);
};

async function backends(host: string, n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const b = await backend(host);
    seen.set(b, (seen.get(b) ?? 0) + 1);
  }
  return seen;
}

const first = cluster(['127.0.8.1', '127.0.8.2']);

beforeAll(async () => {
  for (const ip of ['127.0.8.1', '127.0.8.2', '127.0.8.3', '127.0.9.1', '127.0.9.2', '127.0.9.3'])
    servers.push(await startEchoUpstream(ip, APP_PORT, ip));
  // The push endpoint answers from the start; the health check only once targets are in.
  nginx = await startNginx(first.config, {}, `http://127.0.0.1:${runtime.pushPort}${TARGETS_PATH}`);
}, 30_000);

afterAll(async () => {
  await nginx?.stop();
  await closeAll(servers);
});

describe('run-time targets on real nginx', () => {
  it('names no task in the config, answers 503 and reports unhealthy until targets arrive', async () => {
    expect(first.config).not.toContain('127.0.8.1');
    expect(await backend('web.test')).toBe('503');
    expect((await fetch(healthUrl(STATUS))).status).toBe(503);
    const res = await fetch(`http://127.0.0.1:${runtime.pushPort}${TARGETS_PATH}`);
    expect((await res.text()).trim()).toBe('none');
  });

  it('answers the stamp its config names, for the agent to confirm what nginx runs', async () => {
    const stamp = stampOf(first.config);
    expect(stamp?.url).toBe(`http://127.0.0.1:${STATUS}${CONFIG_STAMP_PATH}`);
    const res = await fetch(stamp?.url ?? '');
    expect((await res.text()).trim()).toBe(stamp?.stamp);
  });

  it('round-robins over pushed targets and reports the version in force', async () => {
    const { version, text } = renderTargets(first.model);
    expect(await push(text)).toEqual({ status: 200, text: version });
    expect((await fetch(healthUrl(STATUS))).status).toBe(200);
    expect(Object.fromEntries(await backends('web.test', 10))).toEqual({ '127.0.8.1': 5, '127.0.8.2': 5 });
    const res = await fetch(`http://127.0.0.1:${runtime.pushPort}${TARGETS_PATH}`);
    expect((await res.text()).trim()).toBe(version);
  });

  it('takes a scaled-up and a scaled-down pool without a new config or a reload', async () => {
    const up = cluster(['127.0.8.1', '127.0.8.2', '127.0.8.3']);
    expect(up.config).toBe(first.config);
    await push(renderTargets(up.model).text);
    expect([...(await backends('web.test', 9)).keys()].sort()).toEqual([
      '127.0.8.1',
      '127.0.8.2',
      '127.0.8.3',
    ]);
    const down = cluster(['127.0.8.3']);
    await push(renderTargets(down.model).text);
    expect(Object.fromEntries(await backends('web.test', 6))).toEqual({ '127.0.8.3': 6 });
    await push(renderTargets(cluster([]).model).text);
    expect(await backend('web.test')).toBe('503');
  });

  it('retries a target that refuses the connection on the next one, so a leaving task costs no request', async () => {
    // 127.0.8.4 runs nothing: every connection to it is refused.
    await push(renderTargets(cluster(['127.0.8.1', '127.0.8.4']).model).text);
    expect(Object.fromEntries(await backends('web.test', 10))).toEqual({ '127.0.8.1': 10 });
  });

  it('keeps a sticky cookie (case kept) and a client address on one target', async () => {
    await push(renderTargets(first.model).text);
    const a = await backend('sticky.test', { cookie: 'other=1; Session=alpha' });
    for (let i = 0; i < 5; i++) expect(await backend('sticky.test', { cookie: 'Session=alpha' })).toBe(a);
    const spread = new Set<string>();
    for (let i = 0; i < 30; i++) spread.add(await backend('sticky.test', { cookie: `Session=s${i}` }));
    expect(spread.size).toBe(3);
    const noCookie = await backends('sticky.test', 6);
    expect(noCookie.size).toBe(3);
    const pinned = await backend('pinned.test');
    for (let i = 0; i < 5; i++) expect(await backend('pinned.test')).toBe(pinned);
  });

  it('refuses a body that is not the wire format and keeps the targets in force', async () => {
    const before = await fetch(`http://127.0.0.1:${runtime.pushPort}${TARGETS_PATH}`).then((r) => r.text());
    expect((await push('web 127.0.8.9:1')).status).toBe(400);
    expect(await fetch(`http://127.0.0.1:${runtime.pushPort}${TARGETS_PATH}`).then((r) => r.text())).toBe(
      before,
    );
    expect((await backends('web.test', 4)).size).toBe(2);
  });
});
