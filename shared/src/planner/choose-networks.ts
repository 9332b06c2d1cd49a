import { byString } from '../util/compare.js';
import type { Topology } from './types.js';

/**
 * Which network a proxy reaches each app on, when an app is on several and nothing names one
 * (`AppSpec.networkChoices`). Given where apps are placed, each cluster's choice is independent of the
 * others': its proxy joins the networks its apps must be reached on, plus one network for every app whose
 * options it does not join already. The fewest such additions (a minimum hitting set over those apps'
 * options) is the fewest networks for that proxy, so it lowers the busiest proxy and the total at once.
 */

/** The apps' network options, read once per plan. */
export interface NetworkOptions {
  /** Per app: its distinct options in name order when the planner has a real choice to make; else empty. */
  readonly choices: readonly (readonly string[])[];
  /** Per app with options but no real choice (one option, or one its proxy joins for it anyway): that one. */
  readonly settled: readonly (string | undefined)[];
  /** Per app: the networks its proxy must join whatever the choice (a single option included). */
  readonly mandatory: readonly (readonly string[])[];
  /** Network → apps that must be reached on it; how the choice for an app not yet placed is made. */
  readonly popularity: ReadonlyMap<string, number>;
}

/** Why an app is reached on the network chosen for it. */
export type ChoiceReason =
  /** Its only option, or one its proxy joins for the app itself. */
  | { readonly kind: 'settled' }
  /** The cluster's proxy joins it anyway for `others` apps that must be reached on it. */
  | { readonly kind: 'joined'; readonly others: number }
  /** The proxy joins it for this app and `others` more whose options it joins nothing else of. */
  | { readonly kind: 'added'; readonly others: number }
  /** The app has no cluster yet: the option most apps must be reached on. */
  | { readonly kind: 'unplaced' };

export interface NetworkChoice {
  /** Per app: the chosen network; undefined for apps without options. */
  readonly chosen: readonly (string | undefined)[];
  readonly why: readonly (ChoiceReason | undefined)[];
}

/** Undefined when no app has options, so planning without them stays exactly as it was. */
export function readNetworkOptions(topology: Topology): NetworkOptions | undefined {
  if (!topology.apps.some((a) => (a.networkChoices?.length ?? 0) > 0)) return undefined;
  const mandatory = topology.apps.map((a) => [...new Set(a.networks)]);
  const choices: string[][] = [];
  const settled: (string | undefined)[] = [];
  topology.apps.forEach((app, a) => {
    const options = [...new Set(app.networkChoices ?? [])].sort(byString);
    const own = mandatory[a] as string[];
    const free = options.find((net) => own.includes(net));
    if (options.length === 0 || options.length === 1 || free !== undefined) {
      choices.push([]);
      const only = free ?? options[0];
      settled.push(only);
      // A single option is as good as fixed.
      if (only !== undefined && free === undefined) own.push(only);
      return;
    }
    choices.push(options);
    settled.push(undefined);
  });
  const popularity = new Map<string, number>();
  for (const nets of mandatory) for (const net of nets) popularity.set(net, (popularity.get(net) ?? 0) + 1);
  return { choices, settled, mandatory, popularity };
}

/** The topology with each app's chosen network added to the ones its proxy must join, options dropped. */
export function withChosenNetworks(topology: Topology, chosen: readonly (string | undefined)[]): Topology {
  return {
    ...topology,
    apps: topology.apps.map((app, a) => {
      const { networkChoices: _options, ...rest } = app;
      const net = chosen[a];
      return net === undefined || app.networks.includes(net)
        ? rest
        : { ...rest, networks: [...app.networks, net] };
    }),
  };
}

/** Search nodes per part of a hitting set; past it the best cover found so far is kept. */
const NODE_LIMIT = 20_000;

/** Greedy: the network that hits the most sets not yet hit, ties to the lower index (name order). */
function greedyHittingSet(sets: readonly (readonly number[])[]): number[] {
  let open = sets.map((_, i) => i);
  const picked: number[] = [];
  while (open.length > 0) {
    const hits = new Map<number, number>();
    for (const i of open) for (const e of sets[i] as number[]) hits.set(e, (hits.get(e) ?? 0) + 1);
    let best = -1;
    for (const [e, n] of hits) {
      const top = hits.get(best) ?? 0;
      if (n > top || (n === top && e < best)) best = e;
    }
    picked.push(best);
    open = open.filter((i) => !(sets[i] as number[]).includes(best));
  }
  return picked;
}

/** Sets pairwise disjoint from each other each need a network of their own: a lower bound on any cover. */
function disjointCount(sets: readonly (readonly number[])[], open: readonly number[]): number {
  const used = new Set<number>();
  let count = 0;
  for (const i of open) {
    const set = sets[i] as number[];
    if (set.some((e) => used.has(e))) continue;
    count++;
    for (const e of set) used.add(e);
  }
  return count;
}

/** Branch and bound from the greedy cover, within NODE_LIMIT nodes; only a strictly smaller cover replaces one. */
function solveHittingSet(sets: readonly (readonly number[])[]): number[] {
  let best = greedyHittingSet(sets);
  let nodes = 0;
  const chosen: number[] = [];
  const search = (open: readonly number[]): void => {
    if (++nodes > NODE_LIMIT) return;
    if (open.length === 0) {
      if (chosen.length < best.length) best = [...chosen];
      return;
    }
    if (chosen.length + disjointCount(sets, open) >= best.length) return;
    let pivot = open[0] as number;
    for (const i of open) if ((sets[i] as number[]).length < (sets[pivot] as number[]).length) pivot = i;
    const hitCount = (e: number) => open.filter((i) => (sets[i] as number[]).includes(e)).length;
    const order = [...(sets[pivot] as number[])].sort((x, y) => hitCount(y) - hitCount(x) || x - y);
    for (const e of order) {
      chosen.push(e);
      search(open.filter((i) => !(sets[i] as number[]).includes(e)));
      chosen.pop();
      if (nodes > NODE_LIMIT) return;
    }
  };
  search(sets.map((_, i) => i));
  return best;
}

/**
 * The fewest networks (indices in name order) such that every set holds one of them. Identical sets and
 * supersets of other sets are dropped first, and sets that share no network with each other (other tenants,
 * mostly) are solved apart, each by branch and bound from its greedy cover within a node budget.
 * Deterministic: branches go in a fixed order and only a strictly smaller cover replaces one.
 */
export function minHittingSet(setsIn: readonly (readonly number[])[], width: number): number[] {
  const distinct = [...new Map(setsIn.map((s) => [[...s].sort((x, y) => x - y).join(','), s])).values()]
    .map((s) => [...s].sort((x, y) => x - y))
    .sort((x, y) => x.length - y.length || byString(x.join(','), y.join(',')));
  const sets = distinct.filter(
    (s, i) => !distinct.some((t, j) => j < i && t.length <= s.length && t.every((e) => s.includes(e))),
  );
  const parent = Int32Array.from({ length: width }, (_, e) => e);
  const root = (e: number): number => {
    while (parent[e] !== e) {
      parent[e] = parent[parent[e] as number] as number;
      e = parent[e] as number;
    }
    return e;
  };
  for (const set of sets) for (const e of set.slice(1)) parent[root(e)] = root(set[0] as number);
  const parts = new Map<number, number[][]>();
  for (const set of sets) {
    const r = root(set[0] as number);
    const part = parts.get(r);
    if (part) part.push(set);
    else parts.set(r, [set]);
  }
  return [...parts.values()].flatMap((part) => solveHittingSet(part)).sort((x, y) => x - y);
}

const byCountThenName =
  (count: (net: string) => number) =>
  (x: string, y: string): number =>
    count(y) - count(x) || byString(x, y);

/** One cluster: the apps in it, `members` by index. */
function chooseInCluster(
  options: NetworkOptions,
  members: readonly number[],
  chosen: (string | undefined)[],
  why: (ChoiceReason | undefined)[],
): void {
  const mustJoin = new Map<string, number>();
  for (const a of members)
    for (const net of options.mandatory[a] as string[]) mustJoin.set(net, (mustJoin.get(net) ?? 0) + 1);
  const choosing = members.filter((a) => (options.choices[a] as string[]).length > 0);
  const canUse = new Map<string, number>();
  for (const a of choosing)
    for (const net of options.choices[a] as string[]) canUse.set(net, (canUse.get(net) ?? 0) + 1);
  const uncovered = choosing.filter(
    (a) => !(options.choices[a] as string[]).some((net) => mustJoin.has(net)),
  );
  const names = [...new Set(uncovered.flatMap((a) => options.choices[a] as string[]))].sort(byString);
  const index = new Map(names.map((n, i) => [n, i]));
  const added = new Set(
    minHittingSet(
      uncovered.map((a) => (options.choices[a] as string[]).map((n) => index.get(n) as number)),
      names.length,
    ).map((i) => names[i] as string),
  );
  const byUse = byCountThenName((net) => (mustJoin.get(net) ?? 0) + (canUse.get(net) ?? 0));
  for (const a of choosing) {
    const joined = (options.choices[a] as string[]).filter((n) => mustJoin.has(n) || added.has(n));
    chosen[a] = [...joined].sort(byUse)[0];
  }
  const pickedBy = new Map<string, number>();
  for (const a of choosing) {
    const net = chosen[a] as string;
    if (!mustJoin.has(net)) pickedBy.set(net, (pickedBy.get(net) ?? 0) + 1);
  }
  for (const a of choosing) {
    const net = chosen[a] as string;
    why[a] = mustJoin.has(net)
      ? { kind: 'joined', others: mustJoin.get(net) as number }
      : { kind: 'added', others: (pickedBy.get(net) as number) - 1 };
  }
}

/**
 * The network each app with options is reached on, given the cluster of each app (undefined: not placed
 * yet). Placed apps get their cluster's minimum; the others the option most apps must be reached on (ties:
 * the first by name), which is where the planner is likely to find company for them.
 */
export function chooseNetworks(
  options: NetworkOptions,
  clusterOf: readonly (string | undefined)[],
): NetworkChoice {
  const n = options.choices.length;
  const chosen: (string | undefined)[] = options.settled.slice();
  const why: (ChoiceReason | undefined)[] = options.settled.map((s) =>
    s === undefined ? undefined : { kind: 'settled' },
  );
  const members = new Map<string, number[]>();
  const popular = byCountThenName((net) => options.popularity.get(net) ?? 0);
  for (let a = 0; a < n; a++) {
    const cluster = clusterOf[a];
    if (cluster !== undefined) {
      const list = members.get(cluster);
      if (list) list.push(a);
      else members.set(cluster, [a]);
      continue;
    }
    const own = options.choices[a] as string[];
    if (own.length === 0) continue;
    chosen[a] = [...own].sort(popular)[0];
    why[a] = { kind: 'unplaced' };
  }
  for (const list of members.values()) chooseInCluster(options, list, chosen, why);
  return { chosen, why };
}

/** Each app with options on the first of them by name: the fixed pick a label-less rule would make. */
export const firstOptions = (options: NetworkOptions): (string | undefined)[] =>
  options.choices.map((own, a) => own[0] ?? options.settled[a]);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The part of an app's explanation about its network, for apps with options. */
export function describeChoice(
  cluster: string,
  net: string,
  options: readonly string[],
  reason: ChoiceReason | undefined,
): string {
  const head = `; reached on ${net}`;
  if (options.length < 2) return `${head}, its only network`;
  if (!reason || reason.kind === 'settled') return `${head}, which its proxy joins for it anyway`;
  const of = `${head} (of ${options.join(', ')})`;
  // Interlock's default cluster has the empty name.
  const proxy = cluster === '' ? 'the proxy' : `the ${cluster} proxy`;
  switch (reason.kind) {
    case 'joined':
      return `${of}: ${proxy} joins it anyway for ${plural(reason.others, 'other app')}`;
    case 'added':
      return reason.others > 0
        ? `${of}: the one network ${proxy} joins for it and ${plural(reason.others, 'other app')} on none of its networks`
        : `${of}: ${proxy} joins none of its networks for other apps, so it adds this one`;
    default:
      return `${of}: the one most other apps are reached on`;
  }
}
