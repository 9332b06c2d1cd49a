import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAMESPACE_LABEL } from '#shared/labels/index.js';
import {
  cleanUpRun,
  startTestCoordinator,
  startTestWorker,
  type TestFrontDoor,
  testFrontDoor,
} from '../../../testing/coordinator-harness.js';
import { get } from '../../../testing/http-client.js';
import { redis, redisPrefix } from '../../../testing/redis.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  tasksMeantToRun,
  testPrefix,
  waitFor,
} from '../../../testing/swarm.js';
import type { RunningCoordinator } from '../../coordinator/src/start-coordinator.js';

/**
 * Tenancy on a real swarm (issue 14's hijack case): a service of another stack lists a host that a stack
 * already serves. Without tenancy it would join the owner's pool and take a share of its requests (canary
 * semantics); with `[Tenancy] TenantLabel` it is refused, and every request through the front door still
 * reaches the owner's task.
 */
const client = docker();
const prefix = testPrefix();
const keyPrefix = redisPrefix();
const r = redis();
const cluster = `${prefix}-c`;
const host = `blog.${prefix}.test`;
let frontDoor: TestFrontDoor;
let coordinator: RunningCoordinator | undefined;
let worker: { stop: () => Promise<void> } | undefined;

const stackApp = (name: string, stack: string) =>
  createTestService(client, prefix, {
    name,
    networks: [`${prefix}-net`],
    replicas: 1,
    labels: {
      [STACK_NAMESPACE_LABEL]: stack,
      'com.docker.lb.hosts': host,
      'com.docker.lb.port': '8080',
      'com.docker.lb.service_cluster': cluster,
    },
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
  await createTestNetwork(client, prefix, `${prefix}-net`);
  // The owner first: seniority decides who owns the host.
  await stackApp(`${prefix}-blog`, `${prefix}-blog`);
  await stackApp(`${prefix}-evil`, `${prefix}-evil`);
  frontDoor = await testFrontDoor(client);
  coordinator = await startTestCoordinator(
    prefix,
    keyPrefix,
    [{ extension: 'edge', cluster, proxyReplicas: 1 }],
    prefix,
    frontDoor,
    `[Tenancy]\nTenantLabel = "${STACK_NAMESPACE_LABEL}"\n`,
  );
  worker = await startTestWorker(coordinator, prefix, keyPrefix);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await coordinator?.stop();
  await cleanUpRun(client, r, prefix, keyPrefix, [cluster]);
}, 120_000);

describe('tenancy on a real swarm', () => {
  it("refuses another stack's claim on a host, and every request still reaches the owner", async () => {
    const owner = await runningTask(`${prefix}-blog`);
    const attacker = await runningTask(`${prefix}-evil`);
    await waitFor(
      `${host} through the front door`,
      async () =>
        (await get(frontDoor.httpPort, host, '/').catch(() => undefined))?.status === 200 ? true : undefined,
      120_000,
    );
    const answers = new Set<string>();
    for (let i = 0; i < 40; i++) answers.add((await get(frontDoor.httpPort, host, '/')).body.trim());
    expect([...answers]).toEqual([owner]);
    expect(answers.has(attacker)).toBe(false);

    const state = coordinator?.coordinator.desired();
    expect(
      state?.tenancy?.rejections.map((e) => [e.details.service, e.details.host, e.details.refusal]),
    ).toEqual([[`${prefix}-evil`, host, 'owned']]);
    const pool = state?.clusters
      .find((c) => c.cluster === cluster)
      ?.model.httpPools.find((p) => p.services.includes(`${prefix}-blog`));
    expect(pool?.services).toEqual([`${prefix}-blog`]);
  }, 180_000);
});
