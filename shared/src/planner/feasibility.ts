import { SignalboxError } from '../errors/index.js';
import { listNames, type Problem, unitAppIds } from './problem.js';

const infeasible = (constraint: string, message: string, apps: string[], cluster?: string): SignalboxError =>
  new SignalboxError('PLAN_INFEASIBLE', `${constraint}: ${message}`, {
    constraint,
    apps: apps.slice(0, 50),
    ...(cluster === undefined ? {} : { cluster }),
  });

const EPS = 1e-9;

/**
 * The capacity checks that prove infeasibility cheaply. Passing them does not prove a packing exists (that is
 * bin packing); the placement reports the units it could not fit if it ever meets such an input.
 */
export function checkFeasible(problem: Problem): void {
  const k = problem.clusterNames.length;
  const unitCount = problem.unitWeight.length;
  const pinnedWeight = new Float64Array(k);
  const pinnedApps: string[][] = Array.from({ length: k }, () => []);
  const free: number[] = [];
  for (let u = 0; u < unitCount; u++) {
    const pin = problem.unitPin[u] as number;
    if (pin < 0) {
      free.push(u);
      continue;
    }
    pinnedWeight[pin] = (pinnedWeight[pin] as number) + (problem.unitWeight[u] as number);
    pinnedApps[pin]?.push(...unitAppIds(problem, u));
  }
  for (let b = 0; b < k; b++) {
    const cap = problem.capacity[b] as number;
    if ((pinnedWeight[b] as number) > cap + EPS) {
      const name = problem.clusterNames[b] as string;
      throw infeasible(
        'capacity',
        `apps pinned to ${name} weigh ${pinnedWeight[b]}, over its capacity ${cap} (${listNames(pinnedApps[b] ?? [])})`,
        pinnedApps[b] ?? [],
        name,
      );
    }
  }
  if (free.length === 0) return;
  const freeApps = free.flatMap((u) => unitAppIds(problem, u));
  const room: number[] = [];
  for (let b = 0; b < k; b++)
    if (problem.auto[b]) room.push((problem.capacity[b] as number) - (pinnedWeight[b] as number));
  if (room.length === 0)
    throw infeasible(
      'auto',
      `no cluster accepts unpinned apps (auto: true), but ${listNames(freeApps)} are not pinned`,
      freeApps,
    );
  const largestRoom = Math.max(...room);
  let freeWeight = 0;
  for (const u of free) {
    const weight = problem.unitWeight[u] as number;
    freeWeight += weight;
    if (weight > largestRoom + EPS) {
      const apps = unitAppIds(problem, u);
      const what = apps.length > 1 ? `host group ${listNames(apps)}` : `app ${apps[0]}`;
      throw infeasible(
        'capacity',
        `${what} weighs ${weight}, more than the room left in any auto cluster (at most ${largestRoom})`,
        apps,
      );
    }
  }
  const totalRoom = room.reduce((x, y) => x + y, 0);
  if (freeWeight > totalRoom + EPS)
    throw infeasible(
      'capacity',
      `unpinned apps weigh ${freeWeight} but the auto clusters have room for ${totalRoom} (capacity minus pinned apps; raise capacity or balance)`,
      freeApps,
    );
}
