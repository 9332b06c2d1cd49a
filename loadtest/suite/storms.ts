import type Docker from 'dockerode';
import { steadyLoad } from '../../testing/steady-load.js';
import {
  APP_IMAGE,
  createTestNetwork,
  createTestService,
  TEST_LABEL,
  tasksMeantToRun,
  updateService,
  waitFor,
} from '../../testing/swarm.js';
import { counterSum, type LoadEnv, untilAnswer } from './environment.js';
import { overTime } from './stats.js';

export interface StormResult {
  storm: string;
  services: number;
  /** From the first API call of the storm until every host answered as it should. */
  seconds: number;
  changeSignals: number;
  jobsEnqueued: number;
  jobsCoalesced: number;
  jobsUnchanged: number;
  rolloutsInPlace: number;
  rolloutsReplace: number;
  workerJobsDone: number;
  loadRequests: number;
  loadFailed: number;
  /** The first few failures of the steady app, with what answered them. */
  failures: string[];
}

async function counters(env: LoadEnv) {
  const m = env.coordinator.metrics;
  let done = 0;
  for (const w of env.workers) done += await counterSum(w.metrics.jobs, { result: 'done' });
  return {
    signals: await counterSum(m.changeSignals),
    enqueued: await counterSum(m.jobs, { outcome: 'enqueued' }),
    coalesced: await counterSum(m.jobs, { outcome: 'coalesced' }),
    unchanged: await counterSum(m.jobs, { outcome: 'unchanged' }),
    inPlace: await counterSum(m.rollouts, { mode: 'in_place' }),
    replace: await counterSum(m.rollouts, { mode: 'replace' }),
    done,
  };
}

/** Runs `storm` under steady load on an app that the storm does not touch, and counts what it caused. */
async function measured(
  env: LoadEnv,
  name: string,
  services: number,
  steadyHost: string,
  storm: () => Promise<void>,
): Promise<StormResult> {
  const before = await counters(env);
  const load = steadyLoad(env.frontDoor.httpPort, steadyHost, { concurrency: 4, maxMs: 900_000 });
  const started = Date.now();
  await storm();
  const seconds = (Date.now() - started) / 1000;
  await env.inSync(`${name}: every cluster in sync`);
  const result = await load.stop();
  const after = await counters(env);
  return {
    storm: name,
    services,
    seconds,
    changeSignals: after.signals - before.signals,
    jobsEnqueued: after.enqueued - before.enqueued,
    jobsCoalesced: after.coalesced - before.coalesced,
    jobsUnchanged: after.unchanged - before.unchanged,
    rolloutsInPlace: after.inPlace - before.inPlace,
    rolloutsReplace: after.replace - before.replace,
    workerJobsDone: after.done - before.done,
    loadRequests: result.requests,
    loadFailed: result.failures.length,
    failures: result.failures.slice(0, 5).map((f) => `${f.status} ${f.body ?? ''}`.trim()),
  };
}

/** Every host answers as `want` says; polled round-robin, each host at most until the deadline. */
async function allAnswer(env: LoadEnv, hosts: string[], path = '/') {
  const since = Date.now();
  for (const host of hosts) {
    if ((await untilAnswer(env, host, (r) => r.status === 200, since, 300_000, path)) === undefined)
      throw new Error(`${host} never answered as expected within 300 s`);
  }
}

/**
 * Event storms: `services` apps (replicas 0) spread over the clusters, then all scaled 0 → 1 at once, then
 * all relabelled at once (a context root, so every cluster's config changes). A steady app in the first
 * cluster is under load throughout.
 */
export async function runStorms(env: LoadEnv, services: number): Promise<StormResult[]> {
  const { client, prefix, clusters } = env;
  const networks = Math.max(1, Math.ceil(services / 25));
  for (let n = 0; n < networks; n++) await createTestNetwork(client, prefix, `${prefix}-sn${n}`);
  const labels = (i: number, more: Record<string, string> = {}) => ({
    'com.docker.lb.hosts': `storm${i}.${prefix}.test`,
    'com.docker.lb.port': '8080',
    'com.docker.lb.service_cluster': clusters[i % clusters.length] as string,
    ...more,
  });
  const steadyHost = `steady.${prefix}.test`;
  await createTestService(client, prefix, {
    name: `${prefix}-steady`,
    networks: [`${prefix}-sn0`],
    replicas: 2,
    labels: { ...labels(0), 'com.docker.lb.hosts': steadyHost },
  });
  const names = Array.from({ length: services }, (_, i) => `${prefix}-storm${i}`);
  const hosts = names.map((_, i) => `storm${i}.${prefix}.test`);
  for (let i = 0; i < services; i += 25)
    await Promise.all(
      names.slice(i, i + 25).map((name, k) =>
        createTestService(client, prefix, {
          name,
          networks: [`${prefix}-sn${(i + k) % networks}`],
          replicas: 0,
          labels: labels(i + k),
        }),
      ),
    );
  await env.inSync('storm services routed', 600_000);
  await allAnswer(env, [steadyHost]);
  const results: StormResult[] = [];
  const atOnce = (change: (name: string, i: number) => Promise<void>) =>
    Promise.all(names.map((name, i) => change(name, i)));

  results.push(
    await measured(env, `scale ${services} services 0 → 1 at once`, services, steadyHost, async () => {
      await atOnce((name) => updateService(client, name, () => ({ Mode: { Replicated: { Replicas: 1 } } })));
      await allAnswer(env, hosts);
    }),
  );
  results.push(
    await measured(
      env,
      `relabel ${services} services at once (context root)`,
      services,
      steadyHost,
      async () => {
        await atOnce((name, i) =>
          updateService(client, name, () => ({
            Labels: {
              ...labels(i, {
                'com.docker.lb.context_root': '/v2',
                'com.docker.lb.context_root_rewrite': 'true',
              }),
              [TEST_LABEL]: prefix,
            },
          })),
        );
        await allAnswer(env, hosts, '/v2/');
      },
    ),
  );
  return results;
}

export interface RollingUpdateResult {
  tasks: number;
  order: string;
  seconds: number;
  requests: number;
  failed: number;
  failures: string[];
  /** p99 latency and failures per second, from 2 s before the update until 3 s after it completed. */
  timeline: { t: number; p99: number; failed: number; requests: number }[];
}

/**
 * A rolling update of a `tasks`-task app under steady load through the front door: start-first, two tasks
 * at a time, each task health-checked (busybox wget), as Interlock's docs advise for zero-downtime updates.
 */
export async function runRollingUpdate(env: LoadEnv, tasks: number): Promise<RollingUpdateResult> {
  const { client, prefix, clusters } = env;
  const name = `${prefix}-rolling`;
  const host = `rolling.${prefix}.test`;
  await createTestNetwork(client, prefix, `${prefix}-rn`);
  await client.createService({
    Name: name,
    Labels: {
      [TEST_LABEL]: prefix,
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': clusters[0] as string,
    },
    TaskTemplate: {
      ContainerSpec: {
        Image: APP_IMAGE,
        Env: ['GENERATION=1'],
        Healthcheck: {
          Test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/'],
          Interval: 1_000_000_000,
          Timeout: 5_000_000_000,
          Retries: 3,
          StartPeriod: 2_000_000_000,
        },
        StopGracePeriod: 2_000_000_000,
      },
      Networks: [{ Target: `${prefix}-rn` }],
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: tasks } },
    UpdateConfig: { Parallelism: 2, Delay: 1_000_000_000, Order: 'start-first', FailureAction: 'pause' },
    EndpointSpec: { Mode: 'vip' },
  } as Docker.CreateServiceOptions);
  await waitFor(
    `${tasks} healthy tasks`,
    async () =>
      (await tasksMeantToRun(client, name)).filter((t) => t.Status?.State === 'running').length === tasks
        ? true
        : undefined,
    300_000,
  );
  await env.inSync('the rolling app routed');
  await untilAnswer(env, host, (r) => r.status === 200, Date.now(), 60_000);
  const load = steadyLoad(env.frontDoor.httpPort, host, { concurrency: 4, maxMs: 900_000 });
  const start = Date.now();
  await new Promise((r) => setTimeout(r, 2_000));
  const updateAt = Date.now();
  await updateService(client, name, (spec) => ({
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: {
        ...(spec.TaskTemplate as Docker.ContainerTaskSpec).ContainerSpec,
        Env: ['GENERATION=2'],
      },
    },
  }));
  await waitFor(
    'the rolling update to complete',
    async () => {
      const svc = await client.getService(name).inspect();
      return (svc.UpdateStatus as { State?: string } | undefined)?.State === 'completed' ? true : undefined;
    },
    600_000,
  );
  const seconds = (Date.now() - updateAt) / 1000;
  await new Promise((r) => setTimeout(r, 3_000));
  const result = await load.stop();
  return {
    tasks,
    order: 'start-first, 2 at a time, 1 s delay',
    seconds,
    requests: result.requests,
    failed: result.failures.length,
    failures: result.failures.slice(0, 10).map((f) => `${f.status} ${f.body ?? ''}`.trim()),
    timeline: overTime(result.samples, start, 1_000),
  };
}
