import type { Queue } from 'bullmq';
import { CLUSTER_LABEL, MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import { get } from '../../testing/http-client.js';
import { steadyLoad } from '../../testing/steady-load.js';
import {
  createTestNetwork,
  createTestService,
  TEST_LABEL,
  updateService,
  waitFor,
} from '../../testing/swarm.js';
import { runColdStart } from './cold-start.js';
import { sleep } from './environment.js';
import { FaultEnv } from './fault-env.js';
import { HOSTILE_LABELS } from './hostile-labels.js';
import { leaderPartition } from './leader-partition.js';

export interface FaultResult {
  fault: string;
  requests: number;
  failed: number;
  /** From the fault until the end state held (every route right, every cluster in sync, no orphan). */
  recoverySeconds: number;
  detail: string;
}

/**
 * The fault suite: each fault under steady load on one app through the front door, then the end state
 * asserted. `aux`, a second app in the same cluster, takes the label changes that make rollouts.
 */
export async function runFaults(options: { quick: boolean }): Promise<FaultResult[]> {
  const env = new FaultEnv();
  const results: FaultResult[] = [];
  let queue: Queue | undefined;
  try {
    await env.start();
    const { client, prefix, cluster } = env;
    const appHost = `app.${prefix}.test`;
    const auxHost = `aux.${prefix}.test`;
    const lateHost = `late.${prefix}.test`;
    await createTestNetwork(client, prefix, `${prefix}-net`);
    const labels = (host: string) => ({
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    });
    await createTestService(client, prefix, {
      name: `${prefix}-app`,
      networks: [`${prefix}-net`],
      replicas: 2,
      labels: labels(appHost),
    });
    await createTestService(client, prefix, {
      name: `${prefix}-aux`,
      networks: [`${prefix}-net`],
      replicas: 1,
      labels: labels(auxHost),
    });
    await client.createSecret({
      Name: `${prefix}.bad-cert`,
      Data: Buffer.from('not a certificate').toString('base64'),
      Labels: { [TEST_LABEL]: prefix },
    });
    queue = env.queue();
    let auxPath = '/';
    let generation = 0;
    /** A label change on aux that makes a config job and an in-place rollout; returns its path. */
    const changeAux = async (extra: Record<string, string> = {}) => {
      generation += 1;
      auxPath = `/g${generation}/`;
      await updateService(client, `${prefix}-aux`, () => ({
        Labels: {
          ...labels(auxHost),
          'com.docker.lb.context_root': `/g${generation}`,
          'com.docker.lb.context_root_rewrite': 'true',
          [TEST_LABEL]: prefix,
          ...extra,
        },
      }));
    };
    const answers = async (host: string, path: string, status = 200) =>
      (await get(env.frontDoor.httpPort, host, path).catch(() => undefined))?.status === status;

    /** Every route right, every cluster in sync on a validated config, no Docker object left over. */
    const endState = async (what: string, limitMs = 180_000): Promise<string> => {
      await waitFor(
        `${what}: the leader reports every cluster in sync`,
        async () => {
          const s = await env.leaderStatus();
          return s && s.status.clusters.length > 0 && s.status.clusters.every((c) => c.inSync)
            ? true
            : undefined;
        },
        limitMs,
      );
      await waitFor(`${what}: app and aux answer`, async () =>
        (await answers(appHost, '/')) && (await answers(auxHost, auxPath)) ? true : undefined,
      );
      const managed = await client.listServices({
        filters: JSON.stringify({ label: [`${MANAGED_LABEL}=${MANAGED_VALUE}`] }),
      });
      const proxies = managed
        .filter((s) => s.Spec?.Labels?.[CLUSTER_LABEL] === cluster)
        .map((s) => s.Spec?.Name);
      // The proxy and its placeholder that keeps the cluster's networks warm on the node; nothing else.
      if (proxies.sort().join(',') !== `${cluster}-proxy,${cluster}-proxy-warm`)
        throw new Error(
          `${what}: expected the proxy of ${cluster} and its placeholder, found ${proxies.join(', ')}`,
        );
      const configs = await client.listConfigs({
        filters: JSON.stringify({ label: [`${CLUSTER_LABEL}=${cluster}`] }),
      } as object);
      // The five newest kept for rollback, plus at most three still needed outside them: the one baked into
      // the proxy's task template, the one its agents run in place, and the one a revert goes back to.
      if (configs.length > 8)
        throw new Error(`${what}: ${configs.length} stored configs for ${cluster}, more than pruning keeps`);
      await waitFor(`${what}: the job queue drained`, async () => {
        const counts = (await queue?.getJobCounts('waiting', 'active', 'delayed')) ?? {};
        return Object.values(counts).every((n) => n === 0) ? true : undefined;
      });
      return `in sync, ${configs.length} stored configs, no extra service, queue empty`;
    };

    await endState('first start', 300_000);

    const fault = async (name: string, inject: () => Promise<void>, extraCheck?: () => Promise<string>) => {
      const load = steadyLoad(env.frontDoor.httpPort, appHost, { concurrency: 4, maxMs: 600_000 });
      await sleep(1_000);
      const at = Date.now();
      try {
        await inject();
        const state = await endState(name);
        const extra = extraCheck ? `; ${await extraCheck()}` : '';
        const recoverySeconds = (Date.now() - at) / 1000;
        const load_ = await load.stop();
        results.push({
          fault: name,
          requests: load_.requests,
          failed: load_.failures.length,
          recoverySeconds,
          detail: `${state}${extra}${
            load_.failures.length > 0
              ? `; first failures: ${load_.failures
                  .slice(0, 3)
                  .map((f) => `${f.status} ${f.body ?? ''}`.trim())
                  .join(' | ')}`
              : ''
          }`,
        });
      } catch (e) {
        await load.stop();
        throw e;
      }
    };

    const activeJob = (stage?: string) =>
      waitFor(
        `a config job of ${cluster} ${stage ? `in stage ${stage}` : 'active'}`,
        async () =>
          (await queue?.getActive())?.find(
            (j) => !stage || (j.progress as { stage?: string })?.stage === stage,
          ),
        90_000,
      );

    await fault('coordinator leader SIGKILLed mid-rollout', async () => {
      await changeAux();
      await activeJob();
      const leader = await waitFor('the leader', () => env.leaderStatus());
      const c = env.coordinators.find((x) => x.name === leader.name);
      if (!c) throw new Error(`no coordinator named ${leader.name}`);
      env.killCoordinator(c);
      await waitFor(
        'the other coordinator to lead',
        async () => {
          const s = await env.leaderStatus();
          return s && s.name !== leader.name ? true : undefined;
        },
        60_000,
      );
      env.startCoordinator(c);
    });

    const partition = leaderPartition(env, () => changeAux());
    await fault(partition.name, partition.inject, partition.check);

    await fault('worker SIGKILLed mid-rollout', async () => {
      for (const w of env.workers) await w.worker.pause();
      const doomed = env.spawnWorker();
      try {
        await changeAux();
        await activeJob('rollout');
      } finally {
        if (doomed.pid) process.kill(-doomed.pid, 'SIGKILL');
      }
      for (const w of env.workers) w.worker.resume();
    });

    await fault('Redis killed and restarted empty mid-rollout', async () => {
      await changeAux();
      await activeJob();
      await env.killRedis();
      await sleep(2_000);
      await env.startRedis();
    });

    // Long enough that a job's attempts would all be spent if they ran against a dead Redis: the change made
    // meanwhile can be neither queued nor recorded, and must still go live once Redis is back (empty).
    const outageSeconds = options.quick ? 15 : 40;
    await fault(`Redis down for ${outageSeconds} s while a service changes`, async () => {
      await env.killRedis();
      await changeAux();
      await sleep(outageSeconds * 1_000);
      await env.startRedis();
    });

    results.push(
      await runColdStart(
        env,
        { app: { host: appHost, path: '/' }, aux: { host: auxHost, path: auxPath }, endState },
        { servedMs: options.quick ? 10_000 : 30_000 },
      ),
    );

    const cutSeconds = options.quick ? 5 : 10;
    await fault(`Docker event stream and API cut for ${cutSeconds} s`, async () => {
      env.breakDocker();
      // The change is made by an admin on the real socket while the coordinators see nothing.
      await changeAux();
      await sleep(cutSeconds * 1_000);
      env.healDocker();
    });

    // Longer than the coordinator's Docker call timeout (30 s), so a pass and a rollout watch each lose a call
    // to it: they must give up and retry rather than wait on the engine forever.
    const hangSeconds = options.quick ? 35 : 45;
    await fault(`dockerd accepts and never answers for ${hangSeconds} s`, async () => {
      env.hangDocker();
      await changeAux();
      await sleep(hangSeconds * 1_000);
      env.healDocker();
    });

    let refused = '';
    await fault(
      'a service names a secret that is no certificate: only it is refused, its cluster goes on changing',
      async () => {
        await changeAux({
          'com.docker.lb.ssl_cert': `${prefix}.bad-cert`,
          'com.docker.lb.ssl_key': `${prefix}.bad-cert`,
        });
        const rejection = await waitFor(
          'aux refused by the certificate check',
          async () =>
            (await env.leaderStatus())?.status.rejections.find(
              (r) => r.service === `${prefix}-aux` && r.code === 'CERTIFICATE_UNUSABLE',
            ),
          120_000,
        );
        refused = rejection.message;
        // Before certificates were checked, every later config of the cluster held the bad pair and was
        // refused by the proxies: a new service of the same cluster never went live while aux kept it.
        await createTestService(client, prefix, {
          name: `${prefix}-late`,
          networks: [`${prefix}-net`],
          replicas: 1,
          labels: labels(lateHost),
        });
        await waitFor(
          'the new service answers beside the refused one',
          async () => ((await answers(lateHost, '/')) ? true : undefined),
          120_000,
        );
        await changeAux();
      },
      async () => `aux refused ("${refused.slice(0, 120)}"); ${lateHost} went live meanwhile`,
    );

    await fault(
      `${HOSTILE_LABELS.length} services with hostile labels while aux changes`,
      async () => {
        await Promise.all([
          ...HOSTILE_LABELS.map((l, i) =>
            createTestService(client, prefix, {
              name: `${prefix}-hostile${i}`,
              networks: [`${prefix}-net`],
              replicas: 0,
              labels: { 'com.docker.lb.port': '8080', 'com.docker.lb.service_cluster': cluster, ...l },
            }),
          ),
          changeAux(),
        ]);
      },
      async () => {
        const s = await env.leaderStatus();
        const rejected = s?.status.rejectedServices ?? 0;
        if (rejected < HOSTILE_LABELS.length)
          throw new Error(`only ${rejected} of ${HOSTILE_LABELS.length} hostile services rejected`);
        if (await answers('evil.test', '/')) throw new Error('evil.test answers 200');
        return `${rejected} services rejected, evil.test not routed`;
      },
    );
    return results;
  } finally {
    await queue?.close();
    await env.stop();
  }
}
