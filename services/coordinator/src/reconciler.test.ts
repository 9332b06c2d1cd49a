import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '#shared/config/index.js';
import type { CertificateVerdicts, DesiredState } from '#shared/desired/index.js';
import { EPOCH_LABEL, LabelKey } from '#shared/labels/index.js';
import type { Assignment } from '#shared/planner/index.js';
import { parseSnapshot, type SwarmSnapshot } from '#shared/swarm/index.js';
import { routedApp } from '../../../testing/desired-fixture.js';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { FakeDocker } from '../../../testing/fake-docker.js';
import { ClusterSettings } from './cluster-settings.js';
import { FrontDoorRouting, type FrontDoorRoutingDeps } from './front-door/front-door-routing.js';
import { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import { emptyReconcileResult } from './proxy/proxy-service-manager.js';
import type { EnqueueResult } from './queue/config-job-queue.js';
import { Reconciler, type ReconcilerDeps } from './reconciler.js';
import { rejectionsInForce } from './views/rejection-log.js';

// Without the front door: the proxy writer is faked, and nothing here needs the edge network.
const CONFIG = `[FrontDoor]
Enabled = false
[Extensions.east]
ServiceCluster = "east"
[Extensions.west]
ServiceCluster = "west"
`;
const config = loadConfig(CONFIG).config;
const T0 = Date.parse('2026-12-05T12:00:00Z');
const DEBOUNCE_MS = 50;
const EPOCH = 7;

const web = routedApp('web', 'web.example.org', { cluster: 'east' });
const api = routedApp('api', 'api.example.org', { cluster: 'west' });
const docs = routedApp('docs', 'docs.example.org', { cluster: 'east' });

/** A swarm as the coordinator reads it: Engine JSON through the real parser. */
const swarmOf = (services: FixtureService[], secrets: string[] = []): SwarmSnapshot =>
  parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services, { secrets })))).snapshot;

/** Stops each test's reconciler and front door routing, so no timer outlives its test. */
const stops: (() => void)[] = [];

/**
 * A reconciler whose Docker (the swarm source), job queue, proxy writer, rollouts and lease are fakes that
 * record what they are asked, in order, in `events`. Desired states are built by the real FrontDoorRouting,
 * which asks Docker nothing while no app moves between clusters.
 */
function harness(options: { leader?: boolean; certificates?: ReconcilerDeps['certificates'] } = {}) {
  const events: string[] = [];
  const logLines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });

  const source = {
    services: [web, api] as FixtureService[],
    secrets: [] as string[],
    reads: 0,
    /** The next read waits until the function `hold` returns is called. */
    gate: undefined as Promise<void> | undefined,
    failNext: undefined as Error | undefined,
    hold(): () => void {
      let release: () => void = () => undefined;
      this.gate = new Promise<void>((r) => (release = r));
      return release;
    },
    async readSnapshot() {
      this.reads += 1;
      events.push('read');
      // Docker answered with the swarm as it was when asked, however long the answer takes to arrive.
      const snapshot = swarmOf(this.services, this.secrets);
      const gate = this.gate;
      this.gate = undefined;
      if (gate) await gate;
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw failure;
      return { snapshot, skipped: [] };
    },
  };

  /** Stands in for ConfigJobQueue: a version already queued for its cluster is `unchanged`. */
  const queued = new Map<string, string>();
  const enqueued: { cluster: string; version: string; epoch: number; changedAt: number; result: string }[] =
    [];
  const jobs: ReconcilerDeps['jobs'] = {
    enqueue: async (cluster, version, epoch, changedAt = Date.now()) => {
      events.push(`enqueue ${cluster}`);
      const result: EnqueueResult = queued.get(cluster) === version ? 'unchanged' : 'enqueued';
      queued.set(cluster, version);
      enqueued.push({ cluster, version, epoch, changedAt, result });
      return result;
    },
  };

  const lease = {
    isLeader: options.leader ?? true,
    epoch: EPOCH,
    floors: [] as number[],
    raiseFloor(epoch: number) {
      this.floors.push(epoch);
    },
  };

  const writes: { desired: DesiredState | undefined; snapshot: SwarmSnapshot | undefined }[] = [];
  const writer: ReconcilerDeps['writer'] = {
    edgePrerequisites: async () => {
      events.push('edge prerequisites');
      return undefined;
    },
    write: async (state) => {
      events.push('write');
      writes.push(state());
      return emptyReconcileResult();
    },
  };

  const metrics = new CoordinatorMetrics();
  const previousPlans: (Assignment | undefined)[] = [];
  const routing = new FrontDoorRouting({
    // Asked only while an app moves between clusters, which none here does.
    docker: new FakeDocker() as unknown as FrontDoorRoutingDeps['docker'],
    config,
    clusters: new ClusterSettings(config),
    liveVersions: async () => new Map(),
    serving: async () => undefined,
    edgeNetworkId: () => undefined,
    view: () => reconciler.view(),
    trigger: (reason) => reconciler.trigger(reason),
    log,
  });
  const reconciler: Reconciler = new Reconciler({
    source,
    jobs,
    lease,
    metrics,
    log,
    debounceMs: DEBOUNCE_MS,
    writer,
    edge: {
      desired: (snapshot, previous, certificates) => {
        previousPlans.push(previous);
        return routing.desired(snapshot, previous, certificates);
      },
    },
    rollout: {
      restore: async (epoch) => {
        events.push(`restore ${epoch}`);
      },
    },
    // As the coordinator does, without services left out by workers.
    rejections: () => rejectionsInForce(reconciler.view().desired, new Map()),
    ...(options.certificates ? { certificates: options.certificates } : {}),
  });
  stops.push(() => {
    reconciler.stop();
    routing.stop();
  });
  return { reconciler, source, lease, events, enqueued, writes, metrics, logLines, previousPlans };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.useRealTimers();
});

const servicesOf = (desired: DesiredState | undefined, cluster: string) =>
  desired?.clusters.find((c) => c.cluster === cluster)?.model.services;
const versionOf = (desired: DesiredState | undefined, cluster: string) =>
  desired?.clusters.find((c) => c.cluster === cluster)?.version;
const gauge = async (g: { get(): Promise<{ values: { value: number }[] }> }) => (await g.get()).values;

describe('Reconciler passes on the leader', () => {
  it('build the desired state, write the proxies, then enqueue one job per cluster whose version moved', async () => {
    const h = harness();
    await h.reconciler.pass();
    const first = h.reconciler.view().desired;
    expect(servicesOf(first, 'east')).toEqual(['web']);
    expect(servicesOf(first, 'west')).toEqual(['api']);
    // The edge network before the read; the rollouts of this term before the proxies are written.
    expect(h.events).toEqual([
      'edge prerequisites',
      'read',
      `restore ${EPOCH}`,
      'write',
      'enqueue east',
      'enqueue west',
    ]);
    expect(h.writes).toHaveLength(1);
    expect(h.writes[0]?.desired).toBe(first);
    expect(h.writes[0]?.snapshot).toBe(h.reconciler.view().snapshot);
    expect(h.enqueued).toEqual([
      { cluster: 'east', version: versionOf(first, 'east'), epoch: EPOCH, changedAt: T0, result: 'enqueued' },
      { cluster: 'west', version: versionOf(first, 'west'), epoch: EPOCH, changedAt: T0, result: 'enqueued' },
    ]);
    expect(h.reconciler.stats).toMatchObject({ passes: 1, jobsEnqueued: 2, jobsUnchanged: 0 });

    // docs joins east: east's version moves, west's does not.
    h.source.services = [web, api, docs];
    await h.reconciler.pass();
    const second = h.reconciler.view().desired;
    expect(servicesOf(second, 'east')).toEqual(['docs', 'web']);
    expect(versionOf(second, 'east')).not.toBe(versionOf(first, 'east'));
    expect(versionOf(second, 'west')).toBe(versionOf(first, 'west'));
    expect(h.enqueued.slice(2).map((j) => [j.cluster, j.version, j.result])).toEqual([
      ['east', versionOf(second, 'east'), 'enqueued'],
      ['west', versionOf(first, 'west'), 'unchanged'],
    ]);
    expect(h.reconciler.stats).toMatchObject({ passes: 2, jobsEnqueued: 3, jobsUnchanged: 1 });
    expect(h.writes.map((w) => w.desired)).toEqual([first, second]);

    // Nothing changed: the proxies are written again (level-triggered), and no job is new.
    await h.reconciler.pass();
    expect(h.reconciler.stats).toMatchObject({ passes: 3, jobsEnqueued: 3, jobsUnchanged: 3 });
    expect(h.writes).toHaveLength(3);
    const jobOutcomes = (await h.metrics.jobs.get()).values.map((v) => [
      v.labels.cluster,
      v.labels.outcome,
      v.value,
    ]);
    expect(jobOutcomes).toEqual(
      expect.arrayContaining([
        ['east', 'enqueued', 2],
        ['east', 'unchanged', 1],
        ['west', 'enqueued', 1],
        ['west', 'unchanged', 2],
      ]),
    );
    expect(await gauge(h.metrics.leader)).toEqual([expect.objectContaining({ value: 1 })]);
  });

  it('start from the plan in force, or once from a plan an operator applied', async () => {
    const h = harness();
    await h.reconciler.pass();
    await h.reconciler.pass();
    const inForce = h.reconciler.view().desired?.plan.assignment;
    const applied: Assignment = { web: 'east', api: 'west' };
    h.reconciler.startNextPassFrom(applied);
    await h.reconciler.pass();
    await h.reconciler.pass();
    expect(h.previousPlans).toHaveLength(4);
    expect(h.previousPlans[0]).toBeUndefined();
    expect(h.previousPlans[1]).toEqual(inForce);
    expect(h.previousPlans[2]).toBe(applied);
    expect(h.previousPlans[3]).not.toBe(applied);
    expect(h.previousPlans[3]).toBe(h.writes[2]?.desired?.plan.assignment);
  });

  it('write what the last pass built when a rollout asks for the proxies to be written', async () => {
    const h = harness();
    await h.reconciler.reconcileProxies();
    // Before any pass there is nothing to write; the real writer refuses that.
    expect(h.writes).toEqual([{ desired: undefined, snapshot: undefined }]);
    await h.reconciler.pass();
    await h.reconciler.reconcileProxies();
    expect(h.writes).toHaveLength(3);
    expect(h.writes[2]).toEqual(h.reconciler.view());
    expect(h.writes[2]?.desired).toBe(h.reconciler.view().desired);
  });
});

describe('Reconciler passes on a standby', () => {
  it('build the desired state but write nothing and enqueue nothing, until it leads', async () => {
    const h = harness({ leader: false });
    await h.reconciler.pass();
    const desired = h.reconciler.view().desired;
    expect(servicesOf(desired, 'east')).toEqual(['web']);
    expect(servicesOf(desired, 'west')).toEqual(['api']);
    const read = h.reconciler.view().snapshot?.services.map((s) => s.name) ?? [];
    expect([...read].sort()).toEqual(['api', 'web']);
    expect(h.events).toEqual(['read']);
    expect(h.writes).toEqual([]);
    expect(h.enqueued).toEqual([]);
    expect(h.reconciler.stats).toMatchObject({ passes: 1, jobsEnqueued: 0, jobsUnchanged: 0 });
    expect(await gauge(h.metrics.leader)).toEqual([expect.objectContaining({ value: 0 })]);

    h.lease.isLeader = true;
    h.reconciler.trigger('leadership');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    await vi.waitFor(() => expect(h.reconciler.stats.passes).toBe(2));
    expect(h.events.slice(1)).toEqual([
      'edge prerequisites',
      'read',
      `restore ${EPOCH}`,
      'write',
      'enqueue east',
      'enqueue west',
    ]);
    expect(h.reconciler.stats.jobsEnqueued).toBe(2);
    expect(await gauge(h.metrics.leader)).toEqual([expect.objectContaining({ value: 1 })]);
  });

  it('raise the lease floor to the epoch an earlier leader left on the services', async () => {
    const h = harness({ leader: false });
    const proxy: FixtureService = { name: 'signalbox-proxy-east', labels: { [EPOCH_LABEL]: '12' } };
    h.source.services = [web, api, proxy];
    await h.reconciler.pass();
    expect(h.lease.floors).toContain(12);
    expect(Math.max(...h.lease.floors)).toBe(12);
  });
});

describe('Reconciler signals', () => {
  it('within the debounce window share one pass, whose jobs carry when the first of them arrived', async () => {
    const h = harness();
    h.reconciler.trigger('event');
    await vi.advanceTimersByTimeAsync(10);
    h.reconciler.trigger('tasks');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    await vi.waitFor(() => expect(h.reconciler.stats.passes).toBe(1));
    expect(h.source.reads).toBe(1);
    expect(h.enqueued.map((j) => j.changedAt)).toEqual([T0, T0]);
    expect(h.reconciler.wantedSince('east')).toBe(T0);
    expect(h.reconciler.lastPass().at).toEqual(new Date(T0 + DEBOUNCE_MS));
    const signals = (await h.metrics.changeSignals.get()).values.map((v) => [v.labels.reason, v.value]);
    expect(signals).toEqual(
      expect.arrayContaining([
        ['event', 1],
        ['tasks', 1],
      ]),
    );

    // Later docs joins east: only east is wanted anew, from when that change was signalled.
    await vi.advanceTimersByTimeAsync(5_000);
    h.source.services = [web, api, docs];
    const changedAt = Date.now();
    h.reconciler.trigger('event');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    await vi.waitFor(() => expect(h.reconciler.stats.passes).toBe(2));
    expect(h.enqueued.slice(2).map((j) => [j.cluster, j.changedAt, j.result])).toEqual([
      ['east', changedAt, 'enqueued'],
      ['west', changedAt, 'unchanged'],
    ]);
    expect(h.reconciler.wantedSince('east')).toBe(changedAt);
    expect(h.reconciler.wantedSince('west')).toBe(T0);
    // A cluster no pass has seen is wanted from now.
    expect(h.reconciler.wantedSince('north')).toBe(Date.now());
  });

  it('during a pass give exactly one more pass, which sees the change; passes never overlap', async () => {
    const h = harness();
    const release = h.source.hold();
    h.reconciler.trigger('event');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(h.source.reads).toBe(1);

    // docs joins east while the first pass waits for Docker's (older) answer.
    await vi.advanceTimersByTimeAsync(1_000);
    h.source.services = [web, api, docs];
    const changedAt = Date.now();
    for (let i = 0; i < 3; i++) {
      h.reconciler.trigger('event');
      await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 2);
    }
    expect(h.source.reads).toBe(1);
    expect(h.reconciler.stats.passes).toBe(0);

    release();
    await vi.waitFor(() => expect(h.reconciler.stats.passes).toBe(2));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.reconciler.stats.passes).toBe(2);
    expect(h.source.reads).toBe(2);
    // Each pass ran start to end before the next began.
    expect(h.events.filter((e) => e === 'read' || e === 'write')).toEqual(['read', 'write', 'read', 'write']);
    expect(servicesOf(h.writes[0]?.desired, 'east')).toEqual(['web']);
    expect(servicesOf(h.writes[1]?.desired, 'east')).toEqual(['docs', 'web']);
    // The second pass's jobs answer the first signal it read, not the last.
    expect(h.enqueued.slice(2).map((j) => [j.cluster, j.changedAt, j.result])).toEqual([
      ['east', changedAt, 'enqueued'],
      ['west', changedAt, 'unchanged'],
    ]);
  });

  it('start no pass once stopped', async () => {
    const h = harness();
    h.reconciler.trigger('resync');
    h.reconciler.stop();
    h.reconciler.trigger('resync');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.source.reads).toBe(0);
    expect(h.reconciler.view().desired).toBeUndefined();
  });
});

describe('Reconciler rejections', () => {
  it('a service with a bad label is rejected and logged once, and does not cost other services their routes', async () => {
    const h = harness();
    const bad: FixtureService = {
      ...routedApp('bad', 'bad.example.org', { cluster: 'east' }),
      labels: {
        [LabelKey.hosts]: 'bad.example.org',
        [LabelKey.port]: 'eighty',
        [LabelKey.serviceCluster]: 'east',
      },
    };
    h.source.services = [web, api, bad];
    await h.reconciler.pass();
    const desired = h.reconciler.view().desired;
    expect(desired?.rejections).toEqual([
      expect.objectContaining({ service: 'bad', stage: 'labels', code: 'LABEL_INVALID' }),
    ]);
    expect(servicesOf(desired, 'east')).toEqual(['web']);
    expect(servicesOf(desired, 'west')).toEqual(['api']);
    expect(h.enqueued.map((j) => [j.cluster, j.result])).toEqual([
      ['east', 'enqueued'],
      ['west', 'enqueued'],
    ]);
    expect(h.writes).toHaveLength(1);
    expect((await h.metrics.rejections.get()).values).toEqual([
      expect.objectContaining({ labels: { stage: 'labels', code: 'LABEL_INVALID', tenant: '' }, value: 1 }),
    ]);
    const rejectedLines = () => h.logLines.filter((l) => l.msg.includes('com.docker.lb.port="eighty"'));
    expect(rejectedLines()).toEqual([expect.objectContaining({ level: 40 })]);

    // The next pass rejects it again without logging it again.
    await h.reconciler.pass();
    expect(h.reconciler.view().desired?.rejections).toHaveLength(1);
    expect(rejectedLines()).toHaveLength(1);

    // Fixed: routed, and the log says it is no longer rejected.
    h.source.services = [web, api, { ...bad, labels: { ...bad.labels, [LabelKey.port]: '8080' } }];
    await h.reconciler.pass();
    expect(h.reconciler.view().desired?.rejections).toEqual([]);
    expect(servicesOf(h.reconciler.view().desired, 'east')).toEqual(['bad', 'web']);
    expect((await h.metrics.rejections.get()).values).toEqual([]);
    expect(rejectedLines().at(-1)).toMatchObject({
      level: 30,
      msg: expect.stringMatching(/^no longer rejected/),
    });
  });

  it('certificate verdicts are judged against the state in force and keep a refused pair out', async () => {
    const asked: { leader: boolean; latest: DesiredState | undefined; secrets: unknown }[] = [];
    const verdicts: CertificateVerdicts = (pair) =>
      pair.cert === 'evil' ? { usable: false, reason: 'PEM_read_bio_X509_AUX() failed' } : { usable: true };
    const h = harness({
      certificates: {
        verdictsFor: (leader, latest, secrets) => {
          asked.push({ leader, latest, secrets });
          return verdicts;
        },
      },
    });
    const tls = (name: string, cluster: string): FixtureService => {
      const app = routedApp(name, `${name}.example.org`, { cluster });
      return {
        ...app,
        labels: { ...app.labels, [LabelKey.sslCert]: name, [LabelKey.sslKey]: `${name}.key` },
      };
    };
    h.source.services = [web, tls('shop', 'east'), tls('evil', 'west'), api];
    h.source.secrets = ['shop', 'shop.key', 'evil', 'evil.key'];
    await h.reconciler.pass();
    const first = h.reconciler.view();
    expect(servicesOf(first.desired, 'east')).toEqual(['shop', 'web']);
    expect(servicesOf(first.desired, 'west')).toEqual(['api']);
    expect(first.desired?.rejections).toEqual([
      expect.objectContaining({ service: 'evil', stage: 'certificate', code: 'CERTIFICATE_UNUSABLE' }),
    ]);

    h.lease.isLeader = false;
    await h.reconciler.pass();
    expect(asked).toEqual([
      { leader: true, latest: undefined, secrets: undefined },
      { leader: false, latest: first.desired, secrets: first.snapshot?.secrets },
    ]);
    expect(asked[1]?.latest).toBe(first.desired);
  });
});

describe('Reconciler failures and waiting', () => {
  it('a failed pass is counted and logged, keeps the state in force, and the next signal retries', async () => {
    const h = harness();
    await h.reconciler.pass();
    const before = h.reconciler.view();

    h.source.failNext = new Error('docker went away');
    await expect(h.reconciler.pass()).rejects.toThrow('docker went away');
    h.source.failNext = new Error('docker went away again');
    h.reconciler.trigger('event');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    await vi.waitFor(async () =>
      expect(await gauge(h.metrics.passFailures)).toEqual([expect.objectContaining({ value: 1 })]),
    );
    expect(h.logLines).toContainEqual(
      expect.objectContaining({
        level: 50,
        err: 'docker went away again',
        msg: 'reconcile pass failed; the next signal retries',
      }),
    );
    expect(h.reconciler.view()).toEqual(before);
    expect(h.reconciler.view().desired).toBe(before.desired);
    expect(h.reconciler.stats.passes).toBe(1);
    expect(h.writes).toHaveLength(1);

    h.reconciler.trigger('resync');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    await vi.waitFor(() => expect(h.reconciler.stats.passes).toBe(2));
    expect(h.writes).toHaveLength(2);
  });

  it('nextPass resolves after the next pass, or when its time is up or it is aborted', async () => {
    const h = harness();
    let resolved = false;
    const waiting = h.reconciler.nextPass(60_000, new AbortController().signal).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(false);
    await h.reconciler.pass();
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
    await waiting;

    const abort = new AbortController();
    const aborted = h.reconciler.nextPass(60_000, abort.signal);
    abort.abort();
    await expect(aborted).resolves.toBeUndefined();
    // AbortSignal.timeout runs on Node's own timers, which the fake ones leave alone.
    await expect(h.reconciler.nextPass(5, new AbortController().signal)).resolves.toBeUndefined();
    expect(h.reconciler.stats.passes).toBe(1);
  });
});
