import { afterAll, describe, expect, it } from 'vitest';
import { runConvergence } from './convergence.js';
import { type LoadEnv, startLoadEnv } from './environment.js';
import { runFaults } from './faults.js';
import { runRollingUpdate } from './storms.js';

/**
 * The short version of `npm run loadtest` that the test command runs: convergence on a small swarm, a
 * rolling update under load, and every fault (5 s Docker cut). The full sizes and the figures are
 * `npm run loadtest`'s.
 */
const envs = new Set<LoadEnv>();
afterAll(async () => {
  for (const env of envs) await env.stop();
}, 180_000);

/** Each scenario's Signalbox is removed as soon as it is done, so the next one runs on a quiet machine. */
async function within<T>(clusters: number, run: (env: LoadEnv) => Promise<T>): Promise<T> {
  const env = await startLoadEnv({ clusters });
  envs.add(env);
  try {
    return await run(env);
  } finally {
    envs.delete(env);
    await env.stop();
  }
}

describe('load suite, short', () => {
  it('converges create, scale and rm through the front door on every trial', async () => {
    const result = await within(2, (env) => runConvergence(env, { services: 30, trials: 3 }));
    for (const change of result.changes) {
      expect(change.timedOut, change.kind).toBe(0);
      expect(change.ms).toHaveLength(3);
    }
    console.log(
      result.changes.map((c) => `${c.kind}: p50 ${c.summary.p50} ms, max ${c.summary.max} ms`).join('\n'),
    );
  }, 600_000);

  it('drops no request while a health-checked app rolls start-first', async () => {
    const result = await within(1, (env) => runRollingUpdate(env, 6));
    expect(result.requests).toBeGreaterThan(100);
    expect(result.failures).toEqual([]);
  }, 600_000);

  it('survives every fault with every route right, every cluster in sync and nothing left over', async () => {
    // runFaults throws when a fault's end state does not come; every fault must also cost no request.
    const results = await runFaults({ quick: true });
    expect(results).toHaveLength(10);
    console.log(
      results
        .map(
          (r) =>
            `${r.fault}: ${r.failed} failed of ${r.requests}, end state after ${r.recoverySeconds.toFixed(1)} s (${r.detail})`,
        )
        .join('\n'),
    );
    for (const r of results) {
      expect(r.requests, r.fault).toBeGreaterThan(50);
      expect(r.failed, `${r.fault}: ${r.detail}`).toBe(0);
    }
  }, 900_000);
});
