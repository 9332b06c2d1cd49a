import { SignalboxError } from '../errors/index.js';
import { readNetworkOptions } from './choose-networks.js';
import { type Deadline, deadlineAfter } from './deadline.js';
import { solveExactly } from './exact.js';
import { explain } from './explain.js';
import { checkFeasible } from './feasibility.js';
import { hasFixedNetworks, planWithFixedNetworks } from './fixed-networks.js';
import { type Hypergraph, unitHypergraph } from './hypergraph.js';
import { type Blocks, greedyPlace, type PlacementBias } from './initial-partition.js';
import { evaluate, maxFloor } from './metrics.js';
import { type MultilevelOptions, partitionFresh, vCycle } from './multilevel.js';
import { planChoosingNetworks } from './network-rounds.js';
import { PartitionState } from './partition-state.js';
import { buildProblem, listNames, type Problem, unitAppIds } from './problem.js';
import { DEFAULT_MOVE_COST, defaultMaxMoves, type WarmStart, warmStart } from './stability.js';
import type { Assignment, Plan, PlanOptions, Topology } from './types.js';

export const DEFAULT_TIME_BUDGET_MS = 2000;
export const DEFAULT_EXACT_MAX_UNITS = 12;
const MAX_INITIAL_ATTEMPTS = 8;
/** V-cycles per re-plan, each coarsening with another seed; it stops at the first that changes nothing. */
const WARM_CYCLES = 4;
/**
 * Re-plans of a fresh plan against itself. Ending at a fixed point (a re-plan that changes nothing) is what
 * makes re-planning an unchanged input a no-op; an input that does not converge within these rounds or the
 * budget (dense inputs without group structure) may still see a few moves on its first re-plan.
 */
const FIXED_POINT_ROUNDS = 12;

interface Context {
  readonly problem: Problem;
  readonly blocks: Blocks;
  readonly options: MultilevelOptions;
  readonly exactMaxUnits: number;
  readonly deadline: Deadline;
}

const sameHomes = (part: Int32Array, problem: Problem): WarmStart => ({
  home: part.slice(),
  homeApps: Float64Array.from(
    part,
    (_, u) => (problem.unitAppStart[u + 1] as number) - (problem.unitAppStart[u] as number),
  ),
});

/** New apps go where they add the fewest networks, but not onto a proxy already above an even share. */
function evenPlacement(hg: Hypergraph, blocks: Blocks): PlacementBias {
  let nets = 0;
  for (let e = 0; e < hg.m; e++) nets += hg.netWeight[e] as number;
  for (let v = 0; v < hg.n; v++) nets += hg.inner[v] as number;
  let autoBlocks = 0;
  for (let b = 0; b < blocks.k; b++) autoBlocks += blocks.auto[b] as number;
  return { degTarget: (1.05 * nets) / Math.max(1, autoBlocks), overTargetWeight: 2 };
}

/** Tiny instances are solved exactly; undefined when too big or when the search ran out of nodes. */
function solveIfTiny(ctx: Context, hg: Hypergraph): Int32Array | undefined {
  if (hg.n > ctx.exactMaxUnits) return undefined;
  const exact = solveExactly(hg, ctx.blocks, ctx.options);
  if (!exact.part && exact.complete) throw packingError(ctx.problem, hg);
  return exact.part;
}

/** Re-planning from where units were: place the new ones, then a V-cycle that charges for every move. */
function refineFrom(ctx: Context, warm: WarmStart): Int32Array {
  const hg = unitHypergraph(ctx.problem, warm.home, warm.homeApps);
  const exact = solveIfTiny(ctx, hg);
  if (exact) return exact;
  const start = Int32Array.from(hg.fixed, (pin, u) => (pin >= 0 ? pin : (warm.home[u] as number)));
  const order = Int32Array.from({ length: hg.n }, (_, v) => v).sort(
    (a, b) => (hg.weight[b] as number) - (hg.weight[a] as number) || a - b,
  );
  let part = greedyPlace(hg, ctx.blocks, start, order, evenPlacement(hg, ctx.blocks));
  for (let cycle = 0; cycle < WARM_CYCLES && !ctx.deadline.expired(); cycle++) {
    const next = vCycle(
      hg,
      ctx.blocks,
      part,
      { ...ctx.options, seed: ctx.options.seed + cycle },
      ctx.deadline,
    );
    if (next.every((b, u) => b === part[u])) break;
    part = next;
  }
  return part;
}

/** Multilevel from scratch, then re-planned against itself until nothing changes. */
function planFresh(ctx: Context): Int32Array {
  const hg = unitHypergraph(ctx.problem);
  const exact = solveIfTiny(ctx, hg);
  if (exact) return exact;
  let part = partitionFresh(hg, ctx.blocks, ctx.options, ctx.deadline);
  for (let round = 0; round < FIXED_POINT_ROUNDS && !ctx.deadline.expired(); round++) {
    const next = refineFrom(ctx, sameHomes(part, ctx.problem));
    if (next.every((b, u) => b === part[u])) break;
    part = next;
  }
  return part;
}

function packingError(problem: Problem, hg: Hypergraph, part?: Int32Array): SignalboxError {
  const stuck: string[] = [];
  if (part) {
    const state = new PartitionState(hg, problem.clusterNames.length, problem.capacity, problem.auto, part);
    for (let u = 0; u < hg.n; u++) {
      const b = part[u] as number;
      if ((state.load[b] as number) > (problem.capacity[b] as number) + 1e-9 && (hg.fixed[u] as number) < 0)
        stuck.push(...unitAppIds(problem, u));
    }
  } else
    for (let u = 0; u < hg.n; u++) if ((hg.fixed[u] as number) < 0) stuck.push(...unitAppIds(problem, u));
  return new SignalboxError(
    'PLAN_INFEASIBLE',
    `capacity: the apps do not pack into the clusters' capacities (host groups are indivisible): ${listNames(stuck)}`,
    { constraint: 'capacity', apps: stuck.slice(0, 50) },
  );
}

/**
 * Assigns apps to service clusters: pins and host groups always hold, capacities hold, and then, in this
 * order, the busiest proxy joins as few networks as possible, the total number of attachments is as low as
 * possible, and as few apps as possible move away from `previous` (each move must save `moveCost`). Apps with
 * `networkChoices` are reached on the one of them the plan chooses (`Plan.networks`, see network-rounds.ts).
 * Clusters with fixed networks take only apps reachable on them, and apps they reach prefer them
 * (fixed-networks.ts). Pure: the only outside input is the clock in `options.now`, read for the time budget.
 */
export function plan(topology: Topology, previous?: Assignment, options: PlanOptions = {}): Plan {
  if (hasFixedNetworks(topology)) return planWithFixedNetworks(topology, previous, options, planOpen);
  return planOpen(topology, previous, options);
}

/** The plan when every proxy joins its apps' networks. */
function planOpen(topology: Topology, previous: Assignment | undefined, options: PlanOptions): Plan {
  const networkOptions = readNetworkOptions(topology);
  if (!networkOptions) return planFixed(topology, previous, options);
  const budget = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const placeApps = (t: Topology, p: Assignment | undefined, o: PlanOptions): Assignment => {
    const { problem, clusterOfApp } = placeFixed(t, p, o);
    return assignmentOf(problem, clusterOfApp);
  };
  return planChoosingNetworks(topology, networkOptions, previous, options, budget, placeApps);
}

const assignmentOf = (problem: Problem, clusterOfApp: Int32Array): Record<string, string> =>
  Object.fromEntries(
    problem.topology.apps.map((app, a) => [
      app.id,
      problem.clusterNames[clusterOfApp[a] as number] as string,
    ]),
  );

/** The plan with every app's networks fixed (`networkChoices` not read). */
function planFixed(topology: Topology, previous: Assignment | undefined, options: PlanOptions): Plan {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { problem, clusterOfApp } = placeFixed(topology, previous, options);
  const evaluation = evaluate(problem, clusterOfApp, previous);
  return {
    assignment: assignmentOf(problem, clusterOfApp),
    metrics: {
      maxNetworksPerProxy: evaluation.maxNetworksPerProxy,
      totalAttachments: evaluation.totalAttachments,
      lowerBoundMax: evaluation.lowerBoundMax,
      lowerBoundTotal: evaluation.lowerBoundTotal,
      moves: evaluation.moves,
      millis: Math.round(now() - started),
      perCluster: evaluation.perCluster,
    },
    explanations: explain(problem, clusterOfApp, previous),
    networks: {},
  };
}

/** Where every app goes with its networks fixed: the search within the budget, then the capacity check. */
function placeFixed(
  topology: Topology,
  previous: Assignment | undefined,
  options: PlanOptions,
): { problem: Problem; clusterOfApp: Int32Array } {
  const now = options.now ?? (() => performance.now());
  const problem = buildProblem(topology);
  checkFeasible(problem);
  const ctx: Context = {
    problem,
    blocks: { k: problem.clusterNames.length, capacity: problem.capacity, auto: problem.auto },
    options: {
      seed: options.seed ?? 1,
      moveCost: options.moveCost ?? DEFAULT_MOVE_COST,
      maxMoves: options.maxMoves ?? defaultMaxMoves(topology.apps.length),
      floor: maxFloor(problem),
      initialAttempts: MAX_INITIAL_ATTEMPTS,
    },
    exactMaxUnits: options.exactMaxUnits ?? DEFAULT_EXACT_MAX_UNITS,
    // The search stops at 90 % of the budget; the rest is for checks, metrics and explanations.
    deadline: deadlineAfter(now, 0.9 * (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS)),
  };
  const warm = previous ? warmStart(problem, previous) : undefined;
  // A previous plan that shares no app with this input is no warm start at all.
  const unitPart = warm?.home.some((h) => h >= 0) ? refineFrom(ctx, warm) : planFresh(ctx);
  const hg = unitHypergraph(problem);
  if (new PartitionState(hg, ctx.blocks.k, problem.capacity, problem.auto, unitPart).overload() > 1e-9)
    throw packingError(problem, hg, unitPart);
  return { problem, clusterOfApp: Int32Array.from(problem.appUnit, (u) => unitPart[u] as number) };
}
