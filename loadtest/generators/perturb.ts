import { mulberry32, randomInt } from '#shared/planner/prng.js';
import type { AppSpec, Topology } from '#shared/planner/types.js';

export interface Perturbation {
  readonly addApps: number;
  /** Share of app→network memberships replaced by another network. */
  readonly rewireRate: number;
  readonly seed: number;
}

/**
 * A later state of the same installation: `addApps` new apps, each a copy of a random existing app's
 * networks (so tenants grow in proportion to their size), and a share of the existing memberships rewired.
 * A rewired membership moves to a network of an app it already shares a network with (its tenant, mostly)
 * with probability 0.8, or else to any network, which creates a new cross-tenant link.
 */
export function perturb(topology: Topology, change: Perturbation): Topology {
  const random = mulberry32(change.seed);
  const apps = topology.apps;
  const allNetworks = [...new Set(apps.flatMap((a) => a.networks))].sort();
  const members = new Map<string, number[]>();
  apps.forEach((app, a) => {
    for (const net of app.networks) members.set(net, [...(members.get(net) ?? []), a]);
  });
  const pick = <T>(items: readonly T[]): T => items[randomInt(random, items.length)] as T;
  const neighbourNetwork = (app: AppSpec): string => {
    const peer = apps[pick(members.get(pick(app.networks)) ?? [0])] as AppSpec;
    return pick(peer.networks);
  };
  const rewired: AppSpec[] = apps.map((app) => {
    if (app.networks.length === 0) return app;
    const networks = app.networks.map((net) => {
      if (random() >= change.rewireRate) return net;
      return random() < 0.8 ? neighbourNetwork(app) : pick(allNetworks);
    });
    return { ...app, networks: [...new Set(networks)] };
  });
  const added: AppSpec[] = Array.from({ length: change.addApps }, (_, i) => {
    const template = pick(apps);
    return {
      id: `new-${change.seed}-${i}`,
      networks: [...template.networks],
      cluster: template.cluster ?? null,
      weight: 1,
    };
  });
  return { ...topology, apps: [...rewired, ...added] };
}
