import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient, errorCodeOf, unary } from '#coordinator-client/coordinator-client.js';
import { NOT_LEADER } from '#shared/grpc-contract.js';
import { TEST_TOKEN } from '../../../testing/coordinator-harness.js';
import { RoutedScenario } from '../../../testing/routed-scenario.js';
import { waitFor } from '../../../testing/swarm.js';
import type { RunningCoordinator } from '../../coordinator/src/start-coordinator.js';

/**
 * Two coordinators on one Redis lease, as the stack runs them: the standby refuses the calls that need the
 * leader's plan, and a worker that knows both addresses still rolls the cluster out through the leader.
 */
const scenario = new RoutedScenario();
const { prefix } = scenario;
const cluster = `${prefix}-c`;
const coordinators: RunningCoordinator[] = [];

beforeAll(async () => {
  await scenario.start({
    apps: [{ name: 'app', host: `app.${prefix}.test`, cluster }],
    clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
    instance: `${prefix}-1`,
    queue: true,
    // The worker comes in the second test, given both coordinators' addresses.
    worker: false,
  });
  coordinators.push(scenario.coordinator, await scenario.startCoordinator(`${prefix}-2`));
}, 60_000);

afterAll(() => scenario.stop(), 120_000);

describe('two coordinators', () => {
  it('the standby refuses calls that need the leader, with UNAVAILABLE', async () => {
    const standby = await waitFor('one leader and one standby', async () => {
      const leaders = coordinators.filter((c) => c.lease.isLeader);
      return leaders.length === 1 ? coordinators.find((c) => !c.lease.isLeader) : undefined;
    });
    await waitFor('the standby to know the cluster', async () =>
      standby.coordinator.desired()?.clusters.some((c) => c.cluster === cluster) ? true : undefined,
    );
    const api = coordinatorClient(`127.0.0.1:${standby.grpcPort}`, TEST_TOKEN);
    try {
      const err = (await unary(api.GetClusterSnapshot.bind(api), { cluster }).catch(
        (e) => e,
      )) as ServiceError;
      expect(err.code).toBe(14);
      expect(err.details).toContain(NOT_LEADER);
      // Clients branch on the code in the trailing metadata, not on the text.
      expect(errorCodeOf(err)).toBe('NOT_LEADER');
    } finally {
      api.close();
    }
  });

  it('a worker given both addresses rolls the cluster out through the leader', async () => {
    const [a, b] = coordinators;
    await scenario.startWorker({
      coordinatorAddress: `ipv4:127.0.0.1:${a?.grpcPort},127.0.0.1:${b?.grpcPort}`,
    });
    const job = await waitFor(
      'the rolled-out job',
      async () =>
        (await scenario.queue.getCompleted()).find(
          (j) =>
            j.data.cluster === cluster && (j.returnvalue as { outcome?: string })?.outcome === 'rolled-out',
        ),
      120_000,
    );
    expect((await scenario.queue.getFailed()).filter((j) => j.data.cluster === cluster)).toEqual([]);
    expect((job.returnvalue as { configName: string }).configName).toMatch(/^signalbox-[a-z2-7]{52}$/);
  }, 150_000);
});
