import { mulberry32 } from '#shared/planner/prng.js';
import type { AppSpec, Topology } from '#shared/planner/types.js';

export interface PowerLawParams {
  readonly apps: number;
  readonly clusters: number;
  readonly balance: number;
  readonly seed: number;
  /** Networks per app; defaults to apps / 5. */
  readonly networks?: number;
}

/** Index drawn with probability ∝ weights[i], by binary search over the cumulative sums. */
function sampler(weights: number[]): (u: number) => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    cumulative.push(sum);
  }
  return (u) => {
    const target = u * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * No tenants: network popularity ∝ 1/rank^1.1 and networks per app ∝ d^-2.5 for d = 1..6, so a few networks
 * are joined by hundreds of apps and most by a handful. The hard case for partitioning: little structure.
 */
export function powerLaw(params: PowerLawParams): Topology {
  const random = mulberry32(params.seed);
  const m = params.networks ?? Math.max(1, Math.round(params.apps / 5));
  const pickNetwork = sampler(Array.from({ length: m }, (_, j) => 1 / (j + 1) ** 1.1));
  const pickDegree = sampler(Array.from({ length: 6 }, (_, d) => (d + 1) ** -2.5));
  const apps: AppSpec[] = Array.from({ length: params.apps }, (_, a) => {
    const degree = Math.min(m, pickDegree(random()) + 1);
    const networks = new Set<string>();
    for (let tries = 0; networks.size < degree && tries < degree * 20; tries++)
      networks.add(`net${pickNetwork(random())}`);
    return {
      id: `app${a}`,
      networks: [...networks],
      cluster: null,
      weight: 1,
      hosts: [`app${a}.example.org`],
    };
  });
  return {
    balance: params.balance,
    clusters: Array.from({ length: params.clusters }, (_, b) => ({ name: `c${b}`, auto: true })),
    apps,
  };
}
