import { isSignalboxError } from '../errors/index.js';
import type { AppRoute } from '../model/index.js';
import { type Assignment, type Plan, type PlanOptions, plan, type Topology } from '../planner/index.js';
import { appSpecs, type UnplacedApp } from './admit-apps.js';

/** Packing attempts after the capacity checks passed: the last one leaves out every app it names. */
const PACKING_ATTEMPTS = 3;

/**
 * The capacity checks admitApps runs are necessary, not sufficient (packing is bin packing), so the planner
 * can still fail to fit the groups it names; then the youngest of them is left out and the plan retried.
 */
export function planOrLeaveOut(
  base: Topology,
  admitted: AppRoute[],
  unplaced: UnplacedApp[],
  previous: Assignment | undefined,
  options: PlanOptions,
): Plan {
  let apps = admitted;
  for (let attempt = 1; ; attempt++) {
    try {
      return plan({ ...base, apps: appSpecs(apps) }, previous, options);
    } catch (e) {
      const named = isSignalboxError(e, 'PLAN_INFEASIBLE')
        ? new Set(e.details.apps as string[] | undefined)
        : undefined;
      const stuck = apps.filter((r) => named?.has(r.service));
      if (stuck.length === 0) throw e;
      // Seniority order: the youngest named app is the last.
      const out = new Set(attempt < PACKING_ATTEMPTS ? stuck.slice(-1) : stuck);
      for (const r of stuck)
        if (out.has(r))
          unplaced.push({
            service: r.service,
            constraint: isSignalboxError(e) && e.details.constraint === 'network' ? 'network' : 'capacity',
            reason: `service ${r.service}: ${e instanceof Error ? e.message : String(e)}; the younger service gives way`,
          });
      apps = apps.filter((r) => !out.has(r));
    }
  }
}
