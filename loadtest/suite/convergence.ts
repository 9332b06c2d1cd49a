import { createTestNetwork, createTestService, tasksMeantToRun, updateService } from '../../testing/swarm.js';
import { type LoadEnv, untilAnswer } from './environment.js';
import { type Summary, summarize } from './stats.js';

export interface ConvergenceOptions {
  /** Labelled services already routed when the trials start (replicas 0, so 1,000 fit this machine). */
  services: number;
  trials: number;
}

export interface ConvergenceResult {
  services: number;
  networks: number;
  clusters: number;
  createSeconds: number;
  firstSyncSeconds: number;
  /** Per change kind: ms from the API call to the front door answering as it should, and trials that never did. */
  changes: { kind: string; to: string; ms: number[]; summary: Summary; timedOut: number }[];
}

/** One overlay /24 holds about 250 VIPs, so services are spread over tenant networks of 25. */
const PER_NETWORK = 25;

/**
 * Convergence at scale: `services` labelled services over tenant networks and every cluster, then `trials`
 * apps, each created (until its host answers 200), scaled 1 → 2 (until the second task answers) and removed
 * (until its host answers 503), all timed through the front door on 127.0.0.1.
 */
export async function runConvergence(env: LoadEnv, options: ConvergenceOptions): Promise<ConvergenceResult> {
  const { client, prefix, clusters } = env;
  const networks = Math.max(1, Math.ceil((options.services + options.trials) / PER_NETWORK));
  const netOf = (i: number) => `${prefix}-n${i % networks}`;
  // Each network belongs to one cluster, as the planner would arrange it: a proxy joins only its own.
  const clusterOf = (i: number) => clusters[(i % networks) % clusters.length] as string;
  const labels = (host: string, i: number) => ({
    'com.docker.lb.hosts': host,
    'com.docker.lb.port': '8080',
    'com.docker.lb.service_cluster': clusterOf(i),
  });
  for (let n = 0; n < networks; n++) await createTestNetwork(client, prefix, netOf(n));
  const t0 = Date.now();
  for (let i = 0; i < options.services; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, options.services - i) }, (_, k) =>
        createTestService(client, prefix, {
          name: `${prefix}-s${i + k}`,
          networks: [netOf(i + k)],
          replicas: 0,
          labels: labels(`s${i + k}.${prefix}.test`, i + k),
        }),
      ),
    );
  }
  const createSeconds = (Date.now() - t0) / 1000;
  // A minute and a little per 25 services: within the quick test's own limit, and 15 minutes for 1,000.
  await env.inSync(`${options.services} services routed`, Math.max(120_000, options.services * 900));
  const firstSyncSeconds = (Date.now() - t0) / 1000;

  /** When the service's newest task turned running, by Swarm's clock (the same host's). */
  const newestRunning = async (name: string): Promise<number | undefined> => {
    const times = (await tasksMeantToRun(client, name))
      .filter((t) => t.Status?.State === 'running')
      .map((t) => Date.parse(t.Status?.Timestamp ?? ''))
      .filter((n) => !Number.isNaN(n));
    return times.length > 0 ? Math.max(...times) : undefined;
  };
  const afterRunning: { create: number[]; scale: number[] } = { create: [], scale: [] };
  const fromRunning = async (
    kind: 'create' | 'scale',
    name: string,
    sent: number,
    ms: number | undefined,
  ) => {
    const running = ms === undefined ? undefined : await newestRunning(name);
    if (ms !== undefined && running !== undefined) afterRunning[kind].push(Math.max(0, sent + ms - running));
  };
  const created: number[] = [];
  const scaled: number[] = [];
  const removed: number[] = [];
  const timedOut = { create: 0, scale: 0, rm: 0 };
  const record = (into: number[], kind: keyof typeof timedOut, ms: number | undefined) => {
    if (ms === undefined) timedOut[kind] += 1;
    else into.push(ms);
  };
  for (let t = 0; t < options.trials; t++) {
    const i = options.services + t;
    const name = `${prefix}-t${t}`;
    const host = `t${t}.${prefix}.test`;
    let sent = Date.now();
    await createTestService(client, prefix, {
      name,
      networks: [netOf(i)],
      replicas: 1,
      labels: labels(host, i),
    });
    let first = '';
    const createMs = await untilAnswer(
      env,
      host,
      (r) => {
        first = r.body.trim();
        return r.status === 200;
      },
      sent,
    );
    record(created, 'create', createMs);
    await fromRunning('create', name, sent, createMs);
    sent = Date.now();
    await updateService(client, name, () => ({ Mode: { Replicated: { Replicas: 2 } } }));
    const scaleMs = await untilAnswer(env, host, (r) => r.status === 200 && r.body.trim() !== first, sent);
    record(scaled, 'scale', scaleMs);
    await fromRunning('scale', name, sent, scaleMs);
    sent = Date.now();
    await client.getService(name).remove();
    record(removed, 'rm', await untilAnswer(env, host, (r) => r.status === 503, sent));
  }
  const row = (kind: string, to: string, ms: number[], out: number) => ({
    kind,
    to,
    ms,
    summary: summarize(ms),
    timedOut: out,
  });
  return {
    services: options.services,
    networks,
    clusters: clusters.length,
    createSeconds,
    firstSyncSeconds,
    changes: [
      row('create (1 task)', 'host answers 200', created, timedOut.create),
      row('scale 1 → 2', 'the new task answers', scaled, timedOut.scale),
      row('create, from task running', 'host answers 200', afterRunning.create, 0),
      row('scale, from task running', 'the new task answers', afterRunning.scale, 0),
      row('rm', 'host answers 503', removed, timedOut.rm),
    ],
  };
}
