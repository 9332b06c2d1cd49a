import { createTestNetwork, createTestService, TEST_LABEL, updateService } from '../../testing/swarm.js';
import { counterSum, type LoadEnv, untilAnswer } from './environment.js';
import { summarize } from './stats.js';

export interface WorkerScalingRow {
  workers: number;
  rounds: number;
  jobs: number;
  /** Median over rounds of jobs done / seconds from the relabel until every cluster served it. */
  jobsPerSecond: number;
  roundSeconds: number[];
  /** Mean seconds one job took inside a worker (pick-up to its last rollout status). */
  jobSecondsMean: number;
}

/**
 * Config jobs per second for each worker count in `counts` (ascending: workers are only added). The env's
 * clusters each hold one small app on a network of its own; a round relabels every app at once, which makes
 * one job per cluster, and lasts until every cluster's proxies serve the new config.
 */
export async function runWorkerScaling(
  env: LoadEnv,
  counts: number[],
  rounds: number,
): Promise<WorkerScalingRow[]> {
  const { client, prefix, clusters } = env;
  const apps = clusters.map((cluster, i) => ({
    cluster,
    name: `${prefix}-w${i}`,
    host: `w${i}.${prefix}.test`,
  }));
  for (const [i, app] of apps.entries()) {
    await createTestNetwork(client, prefix, `${prefix}-wn${i}`);
    await createTestService(client, prefix, {
      name: app.name,
      networks: [`${prefix}-wn${i}`],
      replicas: 1,
      labels: {
        'com.docker.lb.hosts': app.host,
        'com.docker.lb.port': '8080',
        'com.docker.lb.service_cluster': app.cluster,
      },
    });
  }
  await env.inSync('one app per cluster routed', 600_000);
  const rows: WorkerScalingRow[] = [];
  for (const count of counts) {
    while (env.workers.length < count) await env.addWorker();
    const roundSeconds: number[] = [];
    let jobs = 0;
    const durationBefore = await jobDurations(env);
    for (let r = 0; r < rounds; r++) {
      const path = `/w${count}r${r}`;
      const doneBefore = await doneJobs(env);
      const versionsBefore = await env.versions();
      const started = Date.now();
      await Promise.all(
        apps.map((app) =>
          updateService(client, app.name, (spec) => ({
            Labels: {
              ...spec.Labels,
              'com.docker.lb.context_root': path,
              'com.docker.lb.context_root_rewrite': 'true',
              [TEST_LABEL]: prefix,
            },
          })),
        ),
      );
      await env.inSyncAfter(versionsBefore, `round ${r + 1} with ${count} workers`);
      roundSeconds.push((Date.now() - started) / 1000);
      jobs += (await doneJobs(env)) - doneBefore;
      const last = apps.at(-1);
      if (
        last &&
        (await untilAnswer(env, last.host, (x) => x.status === 200, Date.now(), 30_000, `${path}/`)) ===
          undefined
      )
        throw new Error(`${last.host}${path}/ does not answer after round ${r + 1}`);
    }
    const durationAfter = await jobDurations(env);
    const perRound = roundSeconds.map((s) => clusters.length / s);
    rows.push({
      workers: count,
      rounds,
      jobs,
      jobsPerSecond: summarize(perRound).p50,
      roundSeconds,
      jobSecondsMean:
        (durationAfter.sum - durationBefore.sum) / Math.max(1, durationAfter.count - durationBefore.count),
    });
  }
  return rows;
}

async function doneJobs(env: LoadEnv): Promise<number> {
  let n = 0;
  for (const w of env.workers) n += await counterSum(w.metrics.jobs, { result: 'done' });
  return n;
}

/** Sum and count of every worker's job-duration histogram. */
async function jobDurations(env: LoadEnv): Promise<{ sum: number; count: number }> {
  const total = { sum: 0, count: 0 };
  for (const w of env.workers) {
    const { values } = await w.metrics.jobDuration.get();
    total.sum += values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    total.count += values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  }
  return total;
}
