/**
 * `npm run loadtest [-- --quick] [scenario …]`: the load, scale and fault suite against the real swarm,
 * Redis and nginx on this machine. Scenarios: convergence, storms, rolling, workers, faults (all by
 * default). Each runs in a Signalbox of its own (coordinator and workers in this process, proxies and a
 * front door on the swarm), prints its tables, writes JSON and SVG plots to loadtest/results/, and removes
 * everything it created, also when it fails. `--quick` shrinks every size (the test command runs a quick
 * subset as loadtest/suite/loadtest-quick.int.test.ts). Traffic goes only to 127.0.0.1; every loop and wait
 * has a count and a time limit.
 */
import { join } from 'node:path';
import { runConvergence } from './suite/convergence.js';
import { type LoadEnv, type LoadEnvOptions, startLoadEnv } from './suite/environment.js';
import { runFaults } from './suite/faults.js';
import { Report } from './suite/report.js';
import { runRollingUpdate, runStorms } from './suite/storms.js';
import { runWorkerScaling } from './suite/worker-scaling.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
const wanted = (name: string) => chosen.length === 0 || chosen.includes(name);
const size = (full: number, small: number) => (quick ? small : full);
const report = new Report(join(import.meta.dirname, 'results'));

/** The goal is no failed request in any scenario, and the suite holds the product to it: exit 1 naming each. */
const shortfalls: string[] = [];
const expectNoFailures = (what: string, failed: number, requests: number, detail: string): void => {
  if (failed > 0) shortfalls.push(`${what}: ${failed} failed of ${requests} (${detail})`);
};

async function within<T>(options: LoadEnvOptions, run: (env: LoadEnv) => Promise<T>): Promise<T> {
  const env = await startLoadEnv(options);
  try {
    return await run(env);
  } finally {
    await env.stop();
  }
}

if (wanted('convergence'))
  report.convergence(
    await within({ clusters: 4 }, (env) =>
      runConvergence(env, { services: size(1000, 50), trials: size(50, 5) }),
    ),
  );
// Two proxy replicas per cluster, the product's default: the front door retries a task that dies mid-storm.
if (wanted('storms')) {
  const storms = await within({ clusters: 4, proxyReplicas: 2 }, (env) => runStorms(env, size(200, 20)));
  report.storms(storms);
  for (const s of storms)
    expectNoFailures(`storm ${s.storm}`, s.loadFailed, s.loadRequests, s.failures.join(' | '));
}
if (wanted('rolling')) {
  const rolling = await within({ clusters: 1 }, (env) => runRollingUpdate(env, size(20, 6)));
  report.rolling(rolling);
  expectNoFailures('rolling update', rolling.failed, rolling.requests, rolling.failures.join(' | '));
}
if (wanted('workers')) {
  const clusters = size(12, 4);
  report.workers(
    await within({ clusters, workers: 1 }, (env) =>
      runWorkerScaling(env, quick ? [1, 2] : [1, 2, 4], size(3, 1)),
    ),
    clusters,
  );
}
if (wanted('faults')) {
  const faults = await runFaults({ quick });
  report.faults(faults);
  for (const f of faults) expectNoFailures(f.fault, f.failed, f.requests, f.detail);
}
for (const s of shortfalls) console.error(`FAILED: ${s}`);
process.exit(shortfalls.length > 0 ? 1 : 0);
