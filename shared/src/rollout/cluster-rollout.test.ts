import { describe, expect, it } from 'vitest';
import {
  agentStep,
  ClusterRollout,
  rolloutTransitions as next,
  noRollout,
  type RolloutPolicy,
} from './index.js';

const v1 = { name: 'signalbox-east-v1', id: 'id1' };
const v2 = { name: 'signalbox-east-v2', id: 'id2' };
const policy: RolloutPolicy = { order: 'start-first', delayMs: 3_000, parallelism: 1, monitorMs: 5_000 };
const startV2 = (r: ClusterRollout, epoch = 1) =>
  next.started(r, { epoch, config: v2, previous: v1, policy, at: 1_000 });
/** What a new leader reads back: the record through its JSON form and schema. */
const roundTrip = (r: ClusterRollout) => ClusterRollout.parse(JSON.parse(JSON.stringify(r)));

describe('a cluster rollout record', () => {
  it('starts a rollout: the new config live, the old one kept for a revert, under the leader that took the step', () => {
    const r = startV2(next.templateChanged(noRollout(1), { epoch: 1, at: 500 }));
    expect(r).toEqual({ epoch: 1, config: v2, previous: v1, policy, startedAt: 1_000, taskSpecAt: 500 });
    expect(roundTrip(r)).toEqual(r);
  });

  it('keeps the revert target when the same config is started again (a job retried after a change of leader)', () => {
    const again = next.started(startV2(noRollout(1)), {
      epoch: 2,
      config: v2,
      previous: v2,
      policy,
      at: 9_000,
    });
    expect(again).toMatchObject({ epoch: 2, config: v2, previous: v1, startedAt: 9_000 });
  });

  it('clears an earlier refusal when a new rollout starts', () => {
    const refused = next.refused(startV2(noRollout(1)), { epoch: 1, config: v2.name, message: 'nginx -t' });
    expect(startV2(refused).refusal).toBeUndefined();
  });

  it('goes back to the previous config when Docker refused the spec or an agent refused the config', () => {
    expect(next.notStarted(startV2(noRollout(1)), 1).config).toEqual(v1);
    const refused = next.refused(startV2(noRollout(1)), {
      epoch: 2,
      config: v2.name,
      message: 'nginx -t failed',
    });
    expect(refused).toMatchObject({
      epoch: 2,
      config: v1,
      refusal: { config: v2.name, message: 'nginx -t failed' },
    });
  });

  it('leaves the config to the proxy when Swarm or an operator rolled it back', () => {
    const swarm = next.swarmRolledBack(startV2(noRollout(1)), 1);
    expect(swarm.config).toBeUndefined();
    expect(swarm.policy).toBeUndefined();
    expect(roundTrip(swarm)).toEqual(swarm);
    const operator = next.operatorRolledBack(startV2(noRollout(1)), 1);
    expect(operator.config).toBeUndefined();
    expect(operator.policy).toEqual(policy);
  });

  it('is carried on by a new leader under its own term', () => {
    const old = roundTrip(startV2(noRollout(3), 3));
    expect(next.templateChanged(old, { epoch: 4, at: 2_000 })).toMatchObject({
      epoch: 4,
      config: v2,
      taskSpecAt: 2_000,
    });
  });

  it('refuses a record a leader could not act on', () => {
    expect(ClusterRollout.safeParse({ epoch: 1, startedAt: 0, config: { name: '', id: 'x' } }).success).toBe(
      false,
    );
    expect(ClusterRollout.safeParse({ epoch: -1, startedAt: 0 }).success).toBe(false);
  });
});

describe("an agent's step", () => {
  const target = { name: v2.name, sha: 'sha-v2' };
  const started = startV2(noRollout(1));

  it('takes the target when it runs it or its turn may come', () => {
    expect(agentStep(started, target, { live: 'sha-v2', refused: '', predatesTemplate: false })).toBe('take');
    expect(agentStep(started, target, { live: 'sha-v1', refused: '', predatesTemplate: false })).toBe('take');
  });

  it('waits while Swarm replaces its task, which may lack a network the target needs', () => {
    expect(agentStep(started, target, { live: 'sha-v1', refused: '', predatesTemplate: true })).toBe('wait');
  });

  it('reverts the rollout on the first refusal of the target, then only waits', () => {
    const report = { live: 'sha-v1', refused: 'sha-v2', predatesTemplate: false };
    expect(agentStep(started, target, report)).toBe('revert');
    const reverted = next.refused(started, { epoch: 1, config: v2.name, message: 'x' });
    expect(agentStep(reverted, target, report)).toBe('wait');
  });

  it('ignores a refusal of some other config', () => {
    expect(agentStep(started, target, { live: 'sha-v1', refused: 'sha-v0', predatesTemplate: false })).toBe(
      'take',
    );
  });
});
