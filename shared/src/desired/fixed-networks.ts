import type { AppRoute } from '../model/index.js';
import type { SwarmSnapshot } from '../swarm/index.js';
import { byKey } from '../util/compare.js';
import type { UnplacedApp } from './admit-apps.js';

/**
 * `[Extensions.<name>] Networks` as Interlock 3 means it: the cluster's proxy joins exactly those networks,
 * whatever its apps, so it serves only apps reachable on one of them. The planner places apps with this
 * (`ClusterSpec.networks`, planner/fixed-networks.ts); this file resolves the names against the swarm, turns
 * away before planning the apps no cluster could reach, and keeps each fixed cluster's routes on its networks.
 */

export interface NetworkRef {
  id: string;
  name: string;
}

export interface FixedNetworks {
  /** Cluster → its fixed networks that exist, by name; only clusters whose extension sets `Networks`. */
  byCluster: Map<string, NetworkRef[]>;
  /** Names that match no network: the proxy cannot join them, and they reach nothing. */
  warnings: string[];
}

/** Networks named by name, or by ID (as Docker accepts either); unknown ones are warned about. */
export function resolveFixedNetworks(
  entries: readonly { cluster: string; extension: string; networks: readonly string[] }[],
  snapshot: Pick<SwarmSnapshot, 'networks'>,
): FixedNetworks {
  const byName = new Map(snapshot.networks.map((n) => [n.name, n]));
  const byId = new Map(snapshot.networks.map((n) => [n.id, n]));
  const byCluster = new Map<string, NetworkRef[]>();
  const warnings: string[] = [];
  for (const { cluster, extension, networks } of entries) {
    if (networks.length === 0) continue;
    const found = new Map<string, NetworkRef>();
    for (const wanted of networks) {
      const net = byName.get(wanted) ?? byId.get(wanted);
      if (net) found.set(net.id, { id: net.id, name: net.name });
      else
        warnings.push(
          `config: Extensions.${extension}.Networks names ${JSON.stringify(wanted)}, which is no network of the swarm; the proxy of cluster ${JSON.stringify(cluster)} cannot join it`,
        );
    }
    byCluster.set(cluster, [...found.values()].sort(byKey((n) => n.name)));
  }
  return { byCluster, warnings };
}

/** The networks a route can be reached on: its choices, or the one it names (none: published in host mode). */
const reachableOn = (route: AppRoute): NetworkRef[] =>
  route.networkChoices ?? (route.network === null ? [] : [route.network]);

const names = (nets: readonly NetworkRef[]): string => nets.map((n) => n.name).join(', ') || 'none';

/**
 * A route on one of `fixed`, switched to it when it is one of its choices; undefined when it is on none. A
 * route reached on no network (host mode, at its nodes' addresses) needs none, so every proxy reaches it.
 */
export function onFixedNetwork(route: AppRoute, fixed: readonly NetworkRef[]): AppRoute | undefined {
  if (route.network === null) return route;
  const ids = new Set(fixed.map((n) => n.id));
  if (ids.has(route.network.id)) return route;
  const network = route.networkChoices?.find((n) => ids.has(n.id));
  return network ? { ...route, network, targets: route.targetsByNetwork?.[network.id] ?? [] } : undefined;
}

/**
 * Routes no cluster they may go to can reach: one pinned to a cluster whose fixed networks it is not on, or
 * an unpinned one when every cluster taking unpinned apps has fixed networks and none of them reaches it.
 * Each is unplaced with a reason naming the service, the clusters and the networks on both sides.
 */
export function admitByFixedNetworks(
  routes: readonly AppRoute[],
  fixed: FixedNetworks,
  clusters: readonly { name: string; auto: boolean }[],
): { admitted: AppRoute[]; unplaced: UnplacedApp[] } {
  const admitted: AppRoute[] = [];
  const unplaced: UnplacedApp[] = [];
  const auto = clusters.filter((c) => c.auto);
  const openAuto = auto.some((c) => !fixed.byCluster.has(c.name));
  const joins = (cluster: string): string =>
    `cluster ${JSON.stringify(cluster)}, whose proxy joins only ${names(fixed.byCluster.get(cluster) ?? [])} (Networks)`;
  for (const route of routes) {
    const on = `is on ${names(reachableOn(route))}`;
    const pin = route.pinnedCluster;
    const pinnedNets = pin === null ? undefined : fixed.byCluster.get(pin);
    if (pinnedNets !== undefined && !onFixedNetwork(route, pinnedNets)) {
      unplaced.push({
        service: route.service,
        constraint: 'network',
        reason: `service ${route.service}: ${on}, and it is pinned to ${joins(pin as string)}: unroutable there`,
      });
      continue;
    }
    if (pin === null && !openAuto && auto.length > 0) {
      const reachable = auto.some((c) => onFixedNetwork(route, fixed.byCluster.get(c.name) ?? []));
      if (!reachable) {
        unplaced.push({
          service: route.service,
          constraint: 'network',
          reason: `service ${route.service}: ${on}, and no cluster that takes unlabelled apps reaches it: ${auto.map((c) => joins(c.name)).join('; ')}`,
        });
        continue;
      }
    }
    admitted.push(route);
  }
  return { admitted, unplaced };
}
