/**
 * `npm run bench:reload`: what one nginx reload costs clients that do not retry. Real nginx on 127.0.0.1
 * with a one-line config; steady load from 4 clients, first on keep-alive connections, then on a new
 * connection per request; BENCH_RELOADS graceful reloads (SIGHUP to the master) 250 ms apart during each.
 * A reload makes the old workers close their idle keep-alive connections, and a client that sends its next
 * request on one at that instant sees "socket hang up": this is why the front door takes HTTP hosts at run
 * time (its host map) instead of reloading. Bounded: each phase ends after its reloads plus 0.5 s.
 */

import { startNginx } from '../testing/nginx-process.js';
import { steadyLoad } from '../testing/steady-load.js';
import { freePort } from '../testing/upstreams.js';

const RELOADS = Number(process.env.BENCH_RELOADS ?? 40);
const port = await freePort();
const nginx = await startNginx(
  `worker_processes 2;
pid /run/nginx-bench.pid;
error_log /dev/stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "ok\\n"; }
  }
}
`,
  {},
  `http://127.0.0.1:${port}/`,
);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows: string[] = [];
try {
  for (const keepAlive of [true, false]) {
    const load = steadyLoad(port, 'bench.test', { concurrency: 4, keepAlive, maxMs: RELOADS * 300 + 10_000 });
    for (let i = 0; i < RELOADS; i++) {
      await pause(250);
      process.kill(nginx.pid, 'SIGHUP');
    }
    await pause(500);
    const result = await load.stop();
    const kinds = new Map<string, number>();
    for (const f of result.failures) kinds.set(String(f.status), (kinds.get(String(f.status)) ?? 0) + 1);
    const perReload = (result.failures.length / Math.max(1, RELOADS)).toFixed(2);
    rows.push(
      `| ${keepAlive ? 'keep-alive' : 'new connection each'} | ${RELOADS} | ${result.requests} | ${result.failures.length} (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ') || '-'}) | ${perReload} |`,
    );
  }
} finally {
  await nginx.stop();
}
console.log('4 clients without retries against nginx on 127.0.0.1, reloaded 250 ms apart\n');
console.log('| connections | reloads | requests | failed | failed per reload |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
