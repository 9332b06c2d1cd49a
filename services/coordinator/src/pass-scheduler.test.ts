import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PassScheduler } from './pass-scheduler.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A pass that stays open until `finish` is called, counting how many started. */
function controlledPasses() {
  const started: (() => void)[] = [];
  return {
    run: () => new Promise<void>((resolve) => started.push(resolve)),
    started,
    finish: async () => {
      started.at(-1)?.();
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

describe('PassScheduler', () => {
  it('runs one pass for the signals of one debounce window', async () => {
    const passes = controlledPasses();
    const scheduler = new PassScheduler(passes.run, () => undefined, 50);
    for (let i = 0; i < 5; i++) scheduler.signal();
    await vi.advanceTimersByTimeAsync(50);
    expect(passes.started).toHaveLength(1);
    await passes.finish();
    expect(passes.started).toHaveLength(1);
  });

  it('queues exactly one more pass for any number of signals during a pass', async () => {
    const passes = controlledPasses();
    const scheduler = new PassScheduler(passes.run, () => undefined, 50);
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(50);
    for (let i = 0; i < 3; i++) {
      scheduler.signal();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(passes.started).toHaveLength(1);
    await passes.finish();
    expect(passes.started).toHaveLength(2);
    await passes.finish();
    expect(passes.started).toHaveLength(2);
  });

  it('reports a failed pass and runs the next signal', async () => {
    const failures: string[] = [];
    let calls = 0;
    const scheduler = new PassScheduler(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('docker went away');
      },
      (e) => failures.push(e.message),
      50,
    );
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(50);
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(50);
    expect(failures).toEqual(['docker went away']);
    expect(calls).toBe(2);
  });

  it('starts no pass on a signal once stopped', async () => {
    const passes = controlledPasses();
    const scheduler = new PassScheduler(passes.run, () => undefined, 50);
    scheduler.signal();
    scheduler.stop();
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(500);
    expect(passes.started).toHaveLength(0);
  });
});
