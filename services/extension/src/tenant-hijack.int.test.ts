import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAMESPACE_LABEL } from '#shared/labels/index.js';
import { get } from '../../../testing/http-client.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { tasksMeantToRun, waitFor } from '../../../testing/swarm.js';

/**
 * Tenancy on a real swarm (issue 14's hijack case): a service of another stack lists a host that a stack
 * already serves. Without tenancy it would join the owner's pool and take a share of its requests (canary
 * semantics); with `[Tenancy] TenantLabel` it is refused, and every request through the front door still
 * reaches the owner's task.
 */
const scenario = new RoutedScenario();
const { client, prefix } = scenario;
const cluster = `${prefix}-c`;
const host = `blog.${prefix}.test`;

/** The app `<prefix>-<name>` of the stack `<prefix>-<name>`, claiming the host. */
const stackApp = (name: string) => ({
  name,
  host,
  cluster,
  labels: { [STACK_NAMESPACE_LABEL]: `${prefix}-${name}` },
});

/** The app answers with its hostname: the first 12 characters of its container's ID. */
const runningTask = (service: string) =>
  waitFor(`a running task of ${service}`, async () => {
    const task = (await tasksMeantToRun(client, service)).find((t) => t.Status?.State === 'running');
    const id = (task?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)?.ContainerStatus
      ?.ContainerID;
    return id?.slice(0, 12);
  });

beforeAll(async () => {
  await scenario.start({
    // The owner first: seniority decides who owns the host.
    apps: [stackApp('blog'), stackApp('evil')],
    clusters: [{ extension: 'edge', cluster, proxyReplicas: 1 }],
    frontDoor: true,
    tables: `[Tenancy]\nTenantLabel = "${STACK_NAMESPACE_LABEL}"\n`,
  });
}, 120_000);

afterAll(() => scenario.stop(), 120_000);

describe('tenancy on a real swarm', () => {
  it("refuses another stack's claim on a host, and every request still reaches the owner", async () => {
    const owner = await runningTask(`${prefix}-blog`);
    const attacker = await runningTask(`${prefix}-evil`);
    await scenario.waitAnswering(host, 120_000);
    const answers = new Set<string>();
    for (let i = 0; i < 40; i++) answers.add((await get(scenario.frontDoor.httpPort, host, '/')).body.trim());
    expect([...answers]).toEqual([owner]);
    expect(answers.has(attacker)).toBe(false);

    const state = scenario.coordinator.coordinator.desired();
    expect(
      state?.tenancy?.rejections.map((e) => [e.details.service, e.details.host, e.details.refusal]),
    ).toEqual([[`${prefix}-evil`, host, 'owned']]);
    const pool = state?.clusters
      .find((c) => c.cluster === cluster)
      ?.model.httpPools.find((p) => p.services.includes(`${prefix}-blog`));
    expect(pool?.services).toEqual([`${prefix}-blog`]);
  }, 180_000);
});
