import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSignalboxError } from '#shared/errors/index.js';
import { CONFIG_LABEL, MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import { sha256Hex } from '#shared/util/stable-hash.js';
import { desiredFixture, routedApp } from '../../../../testing/desired-fixture.js';
import { FakeDocker, type FakeTask } from '../../../../testing/fake-docker.js';
import { ClusterSettings } from '../cluster-settings.js';
import type { RolloutRequest } from '../grpc/coordinator-handlers.js';
import { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import { emptyReconcileResult, type ProxyReconcileResult } from '../proxy/proxy-service-manager.js';
import { RolloutController, type RolloutControllerDeps } from './rollout-controller.js';
import { redisRolloutRecords } from './rollout-records.js';

const { config, snapshot, desired } = desiredFixture(
  [routedApp('web', 'web.example.org', { cluster: 'east' })],
  '[Extensions.east]\nServiceCluster = "east"\n',
);
const PROXY = 'signalbox-proxy-east';
/** Agents' hostnames: their containers' short IDs. */
const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';
const task = (id: string): FakeTask => ({
  ServiceName: PROXY,
  CreatedAt: new Date(0).toISOString(),
  Status: { State: 'running', ContainerStatus: { ContainerID: `${id}0123456789` } },
});
const nginxConf = (n: number) => `# cluster east, version ${n}\nevents {}\nhttp {}\n`;

let docker: FakeDocker;
let triggers: string[];
let nextResult: ProxyReconcileResult;
let controller: RolloutController;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse('2026-12-05T12:00:00Z'));
  docker = new FakeDocker();
  docker.services.set(PROXY, {
    // Agents apply configs in place: the label names the config they run.
    Spec: {
      Name: PROXY,
      Labels: { [MANAGED_LABEL]: MANAGED_VALUE, [CONFIG_LABEL]: '' },
      Mode: { Replicated: { Replicas: 2 } },
    },
    Version: { Index: 1 },
  });
  docker.tasks = [task(A), task(B)];
  triggers = [];
  nextResult = { ...emptyReconcileResult(), inPlace: ['east'] };
  redisHash = new Map();
  controller = controllerFor(3);
});

/** Rollout records in a Map standing in for the Redis hash, through the real (de)serialisation. */
let redisHash: Map<string, string>;
const records = () =>
  redisRolloutRecords(
    {
      hgetall: async () => Object.fromEntries(redisHash),
      hset: async (_key, field, value) => redisHash.set(field, value),
    },
    'signalbox:rollouts',
  );

/** The controller of a coordinator leading in term `epoch`; all of them share Docker and the records. */
function controllerFor(epoch: number): RolloutController {
  const deps: RolloutControllerDeps = {
    // The fake implements the calls the controller makes, not dockerode's whole classes.
    docker: docker as unknown as RolloutControllerDeps['docker'],
    config,
    clusters: new ClusterSettings(config),
    configNameKey: 'a-key-for-config-names',
    lease: { epoch },
    metrics: new CoordinatorMetrics(),
    log: pino({ level: 'silent' }),
    view: () => ({ desired, snapshot }),
    reconcileProxies: async () => nextResult,
    trigger: (reason) => triggers.push(reason),
    records: records(),
  };
  return new RolloutController(deps);
}

afterEach(() => {
  vi.useRealTimers();
});

const rolloutOf = (configName: string, lockToken = 0): RolloutRequest => ({
  cluster: 'east',
  configName,
  order: 'UPDATE_ORDER_UNSPECIFIED',
  delayMs: 0,
  parallelism: 1,
  monitorMs: 0,
  lockToken,
});

async function rolledOut(n: number, lockToken = 0) {
  const stored = await controller.storeConfig('east', nginxConf(n));
  await controller.startRollout(rolloutOf(stored.name, lockToken));
  return { ...stored, sha: sha256Hex(nginxConf(n)) };
}

describe('rollouts of a cluster, against a fake Docker', () => {
  it('hands a new config to one agent at a time, a second apart, and completes when both serve it', async () => {
    const old = sha256Hex('the config both agents ran before');
    const v1 = await rolledOut(1);
    expect(controller.proxyInputs('east')).toMatchObject({
      config: { name: v1.name, id: v1.id },
      policy: { parallelism: 1 },
    });
    expect(await controller.agentConfig('east', A, old, '')).toEqual(
      expect.objectContaining({ sha: v1.sha, text: nginxConf(1) }),
    );
    // A holds the only turn until it reports the new config running.
    expect(await controller.agentConfig('east', B, old, '')).toBe('wait');
    expect(await controller.agentConfig('east', A, v1.sha, '')).toEqual(
      expect.objectContaining({ sha: v1.sha }),
    );
    expect((await controller.rolloutStatus('east')).state).toBe('updating');
    // Reloads of one cluster are at least a second apart.
    expect(await controller.agentConfig('east', B, old, '')).toBe('wait');
    vi.setSystemTime(Date.now() + 1_000);
    expect(await controller.agentConfig('east', B, old, '')).toEqual(
      expect.objectContaining({ sha: v1.sha }),
    );
    await controller.agentConfig('east', B, v1.sha, '');
    expect(await controller.rolloutStatus('east')).toMatchObject({
      state: 'completed',
      configName: v1.name,
      tasksServing: 2,
      tasksDesired: 2,
    });
  });

  it("reverts to the previous config when one of the proxy's agents refuses the new one; others are not heard", async () => {
    const v1 = await rolledOut(1);
    const v2 = await rolledOut(2);
    expect(await controller.agentConfig('east', 'cccccccccccc', v1.sha, v2.sha)).toBe('wait');
    expect(controller.proxyInputs('east').config?.name).toBe(v2.name);
    expect(triggers).toEqual([]);
    expect(await controller.agentConfig('east', A, v1.sha, v2.sha)).toBe('wait');
    expect(controller.proxyInputs('east').config?.name).toBe(v1.name);
    expect(triggers).toEqual(['agent']);
    expect(await controller.rolloutStatus('east')).toMatchObject({
      state: 'rollback_completed',
      message: expect.stringContaining(`refused config ${v2.name}`),
    });
  });

  it('refuses a rollout under an older cluster-lock token than one already seen in this term', async () => {
    await rolledOut(1, 5);
    const stored = await controller.storeConfig('east', nginxConf(2));
    const stale = await controller.startRollout(rolloutOf(stored.name, 3)).catch((e: unknown) => e);
    expect(isSignalboxError(stale, 'LOCK_SUPERSEDED')).toBe(true);
    // Tools and tests hold no lock (token 0): never fenced.
    await expect(controller.startRollout(rolloutOf(stored.name, 0))).resolves.toMatchObject({
      cluster: 'east',
    });
  });

  it('keeps the previous config live when Docker refuses the proxy spec of the rollout', async () => {
    const v1 = await rolledOut(1);
    const stored = await controller.storeConfig('east', nginxConf(2));
    nextResult = {
      ...emptyReconcileResult(),
      inPlace: [],
      failed: [{ cluster: 'east', error: 'secret not found' }],
    };
    const refused = await controller.startRollout(rolloutOf(stored.name)).catch((e: unknown) => e);
    expect(isSignalboxError(refused, 'PROXY_SPEC_REFUSED')).toBe(true);
    expect(controller.proxyInputs('east').config?.name).toBe(v1.name);
  });

  it('a rollout of a config nobody stored is NOT_FOUND', async () => {
    const missing = await controller
      .startRollout(rolloutOf('signalbox-east-nothing'))
      .catch((e: unknown) => e);
    expect(isSignalboxError(missing, 'NOT_FOUND')).toBe(true);
  });

  it('prunes to the five newest configs, but never the one the proxies should run', async () => {
    const v1 = await rolledOut(1);
    for (let n = 2; n <= 8; n += 1) await controller.storeConfig('east', nginxConf(n));
    const names = [...docker.configs.values()].map((c) => c.Spec.Name);
    expect(names).toHaveLength(6);
    expect(names).toContain(v1.name);
  });

  it('forgets what Swarm rolled back: the proxy keeps its own previous config', async () => {
    await rolledOut(1);
    controller.proxiesWritten({ ...emptyReconcileResult(), rolledBack: ['east'] }, Date.now());
    expect(controller.proxyInputs('east')).toEqual({});
  });

  describe('a new leader', () => {
    it('continues a rollout in flight: same config, policy and pace, and tasks older than the template wait', async () => {
      const v1 = await rolledOut(1);
      // The rollout changed the task template at T: Swarm replaces the proxy's tasks from then on.
      const changedAt = Date.now();
      await controller.proxiesWritten({ ...emptyReconcileResult(), replaced: ['east'] }, changedAt);
      docker.tasks = [
        { ...task(A), CreatedAt: new Date(changedAt - 10_000).toISOString() },
        { ...task(B), CreatedAt: new Date(changedAt + 5_000).toISOString() },
      ];
      const before = controller.proxyInputs('east');
      // The leader dies; the next one (a higher term) starts with nothing in memory but the records.
      const next = controllerFor(4);
      await next.restore(4);
      expect(next.proxyInputs('east')).toEqual(before);
      // B, a replacement, takes the config, one reload interval after the takeover (the new leader does not
      // know when a replica last applied); A, about to be replaced, keeps what it runs (it may lack a
      // network the new config needs), as the old leader would have had it.
      expect(await next.agentConfig('east', B, '', '')).toBe('wait');
      vi.setSystemTime(Date.now() + 1_000);
      expect(await next.agentConfig('east', B, '', '')).toEqual(expect.objectContaining({ sha: v1.sha }));
      expect(await next.agentConfig('east', A, sha256Hex('older'), '')).toBe('wait');
    });

    it("keeps an agent's refusal: the reverted rollout stays reverted", async () => {
      const v1 = await rolledOut(1);
      const v2 = await rolledOut(2);
      await controller.agentConfig('east', A, v1.sha, v2.sha);
      const next = controllerFor(4);
      await next.restore(4);
      expect(next.proxyInputs('east').config?.name).toBe(v1.name);
      expect(await next.rolloutStatus('east')).toMatchObject({ state: 'rollback_completed' });
    });

    it('starts a cluster whose record does not parse afresh, from what Docker shows', async () => {
      await rolledOut(1);
      redisHash.set('east', '{"epoch": "three"}');
      redisHash.set('west', 'not json');
      const next = controllerFor(4);
      await next.restore(4);
      expect(next.proxyInputs('east')).toEqual({});
      expect((await records().load()).invalid.sort()).toEqual(['east', 'west']);
    });
  });
});
