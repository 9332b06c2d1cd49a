import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport__Output } from '#shared/gen/signalbox/v1/StatusReport.js';
import { TEST_TOKEN } from '../../../testing/coordinator-harness.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { gwbridgeAddressOf, waitFor } from '../../../testing/swarm.js';
import type { CliIo } from './cli-io.js';
import { main } from './main.js';

/**
 * The operator surface against a real coordinator, worker, Redis and swarm: every CLI read command, the
 * metrics and health endpoints of coordinator and worker, and the dashboard in headless Chromium.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const east = `${prefix}-east`;
const west = `${prefix}-west`;
const webHost = `web.${prefix}.test`;
const apiHost = `api.${prefix}.test`;
const badHost = `bad.${prefix}.test`;
/** The dashboard's and /metrics' read-only token: this coordinator has one, so the API token is no key there. */
const VIEWER_TOKEN = 'viewer-token-0123456789abcdef';
const viewer = { authorization: `Bearer ${VIEWER_TOKEN}` };

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], token = TEST_TOKEN): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readFile: async () => '',
  };
  const code = await main(args, io, {
    SIGNALBOX_COORDINATOR: `127.0.0.1:${scenario.coordinator.grpcPort}`,
    SIGNALBOX_GRPC_TOKEN: token,
  });
  return { code, stdout, stderr };
}

/**
 * Runs in the browser (a string: this project compiles without DOM types): decodes a PNG and counts the
 * pixels near each named colour.
 */
const COUNT_COLOURS = `async ({ png, ...colours }) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const out = { width: img.width };
  for (const [name, [r, g, b]] of Object.entries(colours)) {
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 60) n++;
    out[name] = n;
  }
  return out;
}`;

const httpGet = async (port: number, path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
};

beforeAll(async () => {
  await scenario.start({
    apps: [
      { name: 'web', host: webHost, cluster: east, network: 'front', replicas: 2 },
      { name: 'api', host: apiHost, cluster: west, network: 'back' },
      { name: 'bad', host: badHost, network: 'front', labels: { 'com.docker.lb.port': 'eighty' } },
    ],
    clusters: [
      { extension: 'east', cluster: east, proxyReplicas: 1 },
      { extension: 'west', cluster: west, proxyReplicas: 1 },
    ],
    env: { SIGNALBOX_VIEWER_TOKEN: VIEWER_TOKEN },
    worker: { concurrency: 2, http: { host: '127.0.0.1', port: 0 } },
  });
  await waitFor(
    'both clusters live and in sync',
    async () => {
      const { stdout } = await cli(['status', '--json']);
      const s = JSON.parse(stdout || '{}') as Partial<StatusReport__Output>;
      const synced = s.clusters?.filter((c) => c.inSync && c.rollout?.tasksServing === 1) ?? [];
      return synced.length === 2 ? s : undefined;
    },
    150_000,
  );
}, 240_000);

afterAll(() => scenario.stop(), 120_000);

describe('signalbox CLI against a running coordinator', () => {
  it('status: desired and live versions agree once a rollout served; text and JSON', async () => {
    const json = await cli(['status', '--json']);
    expect(json.code).toBe(0);
    const s = JSON.parse(json.stdout) as StatusReport__Output;
    expect(s.leader).toBe(true);
    for (const c of s.clusters) {
      expect(c.liveVersion).toBe(c.desiredVersion);
      expect(c.liveConfig).toMatch(/^signalbox-[a-z2-7]{52}$/);
      expect(c.behindSeconds).toBe(0);
    }
    expect(s.clusters.map((c) => [c.name, c.networks, c.routes, c.services]).sort()).toEqual([
      [east, 1, 1, 1],
      [west, 1, 1, 1],
    ]);
    // The coordinator watches the whole swarm, which may hold other runs' services: count only this run's.
    expect(s.rejections.filter((r) => r.service.startsWith(prefix)).map((r) => r.service)).toEqual([
      `${prefix}-bad`,
    ]);
    expect(s.rejectedServices).toBe(new Set(s.rejections.map((r) => r.service)).size);
    expect(s.queue?.completed).toBeGreaterThanOrEqual(2);
    const text = await cli(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^CLUSTER\s+PROXY\s+DESIRED\s+LIVE\s+SYNC/m);
    expect(text.stdout).toMatch(
      new RegExp(`^${east}\\s+${east}-proxy\\s+[0-9a-f]{16}\\s+[0-9a-f]{16}\\s+in sync`, 'm'),
    );
  });

  it('routes, per cluster, and a clear error for a cluster with none', async () => {
    const all = await cli(['routes']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      new RegExp(`^${webHost.replace(/\./g, '\\.')}\\s+/\\s+${east}\\s+${prefix}-web\\s+\\S+:8080`, 'm'),
    );
    expect(all.stdout).toMatch(/rejected:\n.*com\.docker\.lb\.port.*eighty/);
    const west1 = JSON.parse((await cli(['routes', '--cluster', west, '--json'])).stdout);
    expect(west1.routes.map((x: { host: string }) => x.host)).toEqual([apiHost]);
    const none = await cli(['routes', '--cluster', 'nope']);
    expect([none.code, none.stderr]).toEqual([
      1,
      'signalbox routes: no routes in cluster "nope" (see signalbox status)\n',
    ]);
  });

  it('explain: route, cluster and why, every task with its traffic, the nginx server block', async () => {
    const res = await cli(['explain', `${webHost}/some/page`, '--json']);
    expect(res.code).toBe(0);
    const e = JSON.parse(res.stdout);
    expect(e.routes.map((x: { cluster: string }) => x.cluster)).toEqual([east]);
    expect(e.reasons[`${prefix}-web`]).toMatch(/\S/);
    const running = e.tasks.filter((t: { state: string }) => t.state === 'running');
    expect(running).toHaveLength(2);
    expect(running.every((t: { target: boolean }) => t.target)).toBe(true);
    expect(e.serverBlock).toContain(`server_name ${webHost};`);
    expect(e.serverBlock).toMatch(/^ {2}server \{\n[\s\S]*\n {2}\}\n$/);
    const text = await cli(['explain', webHost]);
    expect(text.stdout).toContain(`${webHost}/ → cluster ${east}`);
    expect(text.stdout).toMatch(/gets traffic/);
    expect(text.stdout).toContain('nginx:');
  });

  it('explain of an unknown or rejected host: exit 1 and one line saying why', async () => {
    const unknown = await cli(['explain', `nothing.${prefix}.test`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `signalbox explain: no route serves nothing.${prefix}.test/: it answers 503 (or the default backend)\n`,
    );
    const bad = await cli(['explain', badHost]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')).toHaveLength(2);
    expect(bad.stderr).toMatch(/label errors: .*com\.docker\.lb\.port.*"eighty"/);
  });

  it('errors are one line with documented exit codes: usage 2, refused or unreachable coordinator 4', async () => {
    const usage = await cli(['explain']);
    expect([usage.code, usage.stderr]).toEqual([
      2,
      'signalbox explain: usage: signalbox explain HOST[/PATH] [--json]\n',
    ]);
    const unknownFlag = await cli(['status', '--frobnicate']);
    expect(unknownFlag.code).toBe(2);
    const wrong = await cli(['status'], 'not-the-token-0123456789');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/^signalbox status: coordinator 127\.0\.0\.1:\d+: .*token.*\n$/);
    let stderr = '';
    const io: CliIo = {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      readFile: async () => '',
    };
    const down = await main(['routes', '--coordinator', '127.0.0.1:1'], io, {
      SIGNALBOX_GRPC_TOKEN: TEST_TOKEN,
    });
    expect(down).toBe(4);
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/^signalbox routes: coordinator 127\.0\.0\.1:1: /);
  }, 30_000);

  it('plan --dry-run shows metrics before and after and changes nothing; plan applies', async () => {
    const before = JSON.parse((await cli(['status', '--json'])).stdout) as StatusReport__Output;
    const dry = await cli(['plan', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const p = JSON.parse(dry.stdout);
    expect(p.applied).toBe(false);
    // Both apps are pinned by label, so a fresh plan can only agree with the one in force.
    expect(p.moves).toEqual([]);
    expect(p.after.maxNetworksPerProxy).toBe(p.before.maxNetworksPerProxy);
    expect(p.before.maxNetworksPerProxy).toBe(1);
    const text = await cli(['plan', '--dry-run']);
    expect(text.stdout).toMatch(/^max networks per proxy\s+1\s+1$/m);
    expect(text.stdout).toContain('dry run: nothing changed');
    const applied = JSON.parse((await cli(['plan', '--json'])).stdout);
    expect(applied.applied).toBe(true);
    const after = JSON.parse((await cli(['status', '--json'])).stdout) as StatusReport__Output;
    expect(after.clusters.map((c) => c.desiredVersion)).toEqual(before.clusters.map((c) => c.desiredVersion));
  });
});

describe('metrics and health endpoints', () => {
  it('the coordinator serves health and readiness openly, Prometheus metrics with the viewer token only', async () => {
    const port = scenario.coordinator.httpPort;
    expect((await httpGet(port, '/healthz')).status).toBe(200);
    expect((await httpGet(port, '/readyz')).status).toBe(200);
    expect((await httpGet(port, '/metrics')).status).toBe(401);
    expect((await httpGet(port, '/metrics', { authorization: `Bearer ${TEST_TOKEN}` })).status).toBe(401);
    const m = await httpGet(port, '/metrics', viewer);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(m.body).toMatch(
      new RegExp(`^signalbox_config_jobs_total\\{cluster="${east}",outcome="enqueued"\\} [1-9]`, 'm'),
    );
    expect(m.body).toMatch(new RegExp(`^signalbox_proxy_networks\\{cluster="${east}"\\} 1$`, 'm'));
    expect(m.body).toMatch(new RegExp(`^signalbox_cluster_routes\\{cluster="${west}"\\} 1$`, 'm'));
    expect(m.body).toMatch(/^signalbox_grpc_requests_total\{method="GetStatus",code="OK"\} [1-9]/m);
    expect(m.body).toMatch(
      /^signalbox_grpc_requests_total\{method="GetStatus",code="UNAUTHENTICATED"\} [1-9]/m,
    );
    expect(m.body).toMatch(/^signalbox_change_signals_total\{reason="event"\} [1-9]/m);
    expect(m.body).toMatch(/^signalbox_reconcile_pass_seconds_count [1-9]/m);
    expect(m.body).toMatch(/^signalbox_coordinator_leader 1$/m);
    expect(m.body).toMatch(/^signalbox_rejected_services [1-9][0-9]*$/m);
  });

  it('the worker serves health, readiness and its rollout metrics', async () => {
    const port = scenario.worker.httpPort ?? 0;
    expect((await httpGet(port, '/healthz')).status).toBe(200);
    expect((await httpGet(port, '/readyz')).body).toBe('ready\n');
    const m = (await httpGet(port, '/metrics')).body;
    for (const stage of ['snapshot', 'rendered', 'validated', 'stored', 'started', 'serving'])
      expect(m).toMatch(
        new RegExp(`^signalbox_rollout_stages_total\\{cluster="${east}",stage="${stage}"\\} [1-9]`, 'm'),
      );
    expect(m).toMatch(/^signalbox_event_to_live_seconds_count [1-9]/m);
    expect(m).toMatch(/^signalbox_worker_jobs_total\{result="done"\} [1-9]/m);
    expect(m).toMatch(/^signalbox_nginx_validate_seconds_count [1-9]/m);
  });
});

describe('proxy metrics', () => {
  it("a cluster proxy serves nginx's counters and the checksum of its live config on :9113", async () => {
    const address = await waitFor('the east proxy task', () => gwbridgeAddressOf(client, `${east}-proxy`));
    const body = await waitFor('proxy metrics', async () => {
      const res = await fetch(`http://${address}:9113/metrics`).catch(() => undefined);
      return res?.ok ? res.text() : undefined;
    });
    expect(body).toMatch(/^nginx_up 1$/m);
    expect(body).toMatch(/^# TYPE nginx_http_requests_total counter$/m);
    // Docker's health check asks the proxy every 2 s.
    expect(Number(/^nginx_http_requests_total (\d+)$/m.exec(body)?.[1])).toBeGreaterThan(0);
    const live = (JSON.parse((await cli(['status', '--json'])).stdout) as StatusReport__Output).clusters.find(
      (c) => c.name === east,
    );
    const stored = await client.getConfig(live?.liveConfig ?? '').inspect();
    const sha = createHash('sha256')
      .update(Buffer.from(stored.Spec?.Data ?? '', 'base64'))
      .digest('hex');
    expect(body).toContain(`signalbox_proxy_config_info{sha256="${sha.slice(0, 12)}"} 1`);
    expect((await fetch(`http://${address}:9113/other`)).status).toBe(404);
  });
});

describe('dashboard in headless Chromium', () => {
  it('refuses a request without the viewer token, and the API token too, which so stays out of browsers', async () => {
    const res = await httpGet(scenario.coordinator.httpPort, '/dashboard/');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(res.body).toMatch(/the viewer token/);
    const api = await httpGet(scenario.coordinator.httpPort, '/dashboard/api/status', {
      authorization: `Bearer ${TEST_TOKEN}`,
    });
    expect(api.status).toBe(401);
    const bearer = await httpGet(scenario.coordinator.httpPort, '/dashboard/api/status', viewer);
    expect(JSON.parse(bearer.body).clusters).toHaveLength(2);
  });

  it('shows clusters in sync, draws apps → clusters → networks, and lists the job queue', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({
        httpCredentials: { username: 'operator', password: VIEWER_TOKEN },
        viewport: { width: 1100, height: 800 },
      });
      const base = `http://127.0.0.1:${scenario.coordinator.httpPort}/dashboard/`;
      await page.goto(base);
      for (const cluster of [east, west]) {
        const row = page.locator(`#clusters tr[data-cluster="${cluster}"]`);
        await row.waitFor();
        expect(await row.textContent()).toMatch(/in sync/);
      }
      // The page refreshes itself: the rows are rebuilt from /api/status without a reload.
      await page.waitForResponse((res) => res.url().endsWith('/dashboard/api/status') && res.ok());
      const ids = (kind: string) =>
        page.locator(`#topology g.${kind}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      const drawn = {
        apps: await ids('app'),
        clusters: await ids('cluster'),
        networks: await ids('network'),
        edges: await page.locator('#topology path').count(),
      };
      expect(drawn.apps.sort()).toEqual([`${prefix}-api`, `${prefix}-web`]);
      expect(drawn.clusters.sort()).toEqual([east, west]);
      expect(drawn.networks.sort()).toEqual([`${prefix}-back`, `${prefix}-front`]);
      expect(drawn.edges).toBe(4);

      const shot = await page.locator('#topology svg').screenshot();
      mkdirSync('.tmp', { recursive: true });
      writeFileSync('.tmp/dashboard-topology.png', shot);
      await page.screenshot({ path: '.tmp/dashboard.png', fullPage: true });
      // The screenshot itself, decoded by the browser: both cluster colours must be on screen.
      const colours = (await page.evaluate(
        `(${COUNT_COLOURS})(${JSON.stringify({ png: shot.toString('base64'), blue: [0x25, 0x63, 0xeb], green: [0x16, 0xa3, 0x4a] })})`,
      )) as { width: number; blue: number; green: number };
      expect(colours.width).toBeGreaterThan(900);
      expect(colours.blue).toBeGreaterThan(100);
      expect(colours.green).toBeGreaterThan(100);

      await page.goto(`${base}queues`);
      await page.getByText('config jobs').first().waitFor({ timeout: 20_000 });
    } finally {
      await browser.close();
    }
  }, 90_000);
});
