import { afterAll, describe, expect, it } from 'vitest';
import { runConvergence } from './convergence.js';
import { type LoadEnv, startLoadEnv } from './environment.js';
import { runFaults } from './faults.js';
import { runRollingUpdate } from './storms.js';

/**
 * The short version of `npm run loadtest` that the test command runs: convergence on a small swarm, a
 * rolling update under load, and every fault. The full sizes and the figures are `npm run loadtest`'s.
 */
const envs: LoadEnv[] = [];
afterAll(async () => {
  for (const env of envs) await env.stop();
}, 180_000);

describe('load suite, short', () => {
  it('converges create, scale and rm through the front door on every trial', async () => {
    const env = await startLoadEnv({ clusters: 2 });
    envs.push(env);
    const result = await runConvergence(env, { services: 30, trials: 3 });
    for (const change of result.changes) {
      expect(change.timedOut, change.kind).toBe(0);
      expect(change.ms).toHaveLength(3);
    }
    console.log(
      result.changes.map((c) => `${c.kind}: p50 ${c.summary.p50} ms, max ${c.summary.max} ms`).join('\n'),
    );
  }, 600_000);

  it('drops no request while a health-checked app rolls start-first', async () => {
    const env = await startLoadEnv({ clusters: 1 });
    envs.push(env);
    const result = await runRollingUpdate(env, 6);
    expect(result.requests).toBeGreaterThan(100);
    expect(result.failures).toEqual([]);
  }, 600_000);

  it('survives every fault with every route right, in sync and nothing left over', async () => {
    const results = await runFaults({ quick: true });
    expect(results.map((r) => r.fault)).toHaveLength(6);
    for (const r of results) expect(r.requests, r.fault).toBeGreaterThan(50);
    console.log(
      results
        .map(
          (r) =>
            `${r.fault}: ${r.failed} failed of ${r.requests}, ${r.recoverySeconds.toFixed(1)} s; ${r.detail}`,
        )
        .join('\n'),
    );
  }, 1_200_000);
});
