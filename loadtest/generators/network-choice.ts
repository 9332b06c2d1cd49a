import { mulberry32, randomInt } from '#shared/planner/prng.js';
import type { AppSpec, Topology } from '#shared/planner/types.js';
import { pickSubset } from './sampling.js';

export interface NetworkChoiceParams {
  /** Share of apps on 2–3 networks with no network label, whose network the planner chooses. */
  readonly rate: number;
  readonly seed: number;
}

/**
 * A generated topology as the coordinator would see it: every app is reached on one network. Exactly
 * ⌊rate × apps⌉ apps, drawn among those the generator put on two or more networks, keep 2–3 of them
 * (uniform count, then a uniform subset) as `networkChoices` and no fixed network; every other app keeps
 * one of its networks, uniformly. Apps on no network stay so.
 */
export function withNetworkChoices(topology: Topology, params: NetworkChoiceParams): Topology {
  const random = mulberry32(params.seed);
  const multi = topology.apps.flatMap((app, a) => (new Set(app.networks).size >= 2 ? [a] : []));
  const wanted = Math.round(params.rate * topology.apps.length);
  if (wanted > multi.length)
    throw new Error(`only ${multi.length} apps are on several networks; ${wanted} wanted`);
  const choosing = new Set(pickSubset(random, multi, wanted));
  const apps: AppSpec[] = topology.apps.map((app, a) => {
    const nets = [...new Set(app.networks)];
    if (choosing.has(a)) {
      const count = 2 + randomInt(random, Math.min(3, nets.length) - 1);
      return { ...app, networks: [], networkChoices: pickSubset(random, nets, count) };
    }
    return nets.length === 0 ? app : { ...app, networks: [nets[randomInt(random, nets.length)] as string] };
  });
  return { ...topology, apps };
}

/** The same topology with each choosing app's network fixed by `pick` (from its options in name order). */
export function fixNetworks(
  topology: Topology,
  pick: (options: readonly string[], appIndex: number) => string,
): Topology {
  return {
    ...topology,
    apps: topology.apps.map((app, a) => {
      const { networkChoices, ...rest } = app;
      if (!networkChoices || networkChoices.length === 0) return rest;
      return { ...rest, networks: [...rest.networks, pick([...networkChoices].sort(), a)] };
    }),
  };
}
