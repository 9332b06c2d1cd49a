/**
 * `npm run bench:warm-networks`: how long a stop-first proxy rollout takes on one node when its cluster's
 * networks are kept warm by the placeholder service, against cold (WarmNetworks = false), for proxies
 * joining 1, 10 and 20 overlay networks. Time is from StartRollout to the new task serving.
 * Needs dockerd in swarm mode, redis-server and the local images (scripts/test.sh sets them up).
 */
import { type CoordinatorClient, coordinatorClient, unary } from '#coordinator-client/coordinator-client.js';
import type { Rollout__Output } from '#shared/gen/signalbox/v1/Rollout.js';
import { DEFAULT_STATUS_PORT, HEALTH_PATH } from '#shared/nginx/index.js';
import { cleanUpRun, startTestCoordinator, TEST_TOKEN } from '../testing/coordinator-harness.js';
import { redis, redisPrefix } from '../testing/redis.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  tasksMeantToRun,
  testPrefix,
  waitFor,
} from '../testing/swarm.js';

const SIZES = (process.env.BENCH_NETWORKS ?? '1,10,20').split(',').map(Number);
const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 3);
const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const r = redis();

const watchUntilServing = (api: CoordinatorClient, cluster: string): Promise<Rollout__Output> =>
  new Promise((resolve, reject) => {
    let last: Rollout__Output | undefined;
    const stream = api.WatchRollout({ cluster });
    stream.on('data', (m: Rollout__Output) => {
      last = m;
    });
    stream.on('end', () => (last ? resolve(last) : reject(new Error('no status'))));
    stream.on('error', reject);
  });

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const clusters: string[] = [];
const rows: string[] = [];
try {
  for (const n of SIZES) {
    for (const warm of [false, true]) {
      const cluster = `${prefix}-n${n}-${warm ? 'warm' : 'cold'}`;
      clusters.push(cluster);
      for (let i = 0; i < n; i++) {
        const net = `${cluster}-net${i}`;
        await createTestNetwork(client, prefix, net);
        await createTestService(client, prefix, {
          name: `${cluster}-app${i}`,
          networks: [net],
          replicas: 0,
          labels: {
            'com.docker.lb.hosts': `a${i}.${cluster}.test`,
            'com.docker.lb.port': '8080',
            'com.docker.lb.service_cluster': cluster,
          },
        });
      }
      const coordinator = await startTestCoordinator(prefix, keyPrefix, [
        {
          extension: 'c',
          cluster,
          proxyReplicas: 1,
          extra: `ProxyUpdateOrder = "stop-first"\nWarmNetworks = ${warm}\n`,
        },
      ]);
      const api = coordinatorClient(`127.0.0.1:${coordinator.grpcPort}`, TEST_TOKEN);
      try {
        await waitFor(
          'the proxy on all its networks',
          async () => {
            const s = await client
              .getService(`${cluster}-proxy`)
              .inspect()
              .catch(() => undefined);
            const tasks = await tasksMeantToRun(client, `${cluster}-proxy`);
            return s?.Spec.TaskTemplate.Networks.length === n &&
              tasks.some((t) => t.Status?.State === 'running')
              ? true
              : undefined;
          },
          120_000,
        );
        if (warm) {
          await waitFor(
            'the placeholder running',
            async () => {
              const tasks = await tasksMeantToRun(client, `${cluster}-proxy-warm`);
              return tasks.some((t) => t.Status?.State === 'running') ? true : undefined;
            },
            120_000,
          );
        }
        const times: number[] = [];
        for (let k = 0; k < ROLLOUTS; k++) {
          const stored = await unary<object, { configName: string }>(api.StoreConfig.bind(api), {
            cluster,
            version: '',
            nginxConf: `# rollout ${k}\nevents {}\nhttp { server { listen 127.0.0.1:${DEFAULT_STATUS_PORT}; location = ${HEALTH_PATH} { return 200; } } }\n`,
          });
          const t0 = Date.now();
          await unary(api.StartRollout.bind(api), {
            cluster,
            configName: stored.configName,
            order: 'STOP_FIRST',
          });
          const final = await watchUntilServing(api, cluster);
          if (final.configName !== stored.configName || final.tasksServing < 1)
            throw new Error(`rollout did not serve: ${JSON.stringify(final)}`);
          times.push(Date.now() - t0);
        }
        rows.push(
          `${String(n).padStart(8)}  ${(warm ? 'warm' : 'cold').padEnd(5)}  ${(median(times) / 1000).toFixed(1).padStart(6)} s  [${times.map((t) => (t / 1000).toFixed(1)).join(', ')}]`,
        );
        console.log(rows.at(-1));
      } finally {
        api.close();
        await coordinator.stop();
      }
    }
  }
  console.log(
    '\nnetworks  mode   median  (each rollout: StartRollout → new task serving, stop-first, one node)',
  );
  for (const row of rows) console.log(row);
} finally {
  await cleanUpRun(client, r, prefix, keyPrefix, clusters);
}
