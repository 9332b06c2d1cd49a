import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import {
  APP_IMAGE,
  gwbridgeGateway,
  TEST_LABEL,
  taskHostnames,
  tasksMeantToRun,
  updateService,
  waitFor,
} from '../../../testing/swarm.js';

/**
 * Interlock's host-mode app on the real swarm: a service on no overlay network that publishes its port in
 * host mode (`--publish mode=host,target=8080`, Docker picks the published port per task). Each task is
 * reached at its node's address and published port; this one-node swarm is advertised on 127.0.0.1, so the
 * node's address for a proxy is its docker_gwbridge gateway. The proxy joins no network for the app.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const cluster = `${prefix}-c`;
const host = `host-mode.${prefix}.test`;
const service = `${prefix}-hm`;

/**
 * The published port of each running task of the app, as its node allocated it. Docker lists a host-mode port
 * once per address family it bound (0.0.0.0 and ::), with the same number.
 */
async function publishedPorts(): Promise<number[]> {
  const tasks = await tasksMeantToRun(client, service);
  return tasks
    .filter((t) => t.Status?.State === 'running')
    .map(
      (t) =>
        (t.Status as { PortStatus?: { Ports?: { PublishedPort?: number }[] } }).PortStatus?.Ports?.[0]
          ?.PublishedPort ?? 0,
    )
    .sort((a, b) => a - b);
}

/** The app answers with its task's hostname; undefined while the route does not answer 200. */
const answer = async (): Promise<string | undefined> => {
  const reply = await get(scenario.frontDoor.httpPort, host, '/').catch(() => undefined);
  return reply?.status === 200 ? reply.body.trim() : undefined;
};

beforeAll(async () => {
  await client.createService({
    Name: service,
    Labels: {
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
      [TEST_LABEL]: prefix,
    },
    TaskTemplate: {
      ContainerSpec: { Image: APP_IMAGE },
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishMode: 'host' }] },
  });
  await scenario.start({ clusters: [{ extension: 'hm', cluster, proxyReplicas: 1 }], frontDoor: true });
}, 120_000);

afterAll(() => scenario.stop(), 120_000);

describe('a host-mode app on the real swarm', () => {
  it('answers through the front door and the proxy, reached at node address : published port', async () => {
    const body = await waitFor(`${host} through the front door`, answer, 120_000);
    expect(await taskHostnames(client, service)).toEqual([body]);
    const gateway = await gwbridgeGateway(client);
    const ports = await publishedPorts();
    expect(ports).toHaveLength(1);
    const explained = scenario.coordinator.coordinator.explain(host, '/');
    expect(explained?.routes?.map((route) => route.targets)).toEqual([[`${gateway}:${ports[0]}`]]);
    expect(explained?.tasks?.map((t) => [t.address, t.target])).toEqual([[`${gateway}:${ports[0]}`, true]]);
    expect(explained?.reasons?.[service]).toMatch(/host-mode published port for 8080/);
    // The proxy joined the front door's edge network and nothing for the app.
    const proxy = await client.getService(`${cluster}-proxy`).inspect();
    const edge = await client.getNetwork(`${prefix}-edge`).inspect();
    expect((proxy.Spec.TaskTemplate?.Networks ?? []).map((n: { Target: string }) => n.Target)).toEqual([
      edge.Id,
    ]);
    expect(
      scenario.coordinator.coordinator.desired()?.clusters.find((c) => c.cluster === cluster)?.model.networks,
    ).toEqual([]);
  }, 150_000);

  it('spreads requests over every task, each at the port its node published for it', async () => {
    await updateService(client, service, () => ({ Mode: { Replicated: { Replicas: 2 } } }));
    const ports = await waitFor('two running tasks with their own ports', async () => {
      const now = await publishedPorts();
      return now.length === 2 && now[0] !== now[1] ? now : undefined;
    });
    const gateway = await gwbridgeGateway(client);
    const hostnames = new Set(await taskHostnames(client, service));
    const seen = await waitFor(
      'both tasks answering through the proxy',
      async () => {
        const got = new Set<string>();
        for (let i = 0; i < 10; i++) {
          const body = await answer();
          if (body) got.add(body);
        }
        return got.size === 2 ? got : undefined;
      },
      60_000,
    );
    expect(seen).toEqual(hostnames);
    expect(scenario.coordinator.coordinator.explain(host, '/').routes?.[0]?.targets).toEqual(
      ports.map((p) => `${gateway}:${p}`).sort(),
    );
  }, 120_000);
});
