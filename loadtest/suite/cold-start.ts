import { get } from '../../testing/http-client.js';
import { type LoadResult, steadyLoad } from '../../testing/steady-load.js';
import { APP_IMAGE, TEST_LABEL, waitFor } from '../../testing/swarm.js';
import { sleep } from './environment.js';
import type { FaultEnv } from './fault-env.js';
import type { FaultResult } from './faults.js';

/** What the scenario needs of the fault suite: the routes to check and its end-state check. */
export interface ColdStartRoutes {
  app: { host: string; path: string };
  aux: { host: string; path: string };
  /** The fault suite's end state: every cluster in sync, the routes right, nothing left over. */
  endState(what: string): Promise<string>;
}

const NAME = 'every proxy and front door task restarted with both coordinators and Redis stopped';

/**
 * Cold start: both coordinators and Redis stop, then every proxy and front door task is killed and Swarm
 * starts new ones. They must serve from what their node kept (configs, targets, the host map), the front
 * door finding the new proxy tasks through Docker's DNS, and never a task that merely calls itself a proxy:
 * an impostor service on the edge network takes the proxy's name as its DNS alias and answers on the
 * proxies' port. While no front door task runs at all (its one task on this node is killed), nothing can
 * answer, so the load is measured from the moment the new tasks serve, for as long as the control plane
 * stays down. Then Redis and the coordinators return and the end state is checked as for every fault.
 */
export async function runColdStart(
  env: FaultEnv,
  routes: ColdStartRoutes,
  options: { servedMs: number },
): Promise<FaultResult> {
  const { client, prefix, cluster } = env;
  const frontDoor = `${prefix}-frontdoor`;
  const proxy = `${cluster}-proxy`;
  await client.createService({
    Name: `${prefix}-impostor`,
    Labels: { [TEST_LABEL]: prefix },
    TaskTemplate: {
      ContainerSpec: {
        Image: APP_IMAGE,
        Command: ['/bin/sh', '-c', 'echo impostor > /www/index.html; exec httpd -f -p 80 -h /www'],
      },
      Networks: [{ Target: `${prefix}-edge`, Aliases: [proxy] }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: 'dnsrr' },
  });
  const containers = async (service: string): Promise<string[]> =>
    (
      await client.listContainers({
        filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${service}`] }),
      })
    ).map((c) => c.Id);
  await waitFor('the impostor running', async () =>
    (await containers(`${prefix}-impostor`)).length === 1 ? true : undefined,
  );
  const answer = async (r: { host: string; path: string }) =>
    get(env.frontDoor.httpPort, r.host, r.path).catch(() => undefined);
  const at = Date.now();
  for (const c of env.coordinators) env.killCoordinator(c);
  await env.killRedis();
  let served: LoadResult;
  let servedAfterMs = 0;
  try {
    const old = [...(await containers(proxy)), ...(await containers(frontDoor))];
    await Promise.all(
      old.map((id) =>
        client
          .getContainer(id)
          .kill()
          .catch(() => undefined),
      ),
    );
    await waitFor(
      'new proxy and front door tasks serving app and aux with no coordinator and no Redis',
      async () => {
        const now = [...(await containers(proxy)), ...(await containers(frontDoor))];
        if (now.length < old.length || now.some((id) => old.includes(id))) return undefined;
        const [app, aux] = [await answer(routes.app), await answer(routes.aux)];
        return app?.status === 200 && aux?.status === 200 ? true : undefined;
      },
      120_000,
    );
    servedAfterMs = Date.now() - at;
    const load = steadyLoad(env.frontDoor.httpPort, routes.app.host, {
      concurrency: 4,
      maxMs: options.servedMs + 10_000,
    });
    let auxImpostor = 0;
    const probeUntil = Date.now() + options.servedMs;
    while (Date.now() < probeUntil) {
      if ((await answer(routes.aux))?.body.trim() === 'impostor') auxImpostor += 1;
      await sleep(200);
    }
    served = await load.stop();
    if (served.firstSeen.has('impostor') || auxImpostor > 0)
      throw new Error(`${NAME}: the impostor on the edge network answered requests`);
  } finally {
    // Also on failure: the suite's queue and clean-up need Redis, and the next faults the coordinators.
    await env.startRedis();
    for (const c of env.coordinators) env.startCoordinator(c);
    await client.getService(`${prefix}-impostor`).remove();
  }
  const state = await routes.endState(NAME);
  return {
    fault: NAME,
    requests: served.requests,
    failed: served.failures.length,
    recoverySeconds: (Date.now() - at) / 1000,
    detail: `new tasks served ${(servedAfterMs / 1000).toFixed(1)} s after the kill; ${served.requests} requests measured with the control plane down, by ${served.firstSeen.size} app tasks, none by the impostor; then ${state}`,
  };
}
