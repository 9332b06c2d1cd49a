import type { BackendMode } from '../model/index.js';
import type { SwarmService, SwarmTask } from '../swarm/snapshot.js';
import { byString } from '../util/compare.js';

/**
 * A task is a target only while Swarm runs it and means to keep it running: a task whose desired state turned
 * to shutdown is dropped before it stops, so the app's stop grace period drains it. Swarm holds a task with a
 * health check in `starting` until the check passes, and replaces it when it fails, so `running` implies
 * healthy for those tasks.
 */
export const isServing = (task: SwarmTask): boolean =>
  task.state === 'running' && task.desiredState === 'running';

export interface TargetResult {
  targets: string[];
  warning?: string;
}

/** Serving tasks grouped by service, built once per snapshot so target lookup stays linear. */
export function servingTasksByService(tasks: readonly SwarmTask[]): Map<string, SwarmTask[]> {
  const out = new Map<string, SwarmTask[]>();
  for (const task of tasks) {
    if (!isServing(task)) continue;
    const list = out.get(task.serviceId);
    if (list) list.push(task);
    else out.set(task.serviceId, [task]);
  }
  return out;
}

export function targetsFor(
  service: SwarmService,
  serving: readonly SwarmTask[],
  networkId: string,
  port: number,
  mode: BackendMode,
): TargetResult {
  if (mode === 'vip') {
    if (serving.length === 0) return { targets: [] };
    const vip = service.vips.get(networkId);
    if (vip === undefined) {
      return { targets: [], warning: `service ${service.name}: has no VIP on network ${networkId}` };
    }
    return { targets: [`${vip}:${port}`] };
  }
  const addresses = new Set<string>();
  let missing = 0;
  for (const task of serving) {
    const ip = task.addresses.get(networkId);
    if (ip === undefined) missing += 1;
    else addresses.add(`${ip}:${port}`);
  }
  const targets = [...addresses].sort(byString);
  return missing > 0
    ? {
        targets,
        warning: `service ${service.name}: ${missing} running task(s) have no address on network ${networkId}`,
      }
    : { targets };
}
