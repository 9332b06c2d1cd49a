import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient } from '#coordinator-client/coordinator-client.js';
import { NginxSettings } from '#shared/config/index.js';
import type { ClusterSnapshot__Output } from '#shared/gen/signalbox/v1/ClusterSnapshot.js';
import type { Rollout__Output } from '#shared/gen/signalbox/v1/Rollout.js';
import { CLUSTER_LABEL } from '#shared/labels/index.js';
import type { ClusterModel } from '#shared/model/index.js';
import { renderCluster } from '#shared/nginx/index.js';
import { TEST_TOKEN } from '../../../../testing/coordinator-harness.js';
import { nginxTest } from '../../../../testing/nginx-process.js';
import { RoutedScenario } from '../../../../testing/routed-scenario.js';
import { tasksMeantToRun, waitFor } from '../../../../testing/swarm.js';

/** The worker's side of the API, driven by hand: snapshot → render → nginx -t → store → roll out → watch. */
const scenario = new RoutedScenario();
const { client, prefix, keyPrefix } = scenario;
const cluster = `${prefix}-c`;
let api: ReturnType<typeof coordinatorClient>;

const unary = <Req, Res>(
  fn: (req: Req, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void,
  req: Req,
): Promise<Res> =>
  new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res as Res))));

beforeAll(async () => {
  await scenario.start({
    apps: [{ name: 'web', host: `web.${prefix}.test`, cluster }],
    clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
    // This test plays the worker.
    worker: false,
  });
  api = coordinatorClient(`127.0.0.1:${scenario.coordinator.grpcPort}`, TEST_TOKEN);
}, 120_000);

afterAll(async () => {
  api?.close();
  await scenario.stop();
}, 120_000);

describe('worker RPCs against a real swarm', () => {
  it('renders the snapshot, stores it as a content-named config, rolls it out and watches until the new task serves', async () => {
    const version = await waitFor('a routed version', async () => {
      const v = await scenario.redis.hget(`${keyPrefix}:enqueued-version`, cluster);
      const desired = scenario.coordinator.coordinator.desired()?.clusters.find((c) => c.cluster === cluster);
      return v && desired?.version === v && desired.model.httpPools[0]?.targets.length === 1 ? v : undefined;
    });
    const snap = await unary<object, ClusterSnapshot__Output>(api.GetClusterSnapshot.bind(api), {
      cluster,
      version,
    });
    expect(snap.networks).toEqual([`${prefix}-net`]);
    const model = JSON.parse(snap.modelJson) as ClusterModel;
    const settings = NginxSettings.parse(JSON.parse(snap.settingsJson));
    const ports = {
      http: snap.ports?.http ?? 80,
      https: snap.ports?.https ?? 443,
      publishedHttps: snap.ports?.publishedHttps ?? 443,
    };
    const nginxConf = renderCluster(model, { settings, ports, serverInfo: 'signalbox/test' });
    expect((await nginxTest(nginxConf)).ok).toBe(true);

    const stored = await unary<object, { configName: string; created: boolean }>(api.StoreConfig.bind(api), {
      cluster,
      version,
      nginxConf,
    });
    expect(stored.configName).toMatch(/^signalbox-[a-z2-7]{52}$/);
    expect(stored.created).toBe(true);
    const again = await unary<object, { configName: string; created: boolean }>(api.StoreConfig.bind(api), {
      cluster,
      version,
      nginxConf,
    });
    expect(again).toMatchObject({ configName: stored.configName, created: false });

    await unary(api.StartRollout.bind(api), {
      cluster,
      configName: stored.configName,
      order: 'START_FIRST',
      delayMs: 0,
      parallelism: 1,
      monitorMs: 1000,
    });
    const states = await new Promise<Rollout__Output[]>((resolve, reject) => {
      const seen: Rollout__Output[] = [];
      const stream = api.WatchRollout({ cluster });
      stream.on('data', (m: Rollout__Output) => seen.push(m));
      stream.on('end', () => resolve(seen));
      stream.on('error', reject);
    });
    // The stream ends once the new task serves, which is before Swarm reports the update completed.
    expect(states.at(-1)).toMatchObject({
      configName: stored.configName,
      tasksServing: 1,
      tasksDesired: 1,
      stuck: '',
    });
    expect(states.at(-1)?.state).not.toMatch(/rollback|paused/);
    await waitFor(
      'the proxy task running the new config',
      async () => {
        const tasks = await tasksMeantToRun(client, `${cluster}-proxy`);
        const running = tasks.filter((t) => t.Status?.State === 'running');
        const cfg = (running[0]?.Spec?.ContainerSpec as { Configs?: { ConfigName: string }[] } | undefined)
          ?.Configs?.[0]?.ConfigName;
        return running.length === 1 && cfg === stored.configName ? true : undefined;
      },
      60_000,
    );
  }, 120_000);

  it('keeps the newest five stored configs of a cluster, and never the one a proxy still uses', async () => {
    const inUse = await waitFor('the live config', async () => {
      const svc = await client.getService(`${cluster}-proxy`).inspect();
      return (svc.Spec.TaskTemplate.ContainerSpec.Configs as { ConfigName: string }[] | undefined)?.[0]
        ?.ConfigName;
    });
    for (let i = 0; i < 6; i++) {
      await unary(api.StoreConfig.bind(api), {
        cluster,
        version: '',
        nginxConf: `# version ${i}\nevents {}\n`,
      });
    }
    const names = (
      await client.listConfigs({
        filters: JSON.stringify({ label: [`${CLUSTER_LABEL}=${cluster}`] }),
      } as object)
    ).map((c) => c.Spec?.Name);
    expect(names).toHaveLength(6);
    expect(names).toContain(inUse);
  }, 60_000);

  it('refuses a snapshot of a version that is no longer desired', async () => {
    await expect(
      unary(api.GetClusterSnapshot.bind(api), { cluster, version: '0000000000000000' }),
    ).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
    });
    await expect(
      unary(api.GetClusterSnapshot.bind(api), { cluster: 'nope', version: '' }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('explains a host: service, cluster, targets and why', async () => {
    const res = await unary<
      object,
      {
        routes: { services: string[]; cluster: string; targets: string[] }[];
        reasons: Record<string, string>;
      }
    >(api.ExplainHost.bind(api), { host: `web.${prefix}.test`, path: '/' });
    expect(res.routes).toHaveLength(1);
    expect(res.routes[0]).toMatchObject({ cluster, services: [`${prefix}-web`] });
    expect(res.routes[0]?.targets).toHaveLength(1);
    expect(res.reasons[`${prefix}-web`]).toMatch(/pinned/i);
  });
});
