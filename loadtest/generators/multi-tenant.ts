import { mulberry32 } from '#shared/planner/prng.js';
import type { AppSpec, Topology } from '#shared/planner/types.js';
import { between, pickSubset, zipfSizes } from './sampling.js';

export interface MultiTenantParams {
  readonly apps: number;
  readonly privateNetworks: number;
  readonly sharedNetworks: number;
  readonly clusters: number;
  readonly balance: number;
  readonly seed: number;
  /** Tenant sizes ∝ 1/rank^zipfExponent. */
  readonly zipfExponent?: number;
  /** Probability that a tenant uses shared network j is sharedTenantRate/√(j+1) (default 0.25). */
  readonly sharedTenantRate?: number;
  /** Within a tenant that uses a shared network, each app joins it with this probability (at least one does). */
  readonly sharedAppRate?: number;
  /** Probability that an app shares its host with the tenant's previous app (a canary pair). */
  readonly canaryRate?: number;
}

/** The parameters of the instance the targets are stated for (research §0: 2,000 apps, k = 8, ε = 0.03). */
export const TARGET_INSTANCE: MultiTenantParams = {
  apps: 2000,
  privateNetworks: 392,
  sharedNetworks: 8,
  clusters: 8,
  balance: 0.03,
  seed: 1,
};

/**
 * Tenants of Zipf-distributed size, each with 1–4 private networks (drawn until `privateNetworks` are used);
 * every app joins 1–3 of its tenant's networks and every network gets at least one app. A few shared
 * platform networks are joined by some apps of the tenants that use them.
 */
export function multiTenant(params: MultiTenantParams): Topology {
  const random = mulberry32(params.seed);
  const netCounts: number[] = [];
  for (let used = 0; used < params.privateNetworks; ) {
    const count = Math.min(between(random, 1, 4), params.privateNetworks - used);
    netCounts.push(count);
    used += count;
  }
  // A tenant needs ⌈networks/3⌉ apps to put someone on each network.
  const sizes = zipfSizes(
    netCounts.length,
    params.apps,
    params.zipfExponent ?? 1,
    netCounts.map((c) => Math.ceil(c / 3)),
  );
  const order = pickSubset(random, sizes, sizes.length);
  const shared = Array.from({ length: params.sharedNetworks }, (_, j) => `platform-${j}`);
  const apps: AppSpec[] = [];
  order.forEach((size, t) => {
    const nets = Array.from({ length: netCounts[t] as number }, (_, i) => `t${t}-net${i}`);
    const members: string[][] = [];
    for (let j = 0; j < size; j++)
      members.push(pickSubset(random, nets, between(random, 1, Math.min(3, nets.length))));
    nets.forEach((net, i) => {
      if (members.some((m) => m.includes(net))) return;
      const candidates = members.filter((m) => m.length < 3);
      (candidates[i % candidates.length] ?? members[0])?.push(net);
    });
    shared.forEach((net, j) => {
      if (random() >= (params.sharedTenantRate ?? 0.25) / Math.sqrt(j + 1)) return;
      let joined = false;
      for (const m of members)
        if (random() < (params.sharedAppRate ?? 0.3)) {
          m.push(net);
          joined = true;
        }
      if (!joined) members[0]?.push(net);
    });
    let host = '';
    members.forEach((networks, j) => {
      if (j === 0 || random() >= (params.canaryRate ?? 0)) host = `app${j}.t${t}.example.org`;
      apps.push({ id: `t${t}-app${j}`, networks, cluster: null, weight: 1, hosts: [host] });
    });
  });
  return {
    balance: params.balance,
    clusters: Array.from({ length: params.clusters }, (_, b) => ({ name: `c${b}`, auto: true })),
    apps,
  };
}
