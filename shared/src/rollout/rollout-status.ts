import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';

/** The parts of a proxy task (Engine `GET /tasks`) a rollout's status is read from. */
export interface ProxyTask {
  CreatedAt?: string;
  Status?: {
    State?: string;
    Err?: string;
    Message?: string;
    Timestamp?: string;
    ContainerStatus?: { ContainerID?: string };
  };
  Spec?: { ContainerSpec?: { Configs?: { ConfigName: string }[] } };
}

/** The parts of a proxy service (Engine `GET /services/{id}`) a rollout's status is read from. */
export interface ProxyServiceState {
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number } };
    TaskTemplate?: { ContainerSpec?: { Configs?: { ConfigName: string }[] } };
  };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string };
}

/** A task still pending after this long, with an error from the scheduler, will not start by itself. */
const STUCK_AFTER_MS = 10_000;
/** Swarm's update record counts for a rollout that started at most this much before it (clock skew). */
const SWARM_UPDATE_SLACK_MS = 2_000;

/** An agent's hostname is its container's short ID; so is how a task names the agent that runs in it. */
export const taskHostname = (t: ProxyTask): string =>
  t.Status?.ContainerStatus?.ContainerID?.slice(0, 12) ?? '';

const running = (tasks: readonly ProxyTask[]) => tasks.filter((t) => t.Status?.State === 'running');

/** Why a proxy task cannot start (e.g. start-first on a host-mode port that is taken), or ''. */
export function stuckReason(tasks: readonly ProxyTask[], now: number): string {
  for (const t of tasks) {
    const state = t.Status?.State ?? '';
    const since = Date.parse(t.Status?.Timestamp ?? '');
    if (['pending', 'new', 'allocated'].includes(state) && t.Status?.Err && now - since > STUCK_AFTER_MS) {
      return `task ${state} for ${Math.round((now - since) / 1000)} s: ${t.Status.Err}`;
    }
  }
  return '';
}

/**
 * A proxy that takes its config from its task template: Swarm's update state is the rollout's, and a task
 * serves the config its template names.
 */
export function templateRolloutStatus(
  cluster: string,
  service: string,
  svc: ProxyServiceState,
  tasks: readonly ProxyTask[],
  now: number,
): Rollout {
  const configName = svc.Spec?.TaskTemplate?.ContainerSpec?.Configs?.[0]?.ConfigName ?? '';
  const up = running(tasks);
  return {
    cluster,
    service,
    state: svc.UpdateStatus?.State ?? '',
    message: svc.UpdateStatus?.Message ?? '',
    configName,
    tasksRunning: up.length,
    tasksDesired: svc.Spec?.Mode?.Replicated?.Replicas ?? 0,
    tasksServing: up.filter((t) => t.Spec?.ContainerSpec?.Configs?.[0]?.ConfigName === configName).length,
    stuck: stuckReason(tasks, now),
  };
}

/**
 * A proxy whose agents apply configs: a task serves the config its agent reports running (`serving`).
 * Swarm's update state counts only while it belongs to this rollout (an in-place rollout leaves it
 * untouched); a refusal by an agent ends the rollout reverted; otherwise it is `updating` until every
 * replica serves, then `completed`.
 */
export function agentRolloutStatus(
  cluster: string,
  svc: ProxyServiceState,
  tasks: readonly ProxyTask[],
  rollout: {
    configName: string;
    serving: number;
    startedAt: number;
    refusal: { message: string } | undefined;
  },
  now: number,
): Rollout {
  const desired = svc.Spec?.Mode?.Replicated?.Replicas ?? 0;
  const swarm = svc.UpdateStatus?.State ?? '';
  const swarmCurrent =
    swarm !== '' &&
    Date.parse(svc.UpdateStatus?.StartedAt ?? '') >= rollout.startedAt - SWARM_UPDATE_SLACK_MS;
  const state = rollout.refusal
    ? 'rollback_completed'
    : swarmCurrent && swarm !== 'completed'
      ? swarm
      : rollout.serving >= desired
        ? 'completed'
        : 'updating';
  return {
    cluster,
    service: svc.Spec?.Name ?? '',
    state,
    message: rollout.refusal?.message ?? (swarmCurrent ? (svc.UpdateStatus?.Message ?? '') : ''),
    configName: rollout.configName,
    tasksRunning: running(tasks).length,
    tasksDesired: desired,
    tasksServing: rollout.serving,
    stuck: stuckReason(tasks, now),
  };
}
