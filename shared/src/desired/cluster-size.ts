import type { AppRoute } from '../model/index.js';
import type { Rejection } from './rejections.js';

/** The nginx locations a route adds to its cluster's config: each host with each of its paths. */
export const locationsOf = (route: AppRoute): number =>
  route.hosts.length * (1 + route.websocketEndpoints.length);

/**
 * Caps the nginx locations of one cluster, which bound its config's size, its `nginx -t` time and the model
 * a worker fetches. The services of a full cluster keep their routes in seniority order; a younger one that
 * does not fit any more is turned away by name, never silently cut off.
 */
export function limitClusterLocations(
  routes: readonly AppRoute[],
  cluster: string,
  max: number,
): { routes: AppRoute[]; rejections: Rejection[] } {
  let used = 0;
  const kept: AppRoute[] = [];
  const rejections: Rejection[] = [];
  for (const route of routes) {
    const adds = locationsOf(route);
    if (used + adds <= max) {
      used += adds;
      kept.push(route);
      continue;
    }
    rejections.push({
      service: route.service,
      ...(route.tenant !== undefined ? { tenant: route.tenant } : {}),
      stage: 'limits',
      code: 'CLUSTER_LIMIT',
      message: `service ${route.service}: its ${adds} locations do not fit in cluster ${JSON.stringify(cluster)}, whose older services use ${used} of the ${max} [Limits] LocationsPerCluster allows`,
    });
  }
  return { routes: kept, rejections };
}
