import { describe, expect, it } from 'vitest';
import {
  agentRolloutStatus,
  type ProxyServiceState,
  type ProxyTask,
  stuckReason,
  taskHostname,
  templateRolloutStatus,
} from './rollout-status.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const at = (msBeforeNow: number) => new Date(NOW - msBeforeNow).toISOString();

const task = (state: string, config: string, extra: NonNullable<ProxyTask['Status']> = {}): ProxyTask => ({
  Status: { State: state, ContainerStatus: { ContainerID: `${config}-0123456789abcdef` }, ...extra },
  Spec: { ContainerSpec: { Configs: [{ ConfigName: config }] } },
});

const service = (update?: ProxyServiceState['UpdateStatus']): ProxyServiceState => ({
  Spec: {
    Name: 'signalbox-proxy-east',
    Labels: {},
    Mode: { Replicated: { Replicas: 2 } },
    TaskTemplate: { ContainerSpec: { Configs: [{ ConfigName: 'cfg-new' }] } },
  },
  ...(update ? { UpdateStatus: update } : {}),
});

describe('a rollout as the operator sees it', () => {
  it('a task pending with a scheduler error for over 10 s is stuck, and says why', () => {
    const err = 'host-mode port 443 is already in use on node-1';
    const fresh = task('pending', 'cfg-new', { Err: err, Timestamp: at(9_000) });
    const old = task('pending', 'cfg-new', { Err: err, Timestamp: at(12_400) });
    expect(stuckReason([fresh], NOW)).toBe('');
    expect(stuckReason([task('running', 'cfg-new', { Timestamp: at(60_000) }), old], NOW)).toBe(
      `task pending for 12 s: ${err}`,
    );
    expect(stuckReason([task('pending', 'cfg-new', { Timestamp: at(60_000) })], NOW)).toBe('');
  });

  it("from the task template: Swarm's update state, and the running tasks that run the template's config", () => {
    const status = templateRolloutStatus(
      'east',
      'signalbox-proxy-east',
      service({ State: 'updating', Message: 'update in progress' }),
      [task('running', 'cfg-new'), task('running', 'cfg-old'), task('starting', 'cfg-new')],
      NOW,
    );
    expect(status).toEqual({
      cluster: 'east',
      service: 'signalbox-proxy-east',
      state: 'updating',
      message: 'update in progress',
      configName: 'cfg-new',
      tasksRunning: 2,
      tasksDesired: 2,
      tasksServing: 1,
      stuck: '',
    });
  });

  describe('with agents applying configs in place', () => {
    const tasks = [task('running', 'a'), task('running', 'b')];
    const rollout = { configName: 'cfg-new', serving: 1, startedAt: NOW - 5_000, refusal: undefined };

    it('updating until every replica serves the config, then completed', () => {
      expect(agentRolloutStatus('east', service(), tasks, rollout, NOW).state).toBe('updating');
      const done = agentRolloutStatus('east', service(), tasks, { ...rollout, serving: 2 }, NOW);
      expect(done).toMatchObject({ state: 'completed', tasksServing: 2, tasksRunning: 2, tasksDesired: 2 });
    });

    it("Swarm's update state counts only when it belongs to this rollout", () => {
      const ours = service({ State: 'rollback_started', Message: 'task failed', StartedAt: at(4_000) });
      expect(agentRolloutStatus('east', ours, tasks, rollout, NOW)).toMatchObject({
        state: 'rollback_started',
        message: 'task failed',
      });
      // An update from before this rollout (beyond 2 s of clock slack) says nothing about it.
      const earlier = service({ State: 'rollback_completed', Message: 'old news', StartedAt: at(7_500) });
      expect(agentRolloutStatus('east', earlier, tasks, rollout, NOW)).toMatchObject({
        state: 'updating',
        message: '',
      });
    });

    it('a config an agent refused ends the rollout reverted, with the refusal as its message', () => {
      const refusal = { message: 'the agent of proxy task abc refused config cfg-new; reverted' };
      const status = agentRolloutStatus('east', service(), tasks, { ...rollout, serving: 2, refusal }, NOW);
      expect(status).toMatchObject({ state: 'rollback_completed', message: refusal.message });
    });
  });

  it("names a task by its agent's hostname, the container's short ID", () => {
    expect(taskHostname(task('running', 'cfg'))).toBe('cfg-01234567');
    expect(taskHostname({})).toBe('');
  });
});
