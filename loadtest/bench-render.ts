/**
 * `npm run bench:render`: clusters of 1,000 and 10,000 services (3 tasks each) through the whole routing
 * core, then `nginx -t` of the same file. Prints render time, config size and nginx -t time side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultNginxSettings } from '#shared/config/index.js';
import { renderCluster } from '#shared/nginx/index.js';
import { assembleCluster, buildRoutes } from '#shared/routing/index.js';
import { parseSnapshot } from '#shared/swarm/index.js';
import { buildEngineSnapshot, type FixtureService } from '../testing/engine-fixtures.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

function services(n: number): FixtureService[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `app-${i}`,
    networks: [`tenant-${i % 50}`],
    replicas: 3,
    labels: {
      'com.docker.lb.hosts': `app-${i}.tenant-${i % 50}.example.org`,
      'com.docker.lb.port': '8080',
      ...(i % 10 === 0
        ? { 'com.docker.lb.context_root': '/api', 'com.docker.lb.context_root_rewrite': 'true' }
        : {}),
      ...(i % 25 === 0 ? { 'com.docker.lb.sticky_session_cookie': 'session' } : {}),
    },
  }));
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Row {
  services: number;
  buildMs: number;
  renderMs: number;
  bytes: number;
  nginxMs: number;
  heapMb: number;
}

const rows: Row[] = [];
const dir = mkdtempSync(join(tmpdir(), 'signalbox-bench-'));
try {
  for (const n of SIZES) {
    const json = JSON.parse(JSON.stringify(buildEngineSnapshot(services(n))));
    const settings = {
      ...defaultNginxSettings(),
      User: 'www-data',
      PidPath: join(dir, 'nginx.pid'),
      AccessLogPath: '/dev/null',
      ErrorLogPath: join(dir, 'error.log'),
    };
    const build: number[] = [];
    const render: number[] = [];
    let config = '';
    for (let r = 0; r < REPEAT; r++) {
      const t0 = performance.now();
      const { snapshot } = parseSnapshot(json);
      const routes = buildRoutes(snapshot);
      const model = assembleCluster('', routes.routes);
      const t1 = performance.now();
      config = renderCluster(model, {
        settings,
        ports: { http: 80, https: 443, publishedHttps: 443 },
        serverInfo: 'bench',
      });
      build.push(t1 - t0);
      render.push(performance.now() - t1);
    }
    const file = join(dir, `nginx-${n}.conf`);
    writeFileSync(file, config);
    const nginx: number[] = [];
    for (let r = 0; r < Math.max(3, Math.ceil(REPEAT / 2)); r++) {
      const t0 = performance.now();
      execFileSync('/usr/sbin/nginx', ['-t', '-q', '-p', dir, '-c', file], { stdio: 'pipe' });
      nginx.push(performance.now() - t0);
    }
    rows.push({
      services: n,
      buildMs: median(build),
      renderMs: median(render),
      bytes: config.length,
      nginxMs: median(nginx),
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('services  parse+route ms  render ms  config MB  nginx -t ms  heap MB');
for (const r of rows) {
  console.log(
    `${String(r.services).padStart(8)}  ${r.buildMs.toFixed(1).padStart(13)}  ${r.renderMs.toFixed(1).padStart(9)}  ${(r.bytes / 2 ** 20).toFixed(2).padStart(9)}  ${r.nginxMs.toFixed(0).padStart(11)}  ${r.heapMb.toFixed(0).padStart(7)}`,
  );
}
const [small, large] = rows;
if (small && large) {
  const scale = large.services / small.services;
  console.log(
    `nginx -t grows ${(large.nginxMs / small.nginxMs).toFixed(1)}x for ${scale}x services (target <= ${scale * 1.2}x); render of ${large.services}: ${large.renderMs.toFixed(1)} ms (target <= 100 ms)`,
  );
}
