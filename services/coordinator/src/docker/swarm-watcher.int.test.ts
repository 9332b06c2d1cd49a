import Dockerode from 'dockerode';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestNetwork,
  createTestService,
  docker,
  removeTestObjects,
  testPrefix,
  waitFor,
} from '../../../../testing/swarm.js';
import { type ChangeReason, SwarmWatcher } from './swarm-watcher.js';

const client = docker();
const prefix = testPrefix();
const log = pino({ level: 'silent' });

afterAll(async () => {
  await removeTestObjects(client, prefix);
}, 60_000);

function record(watcher: (cb: (r: ChangeReason) => void) => SwarmWatcher) {
  const seen: { reason: ChangeReason; at: number }[] = [];
  const w = watcher((reason) => seen.push({ reason, at: Date.now() }));
  return { w, seen };
}

describe('SwarmWatcher on a real swarm', () => {
  it('reports a service event, and task changes from polling, each within a second', async () => {
    const { w, seen } = record(
      (cb) => new SwarmWatcher(client, cb, { taskPollMs: 200, resyncMs: 60_000 }, log),
    );
    w.start();
    try {
      await waitFor('the event stream', async () => (w.connects > 0 ? true : undefined), 5_000);
      await new Promise((r) => setTimeout(r, 300));
      const net = `${prefix}-net`;
      const t0 = Date.now();
      await createTestNetwork(client, prefix, net);
      const event = await waitFor(
        'a network event',
        async () => seen.find((s) => s.reason === 'event' && s.at >= t0),
        5_000,
      );
      expect(event.at - t0).toBeLessThan(1_000);
      const t1 = Date.now();
      await createTestService(client, prefix, {
        name: `${prefix}-web`,
        networks: [net],
        replicas: 1,
        labels: {},
      });
      const tasks = await waitFor(
        'a task change',
        async () => seen.find((s) => s.reason === 'tasks' && s.at >= t1),
        10_000,
      );
      expect(tasks.at - t1).toBeLessThan(10_000);
    } finally {
      w.stop();
    }
  }, 60_000);

  it('keeps retrying with backoff when the engine is unreachable, and stops cleanly', async () => {
    const nowhere = new Dockerode({ socketPath: '/nonexistent/docker.sock' });
    const { w } = record(
      (cb) =>
        new SwarmWatcher(
          nowhere,
          cb,
          { taskPollMs: 1_000, resyncMs: 60_000, minBackoffMs: 20, maxBackoffMs: 80 },
          log,
        ),
    );
    w.start();
    await waitFor('several reconnect attempts', async () => (w.connects >= 4 ? true : undefined), 5_000);
    w.stop();
    const attempts = w.connects;
    await new Promise((r) => setTimeout(r, 200));
    expect(w.connects).toBe(attempts);
  });

  it('asks for a resync on its own schedule', async () => {
    const { w, seen } = record(
      (cb) => new SwarmWatcher(client, cb, { taskPollMs: 60_000, resyncMs: 100 }, log),
    );
    w.start();
    await waitFor(
      'two resyncs',
      async () => (seen.filter((s) => s.reason === 'resync').length >= 2 ? true : undefined),
      5_000,
    );
    w.stop();
  });
});
