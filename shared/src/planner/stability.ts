import type { Problem } from './problem.js';
import type { Assignment } from './types.js';

/**
 * Default hysteresis, in attachments per moved app: moving a 20-app tenant must save at least one attachment.
 * Higher values keep more apps in place but leave re-plans further from a fresh plan (see
 * loadtest/README-plan.md).
 */
export const DEFAULT_MOVE_COST = 0.05;

/** Default cap on voluntary moves per plan: 7 % of the apps, and at least 10. */
export const defaultMaxMoves = (apps: number): number => Math.max(10, Math.floor(apps * 0.07));

/**
 * Where each unit lived in the previous plan. A unit's home is the cluster most of its apps were in (ties:
 * the first cluster), if that cluster still exists and still accepts it; `homeApps` counts the apps already
 * there, which is what moving the unit away would cost. Units without a usable home (new apps, a removed
 * cluster) get -1 and are placed from scratch.
 */
export interface WarmStart {
  readonly home: Int32Array;
  readonly homeApps: Float64Array;
}

export function warmStart(problem: Problem, previous: Assignment): WarmStart {
  const k = problem.clusterNames.length;
  const clusterIndex = new Map(problem.clusterNames.map((name, b) => [name, b]));
  const units = problem.unitWeight.length;
  const home = new Int32Array(units).fill(-1);
  const homeApps = new Float64Array(units);
  const counts = new Float64Array(k);
  for (let u = 0; u < units; u++) {
    counts.fill(0);
    for (let i = problem.unitAppStart[u] as number; i < (problem.unitAppStart[u + 1] as number); i++) {
      const id = problem.topology.apps[problem.unitApps[i] as number]?.id ?? '';
      const before = Object.hasOwn(previous, id) ? clusterIndex.get(previous[id] as string) : undefined;
      if (before !== undefined) counts[before] = (counts[before] as number) + 1;
    }
    const pin = problem.unitPin[u] as number;
    let best = pin;
    if (pin < 0)
      for (let b = 0; b < k; b++)
        if (
          problem.auto[b] &&
          (counts[b] as number) > 0 &&
          (best < 0 || (counts[b] as number) > (counts[best] as number))
        )
          best = b;
    if (best < 0) continue;
    home[u] = best;
    homeApps[u] = counts[best] as number;
  }
  return { home, homeApps };
}
