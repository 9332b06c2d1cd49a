import type { AppRoute } from '../model/index.js';

/**
 * The routes one service cluster serves: the planner's assignment when there is one, else the
 * `service_cluster` label, else the unnamed default cluster (Interlock's `ServiceCluster = ""`).
 */
export const routesForCluster = (
  routes: readonly AppRoute[],
  cluster: string,
  assignment?: ReadonlyMap<string, string>,
): AppRoute[] => routes.filter((r) => (assignment?.get(r.service) ?? r.pinnedCluster ?? '') === cluster);

export const clustersNamed = (routes: readonly AppRoute[]): string[] =>
  [...new Set(routes.map((r) => r.pinnedCluster ?? ''))].sort();
