import type { NetworkOptions } from './choose-networks.js';
import type { Problem } from './problem.js';

/**
 * Moves that only a planner choosing networks can see. The placement rounds plan with each app's network
 * fixed, so an app reached on a network only it brings to its cluster stays there even when another cluster
 * already joins one of its other networks. Here a host group holding such apps moves to the cluster where
 * its networks cost the fewest new attachments, when that saves attachments without raising the busiest
 * proxy; its apps are then reached on what that cluster joins. Greedy passes in unit order: deterministic.
 */
export interface RefineContext {
  /** Units, pins, capacities and the apps' fixed networks; built from the topology. */
  readonly problem: Problem;
  readonly options: NetworkOptions;
  /** Per app: the index of its cluster in the previous plan, or -1. */
  readonly previous: Int32Array;
  readonly moveCost: number;
  /** Apps allowed away from their previous cluster in all; Infinity for a fresh plan. */
  readonly maxMoves: number;
}

const PASSES = 8;

/** Improves `cluster` (a cluster index per app) in place; `chosen` is each app's network, updated with it. */
export function refineChoices(
  ctx: RefineContext,
  cluster: Int32Array,
  chosen: (string | undefined)[],
): number {
  const { problem, options } = ctx;
  const k = problem.clusterNames.length;
  const apps = cluster.length;
  const netIndex = new Map<string, number>();
  const id = (name: string): number => {
    let e = netIndex.get(name);
    if (e === undefined) {
      e = netIndex.size;
      netIndex.set(name, e);
    }
    return e;
  };
  const fixedNets = options.mandatory.map((nets) => nets.map(id));
  const optionNets = options.choices.map((nets) => nets.map(id));
  const pick = Int32Array.from({ length: apps }, (_, a) => {
    const net = chosen[a];
    return (optionNets[a] as number[]).length > 0 && net !== undefined ? id(net) : -1;
  });
  const m = netIndex.size;
  const count = new Int32Array(k * m);
  const nets = new Int32Array(k);
  const use = (a: number, b: number, sign: 1 | -1): void => {
    const list = pick[a] as number;
    for (const e of list >= 0 ? [...(fixedNets[a] as number[]), list] : (fixedNets[a] as number[])) {
      const slot = b * m + e;
      const before = count[slot] as number;
      count[slot] = before + sign;
      if (before === 0 && sign === 1) nets[b] = (nets[b] as number) + 1;
      if (before === 1 && sign === -1) nets[b] = (nets[b] as number) - 1;
    }
  };
  for (let a = 0; a < apps; a++) use(a, cluster[a] as number, 1);
  const load = new Float64Array(k);
  const units = problem.unitWeight.length;
  for (let u = 0; u < units; u++) {
    const first = problem.unitApps[problem.unitAppStart[u] as number] as number;
    load[cluster[first] as number] =
      (load[cluster[first] as number] as number) + (problem.unitWeight[u] as number);
  }
  let moves = 0;
  for (let a = 0; a < apps; a++)
    if ((ctx.previous[a] as number) >= 0 && ctx.previous[a] !== cluster[a]) moves++;

  const membersOf = (u: number): number[] => {
    const out: number[] = [];
    for (let i = problem.unitAppStart[u] as number; i < (problem.unitAppStart[u + 1] as number); i++)
      out.push(problem.unitApps[i] as number);
    return out;
  };
  const movable: number[] = [];
  for (let u = 0; u < units; u++)
    if (
      (problem.unitPin[u] as number) < 0 &&
      membersOf(u).some((a) => (optionNets[a] as number[]).length > 0)
    )
      movable.push(u);

  /** Networks the unit's apps would add to cluster c, with the option each choosing app would take there. */
  const arrival = (members: number[], c: number): { gain: number; picks: Map<number, number> } => {
    const added = new Set<number>();
    const present = (e: number) => (count[c * m + e] as number) > 0 || added.has(e);
    for (const a of members) for (const e of fixedNets[a] as number[]) if (!present(e)) added.add(e);
    const picks = new Map<number, number>();
    let open = members.filter((a) => (optionNets[a] as number[]).length > 0);
    for (;;) {
      for (const a of open) {
        const here = (optionNets[a] as number[]).filter(present);
        if (here.length > 0)
          picks.set(
            a,
            here.reduce((x, y) => ((count[c * m + y] as number) > (count[c * m + x] as number) ? y : x)),
          );
      }
      open = open.filter((a) => !picks.has(a));
      if (open.length === 0) break;
      // The option most of the still uncovered apps share; ties to the first met.
      const hits = new Map<number, number>();
      for (const a of open) for (const e of optionNets[a] as number[]) hits.set(e, (hits.get(e) ?? 0) + 1);
      let best = -1;
      for (const [e, n] of hits) if (best < 0 || n > (hits.get(best) as number)) best = e;
      added.add(best);
    }
    return { gain: added.size, picks };
  };

  const near = new Uint8Array(k);
  let moved = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    let changed = false;
    for (const u of movable) {
      const members = membersOf(u);
      const b = cluster[members[0] as number] as number;
      const weight = problem.unitWeight[u] as number;
      // What leaving b frees: networks only this unit's apps use there.
      const mine = new Map<number, number>();
      for (const a of members) {
        const list = pick[a] as number;
        for (const e of list >= 0 ? [...(fixedNets[a] as number[]), list] : (fixedNets[a] as number[]))
          mine.set(e, (mine.get(e) ?? 0) + 1);
      }
      let loss = 0;
      for (const [e, n] of mine) if ((count[b * m + e] as number) === n) loss++;
      // Leaving frees nothing, so no move can save; and only a cluster that joins one of the unit's networks
      // already can take it for fewer than it frees.
      if (loss === 0) continue;
      near.fill(0);
      for (const a of members)
        for (const e of [...(fixedNets[a] as number[]), ...(optionNets[a] as number[])])
          for (let c = 0; c < k; c++) if ((count[c * m + e] as number) > 0) near[c] = 1;
      let currentMax = 0;
      for (let c = 0; c < k; c++) currentMax = Math.max(currentMax, nets[c] as number);
      let target = -1;
      let targetSaving = 0;
      let targetPicks = new Map<number, number>();
      for (let c = 0; c < k; c++) {
        if (
          c === b ||
          !near[c] ||
          !problem.auto[c] ||
          (load[c] as number) + weight > (problem.capacity[c] as number) + 1e-9
        )
          continue;
        const { gain, picks } = arrival(members, c);
        const saving = loss - gain;
        if (saving <= 0) continue;
        let addedMoves = 0;
        for (const a of members) {
          const before = ctx.previous[a] as number;
          if (before >= 0) addedMoves += (before !== c ? 1 : 0) - (before !== b ? 1 : 0);
        }
        if (moves + addedMoves > ctx.maxMoves && addedMoves > 0) continue;
        if (saving < ctx.moveCost * Math.max(0, addedMoves)) continue;
        let newMax = 0;
        for (let d = 0; d < k; d++)
          newMax = Math.max(
            newMax,
            d === b ? (nets[b] as number) - loss : d === c ? (nets[c] as number) + gain : (nets[d] as number),
          );
        if (newMax > currentMax || saving <= targetSaving) continue;
        target = c;
        targetSaving = saving;
        targetPicks = picks;
      }
      if (target < 0) continue;
      for (const a of members) {
        use(a, b, -1);
        const p = targetPicks.get(a);
        if (p !== undefined) pick[a] = p;
        cluster[a] = target;
        use(a, target, 1);
        const before = ctx.previous[a] as number;
        if (before >= 0) moves += (before !== target ? 1 : 0) - (before !== b ? 1 : 0);
      }
      load[b] = (load[b] as number) - weight;
      load[target] = (load[target] as number) + weight;
      moved += members.length;
      changed = true;
    }
    if (!changed) break;
  }
  const names = [...netIndex.keys()];
  for (let a = 0; a < apps; a++) if ((pick[a] as number) >= 0) chosen[a] = names[pick[a] as number];
  return moved;
}
