import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { steadyLoad } from '../../../testing/steady-load.js';
import { nginxWorkerPids, taskHostnames, updateService, waitFor } from '../../../testing/swarm.js';

/**
 * An app relabelled to another service cluster, under steady keep-alive load with no client retries,
 * through the front door on a real swarm: make before break. East already joins the app's network; west
 * must join it (its proxy task is replaced, start-first) and leave it again when the app moves back.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const east = `${prefix}-east`;
const west = `${prefix}-west`;
const mover = `${prefix}-mover`;
const moverHost = `mover.${prefix}.test`;

/** The proxy tasks of a cluster: the proxy names itself in `x-proxy-id`. */
const proxyIds = async (cluster: string): Promise<Set<string>> =>
  new Set(await taskHostnames(client, `${cluster}-proxy`));

const routesHost = (cluster: string): boolean =>
  scenario.coordinator.coordinator
    .desired()
    ?.clusters.find((c) => c.cluster === cluster)
    ?.model.virtualHosts.some((v) => v.host === moverHost) ?? false;

beforeAll(async () => {
  await scenario.start({
    apps: [
      { name: 'shop', host: `shop.${prefix}.test`, cluster: east, network: 'shop' },
      { name: 'blog', host: `blog.${prefix}.test`, cluster: west, network: 'blog' },
      { name: 'mover', host: moverHost, cluster: east, network: 'shop' },
    ],
    clusters: [
      { extension: 'east', cluster: east, proxyReplicas: 1 },
      { extension: 'west', cluster: west, proxyReplicas: 1 },
    ],
    frontDoor: true,
  });
  await scenario.waitAnswering(moverHost, 150_000);
  await waitFor('both clusters in sync', scenario.allInSync, 90_000);
}, 240_000);

afterAll(() => scenario.stop(), 120_000);

/** Relabels the app to `to` and waits until `to`'s proxy answers for it and `from` has dropped the route. */
async function move(from: string, to: string): Promise<void> {
  const started = Date.now();
  await updateService(client, mover, (spec) => ({
    Labels: { ...spec.Labels, 'com.docker.lb.service_cluster': to },
  }));
  await waitFor(
    `${moverHost} served by ${to}`,
    async () => {
      const reply = await get(scenario.frontDoor.httpPort, moverHost, '/').catch(() => undefined);
      // Ask for the proxy's tasks each time: the move may have replaced them to join the app's network.
      return reply?.status === 200 && (await proxyIds(to)).has(String(reply.headers['x-proxy-id']))
        ? true
        : undefined;
    },
    120_000,
  );
  await waitFor(`${from} to drop ${moverHost}`, async () => (routesHost(from) ? undefined : true), 60_000);
  console.log(`move ${from} → ${to}: ${Date.now() - started} ms to the old cluster dropping the route`);
  await waitFor('both clusters in sync', scenario.allInSync, 90_000);
}

describe('an app moving between service clusters', () => {
  it('keeps answering every request while it moves there and back, and the front door never reloads', async () => {
    const doorWorkers = await nginxWorkerPids(client, `${prefix}-frontdoor`);
    const load = steadyLoad(scenario.frontDoor.httpPort, moverHost, { concurrency: 4, maxMs: 400_000 });
    await move(east, west);
    expect(routesHost(west)).toBe(true);
    await move(west, east);
    const result = await load.stop();
    console.log(`moves there and back: ${result.requests} requests, ${result.failures.length} failed`);
    expect(result.requests).toBeGreaterThan(200);
    expect(result.failures).toEqual([]);
    expect(routesHost(east)).toBe(true);
    expect(routesHost(west)).toBe(false);
    // West left the app's network again once it no longer routed the app.
    const westNetworks =
      (await client.getService(`${west}-proxy`).inspect()).Spec.TaskTemplate?.Networks ?? [];
    const shopNetwork = await client.getNetwork(`${prefix}-shop`).inspect();
    expect(westNetworks.map((n: { Target: string }) => n.Target)).not.toContain(shopNetwork.Id);
    expect(await nginxWorkerPids(client, `${prefix}-frontdoor`)).toEqual(doorWorkers);
  }, 420_000);
});
