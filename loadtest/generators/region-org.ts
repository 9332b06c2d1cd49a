import { mulberry32, randomInt } from '#shared/planner/prng.js';
import type { AppSpec, ClusterSpec, Topology } from '#shared/planner/types.js';
import { between, pickSubset, zipfSizes } from './sampling.js';

export interface RegionOrgParams {
  readonly apps: number;
  readonly clusters: number;
  readonly balance: number;
  readonly seed: number;
  readonly regions?: number;
  /** Share of orgs whose apps all carry a com.docker.lb.service_cluster label. */
  readonly pinnedOrgRate?: number;
}

/**
 * Orgs of Zipf-distributed size (exponent 1, about one org per 12 apps), each with 1–3 private networks that
 * its apps join 1–2 of, in one of `regions` regions; 20 % of an org's apps also join its region's network.
 * A quarter of the orgs (`pinnedOrgRate`) are pinned by label: a third of those to a dedicated cluster
 * (`auto: false`, one per eight clusters), the rest to an auto cluster, while that cluster's pinned weight
 * stays under 60 % of an even share. 3 % of apps share a host with the previous app of their org.
 */
export function regionOrg(params: RegionOrgParams): Topology {
  const random = mulberry32(params.seed);
  const dedicated = Math.max(1, Math.floor(params.clusters / 8));
  const autoCount = Math.max(1, params.clusters - dedicated);
  const clusters: ClusterSpec[] = [
    ...Array.from({ length: autoCount }, (_, b) => ({ name: `c${b}`, auto: true })),
    ...Array.from({ length: params.clusters - autoCount }, (_, b) => ({
      name: `dedicated-${b}`,
      auto: false,
    })),
  ];
  const regions = params.regions ?? 4;
  const orgCount = Math.max(1, Math.round(params.apps / 12));
  const sizes = zipfSizes(orgCount, params.apps, 1, []);
  const pinBudget = (0.6 * params.apps) / autoCount;
  const pinned = new Map<string, number>();
  const apps: AppSpec[] = [];
  sizes.forEach((size, o) => {
    const region = randomInt(random, regions);
    const nets = Array.from({ length: between(random, 1, 3) }, (_, i) => `org${o}-net${i}`);
    let pin: string | null = null;
    if (random() < (params.pinnedOrgRate ?? 0.25)) {
      const manual = dedicated > 0 && clusters.length > autoCount && random() < 1 / 3;
      const candidate = manual
        ? (clusters[autoCount + randomInt(random, clusters.length - autoCount)] as ClusterSpec).name
        : `c${region % autoCount}`;
      if (manual || (pinned.get(candidate) ?? 0) + size <= pinBudget) {
        pin = candidate;
        pinned.set(candidate, (pinned.get(candidate) ?? 0) + size);
      }
    }
    let host = '';
    for (let j = 0; j < size; j++) {
      const networks = pickSubset(random, nets, between(random, 1, Math.min(2, nets.length)));
      if (random() < 0.2) networks.push(`region-${region}`);
      if (j === 0 || random() >= 0.03) host = `app${j}.org${o}.example.org`;
      apps.push({ id: `org${o}-app${j}`, networks, cluster: pin, weight: 1, hosts: [host] });
    }
  });
  return { balance: params.balance, clusters, apps };
}
