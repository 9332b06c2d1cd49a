import type { AppRoute } from '../model/index.js';

/**
 * Routes reached on the networks the planner chose (`Plan.networks`, service → network name): `network` and
 * `targets` become that network's. Routes without `networkChoices`, or not planned, are returned as they are.
 */
export function applyNetworkChoices(
  routes: readonly AppRoute[],
  chosen: Readonly<Record<string, string>>,
): AppRoute[] {
  return routes.map((route) => {
    if (!route.networkChoices || !Object.hasOwn(chosen, route.service)) return route;
    const network = route.networkChoices.find((n) => n.name === chosen[route.service]);
    if (!network || network.id === route.network?.id) return route;
    return { ...route, network, targets: route.targetsByNetwork?.[network.id] ?? [] };
  });
}

/**
 * A cluster's routes, where those it only keeps for an app on its way to another cluster (`own` lacks them)
 * are reached on a network the cluster's own routes join, when their choices include one: the network was
 * chosen for the cluster the app moves to, and the proxy it leaves should not join a network just for the move.
 */
export function keptOnJoinedNetworks(routes: readonly AppRoute[], own: ReadonlySet<AppRoute>): AppRoute[] {
  const joined = new Set<string>();
  for (const route of routes) if (own.has(route) && route.network) joined.add(route.network.id);
  return routes.map((route) => {
    if (own.has(route) || !route.networkChoices || (route.network && joined.has(route.network.id)))
      return route;
    const network = route.networkChoices.find((n) => joined.has(n.id));
    return network ? { ...route, network, targets: route.targetsByNetwork?.[network.id] ?? [] } : route;
  });
}
