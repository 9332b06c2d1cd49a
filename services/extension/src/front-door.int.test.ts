import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import { TEST_TOKEN } from '../../../testing/coordinator-harness.js';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { createTestService, TEST_LABEL, tasksMeantToRun, waitFor } from '../../../testing/swarm.js';
import { frontDoorAgentToken } from '../../coordinator/src/agent/agent-routes.js';

/**
 * The front door on a real swarm: the coordinator creates it with the edge network and the agent's token
 * secret, its agent fetches the host map from this process, and requests to 127.0.0.1 reach the apps
 * through it and the cluster proxy, which publishes no port of its own.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const cluster = `${prefix}-c`;
const hostA = `a.${prefix}.test`;
const hostB = `b.${prefix}.test`;
const hostC = `c.${prefix}.test`;
const hostT = `t.${prefix}.test`;
let tlsPem: { cert: string; key: string };

const appLabels = (host: string) => ({
  'com.docker.lb.hosts': host,
  'com.docker.lb.port': '8080',
  'com.docker.lb.service_cluster': cluster,
});

/** The app image answers with its task's hostname; undefined while the route does not answer 200. */
const answer = async (host: string): Promise<string | undefined> => {
  const reply = await get(scenario.frontDoor.httpPort, host, '/').catch(() => undefined);
  return reply?.status === 200 ? reply.body.trim() : undefined;
};

beforeAll(async () => {
  await scenario.deploy([{ name: 'a', host: hostA, cluster }]);
  await waitFor('the app task to run', async () =>
    (await tasksMeantToRun(client, `${prefix}-a`)).some((t) => t.Status?.State === 'running')
      ? true
      : undefined,
  );
  // Before the coordinator's first pass, whose TLS routes count as served (their certificate check runs
  // beside them), so this one does not wait on a check job.
  tlsPem = await selfSignedCertificate(hostT);
  await client.createSecret({
    Name: `${prefix}-t.pem`,
    Labels: { [TEST_LABEL]: prefix },
    Data: Buffer.from(`${tlsPem.cert}${tlsPem.key}`).toString('base64'),
  });
  await scenario.start({
    apps: [{ name: 't', host: hostT, cluster, labels: { 'com.docker.lb.ssl_cert': `${prefix}-t.pem` } }],
    clusters: [{ extension: 'edge', cluster, proxyReplicas: 1 }],
    frontDoor: true,
  });
}, 120_000);

afterAll(() => scenario.stop(), 120_000);

describe('front door on a real swarm', () => {
  it('routes a labelled app through the front door to a proxy that publishes no port', async () => {
    const body = await waitFor(`${hostA} through the front door`, () => answer(hostA), 120_000);
    const appTask = (await tasksMeantToRun(client, `${prefix}-a`))[0];
    const containerId = (appTask?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)
      ?.ContainerStatus?.ContainerID;
    // The app answers with its hostname, which Docker sets to the first 12 characters of the container ID.
    expect(body).toBe(containerId?.slice(0, 12));
    const proxy = await client.getService(`${cluster}-proxy`).inspect();
    expect(proxy.Spec.EndpointSpec?.Ports ?? []).toEqual([]);
    expect(proxy.Spec.UpdateConfig?.Order).toBe('start-first');
    const edge = await client.getNetwork(`${prefix}-edge`).inspect();
    // Made by the coordinator, encrypted by default: Swarm's IPsec between nodes.
    expect(edge.Options).toHaveProperty('encrypted');
    const proxyNetworks = (proxy.Spec.TaskTemplate?.Networks ?? []).map((n: { Target: string }) => n.Target);
    expect(proxyNetworks).toContain(edge.Id);
    // The proxy believes the front door's X-Forwarded-For, and only from the edge network's range.
    const configRef = (proxy.Spec.TaskTemplate?.ContainerSpec?.Configs ?? [])[0] as { ConfigID: string };
    const stored = await client.getConfig(configRef.ConfigID).inspect();
    const nginxConf = Buffer.from(stored.Spec?.Data ?? '', 'base64').toString();
    const subnet = ((edge.IPAM?.Config ?? []) as { Subnet: string }[])[0]?.Subnet;
    expect(nginxConf).toContain(`set_real_ip_from ${subnet};`);
    const door = await client.getService(`${prefix}-frontdoor`).inspect();
    expect((door.Spec.TaskTemplate?.Networks ?? []).map((n: { Target: string }) => n.Target)).toEqual([
      edge.Id,
    ]);
    expect(door.Spec.EndpointSpec?.Ports).toEqual([
      expect.objectContaining({
        PublishedPort: scenario.frontDoor.httpPort,
        PublishMode: 'host',
        TargetPort: 80,
      }),
      expect.objectContaining({
        PublishedPort: scenario.frontDoor.httpsPort,
        PublishMode: 'host',
        TargetPort: 443,
      }),
    ]);
  }, 150_000);

  it('answers 503 for a host no cluster routes', async () => {
    const reply = await get(scenario.frontDoor.httpPort, `nobody.${prefix}.test`, '/');
    expect(reply.status).toBe(503);
  });

  it('adds a route in place while the existing one keeps answering every request', async () => {
    const proxyTasksBefore = new Set((await tasksMeantToRun(client, `${cluster}-proxy`)).map((t) => t.ID));
    const doorTasksBefore = (await tasksMeantToRun(client, `${prefix}-frontdoor`)).map((t) => t.ID);
    const doorConfigBefore = scenario.coordinator.coordinator.frontDoorConfig()?.sha;
    await createTestService(client, prefix, {
      name: `${prefix}-b`,
      networks: [`${prefix}-net`],
      replicas: 1,
      labels: appLabels(hostB),
    });
    let requests = 0;
    const failures: string[] = [];
    const deadline = Date.now() + 120_000;
    let bAnswered = false;
    // Probe on until 6 s after the new route answers, past the proxy's reload.
    let until = deadline;
    while (Date.now() < until) {
      const reply = await get(scenario.frontDoor.httpPort, hostA, '/').catch((e: Error) => ({
        status: 0,
        body: e.message,
      }));
      requests += 1;
      if (reply.status !== 200) failures.push(`${reply.status} ${reply.body.slice(0, 80)}`);
      if (!bAnswered && (await answer(hostB)) !== undefined) {
        bAnswered = true;
        until = Math.min(deadline, Date.now() + 6_000);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(bAnswered).toBe(true);
    // The new route needed a new proxy config and nothing else: the proxy's agent applied it in place ...
    expect(new Set((await tasksMeantToRun(client, `${cluster}-proxy`)).map((t) => t.ID))).toEqual(
      proxyTasksBefore,
    );
    // ... and the front door took the new host in its host map: same task, same config, no reload.
    expect((await tasksMeantToRun(client, `${prefix}-frontdoor`)).map((t) => t.ID)).toEqual(doorTasksBefore);
    expect(scenario.coordinator.coordinator.frontDoorConfig()?.sha).toBe(doorConfigBefore);
    expect(requests).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  }, 150_000);

  it("gives the proxy a TLS client's address (the front door's PROXY protocol header), never a header the client wrote", async () => {
    // The app answers `/` only; the query tells this request apart in the proxy's log.
    const probe = `/?client-address-${prefix}`;
    const spoof = { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' };
    const tls = () =>
      get(scenario.frontDoor.httpsPort, hostT, probe, { tls: { ca: tlsPem.cert }, headers: spoof }).catch(
        () => undefined,
      );
    await waitFor(
      `${hostT} over TLS through the front door`,
      async () => ((await tls())?.status === 200 ? true : undefined),
      120_000,
    );
    // The proxy's access log starts with $remote_addr: the client as the front door saw it (this host,
    // through docker_gwbridge), not the front door's edge address and not the spoofed 127.0.0.1.
    const logged = await waitFor('the TLS request in the proxy log', async () => {
      const logs = (await client
        .getService(`${cluster}-proxy`)
        .logs({ stdout: true, stderr: true })) as unknown as Buffer;
      const line = logs
        .toString('latin1')
        .split('\n')
        .find((l) => l.includes(`"GET ${probe} `));
      return line ? /(\d+\.\d+\.\d+\.\d+) - /.exec(line)?.[1] : undefined;
    });
    expect(logged).toBe(scenario.frontDoor.agentHost);
    const statusPage = await get(scenario.frontDoor.httpsPort, hostT, '/nginx_status', {
      tls: { ca: tlsPem.cert },
      headers: spoof,
    });
    expect(statusPage.body).not.toContain('Active connections');
  }, 150_000);

  it("holds the front door's host map request until a pass changes the map (long poll)", async () => {
    const url = `http://${scenario.frontDoor.agentHost}:${scenario.frontDoor.agentPort}/v1/front-door/hosts`;
    const headers = { authorization: `Bearer ${frontDoorAgentToken(TEST_TOKEN)}` };
    const current = await (await fetch(url, { headers })).text();
    // The wire format's first line: `signalbox_targets v1 <version>`.
    const version = current.split('\n')[0]?.split(' ')[2];
    let answered: number | undefined;
    const held = fetch(`${url}?after=${version}`, { headers }).then(async (res) => {
      answered = Date.now();
      return { status: res.status, text: await res.text() };
    });
    await new Promise((res) => setTimeout(res, 1_500));
    expect(answered).toBeUndefined();
    const created = Date.now();
    await createTestService(client, prefix, {
      name: `${prefix}-c`,
      networks: [`${prefix}-net`],
      replicas: 0,
      labels: appLabels(hostC),
    });
    const reply = await held;
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(hostC);
    expect(answered).toBeGreaterThan(created);
  }, 60_000);
});
