import { byString } from '../util/compare.js';
import {
  chooseNetworks,
  describeChoice,
  firstOptions,
  type NetworkChoice,
  type NetworkOptions,
  withChosenNetworks,
} from './choose-networks.js';
import { explain } from './explain.js';
import { evaluate } from './metrics.js';
import { buildProblem, type Problem } from './problem.js';
import { type RefineContext, refineChoices } from './refine-choices.js';
import { DEFAULT_MOVE_COST, defaultMaxMoves } from './stability.js';
import type { Assignment, Plan, PlanOptions, Topology } from './types.js';

/** Places apps with every app's network fixed: the planner without choices, without its report. */
export type PlaceFixed = (
  topology: Topology,
  previous: Assignment | undefined,
  options: PlanOptions,
) => Assignment;

/** Place, choose, place again: rounds until neither the placement nor the choice changes. */
const MAX_ROUNDS = 4;
/** Share of the time budget kept from every placement for choosing, refining and the report. */
const RESERVE = 0.1;
/** A round starts only with this share of the time budget left (the reserve included). */
const MIN_ROUND_SHARE = 0.2;

interface Score {
  max: number;
  total: number;
  moves: number;
}

interface Candidate {
  clusterOf: (string | undefined)[];
  choice: NetworkChoice;
  score: Score;
}

const better = (a: Score, b: Score): boolean =>
  a.max !== b.max ? a.max < b.max : a.total !== b.total ? a.total < b.total : a.moves < b.moves;

function score(
  options: NetworkOptions,
  clusterOf: readonly (string | undefined)[],
  chosen: readonly (string | undefined)[],
  previousOf: readonly (string | undefined)[],
): Score {
  const joined = new Map<string, Set<string>>();
  let moves = 0;
  clusterOf.forEach((cluster, a) => {
    const key = cluster ?? '';
    const nets = joined.get(key) ?? new Set<string>();
    joined.set(key, nets);
    for (const net of options.mandatory[a] as string[]) nets.add(net);
    const net = chosen[a];
    if (net !== undefined) nets.add(net);
    if (previousOf[a] !== undefined && previousOf[a] !== cluster) moves++;
  });
  const sizes = [...joined.values()].map((s) => s.size);
  return { max: Math.max(0, ...sizes), total: sizes.reduce((x, y) => x + y, 0), moves };
}

/** The previous plan as it stands, if it places every app and still meets every hard constraint. */
function keepable(problem: Problem, clusterOf: readonly (string | undefined)[]): boolean {
  const index = new Map(problem.clusterNames.map((name, b) => [name, b]));
  const load = new Float64Array(problem.clusterNames.length);
  for (let u = 0; u < problem.unitWeight.length; u++) {
    let unitCluster = -1;
    for (let i = problem.unitAppStart[u] as number; i < (problem.unitAppStart[u + 1] as number); i++) {
      const cluster = clusterOf[problem.unitApps[i] as number];
      const b = cluster === undefined ? undefined : index.get(cluster);
      if (b === undefined || (unitCluster >= 0 && b !== unitCluster)) return false;
      unitCluster = b;
    }
    if (unitCluster < 0) continue;
    const pin = problem.unitPin[u] as number;
    if (pin >= 0 ? pin !== unitCluster : !problem.auto[unitCluster]) return false;
    load[unitCluster] = (load[unitCluster] as number) + (problem.unitWeight[u] as number);
  }
  return load.every((w, b) => w <= (problem.capacity[b] as number) + 1e-9);
}

const clustersOf = (topology: Topology, assignment: Assignment | undefined): (string | undefined)[] =>
  topology.apps.map((app) =>
    assignment && Object.hasOwn(assignment, app.id) ? assignment[app.id] : undefined,
  );

const sameList = <T>(x: readonly T[], y: readonly T[]): boolean =>
  x.length === y.length && x.every((v, i) => v === y[i]);

/**
 * Plans a topology where some apps are on several networks and the planner chooses the one their proxy
 * joins. Given a placement, the best choice is per cluster (choose-networks.ts); given a choice, placing is
 * the planner without choices. So: place with the networks chosen so far, choose again for that placement,
 * move host groups that a choice of networks makes cheaper elsewhere (refine-choices.ts), and start the next
 * round from there, until a round changes neither placement nor choice. The best round wins by (busiest
 * proxy, total attachments, moves).
 *
 * - Fresh plans start twice, with every app on its most common option and on its first by name, so the
 *   result is never worse than either fixed pick would give (the per-cluster choice only improves on it),
 *   unless the time budget ends before the second start.
 * - Re-plans start from `previous`, with its clusters' choices; while it still meets every constraint it is
 *   the one to beat, so a round that is no better moves nothing. The choice is a function of the placement
 *   alone, so an assignment is all the history it needs: an unchanged input keeps its plan and its networks.
 */
export function planChoosingNetworks(
  topology: Topology,
  options: NetworkOptions,
  previous: Assignment | undefined,
  planOptions: PlanOptions,
  budgetMs: number,
  placeFixed: PlaceFixed,
): Plan {
  const now = planOptions.now ?? (() => performance.now());
  const started = now();
  const problem = buildProblem(topology);
  const previousOf = clustersOf(topology, previous);
  const cap = planOptions.maxMoves ?? defaultMaxMoves(topology.apps.length);
  let best: Candidate | undefined;
  const consider = (clusterOf: (string | undefined)[], choice: NetworkChoice): void => {
    const s = score(options, clusterOf, choice.chosen, previousOf);
    if (!best || better(s, best.score)) best = { clusterOf, choice, score: s };
  };
  const index = new Map(problem.clusterNames.map((name, b) => [name, b]));
  const refineContext: RefineContext = {
    problem,
    options,
    previous: Int32Array.from(previousOf, (c) => (c === undefined ? -1 : (index.get(c) ?? -1))),
    moveCost: planOptions.moveCost ?? DEFAULT_MOVE_COST,
    maxMoves: previous ? cap : Number.POSITIVE_INFINITY,
  };
  /** A placement the rounds found, improved by the moves only a choice of networks reveals, with its choice. */
  const improve = (assignment: Assignment): Candidate => {
    const cluster = Int32Array.from(
      topology.apps,
      (app) => index.get(assignment[app.id] as string) as number,
    );
    const chosen = chooseNetworks(options, clustersOf(topology, assignment)).chosen.slice();
    refineChoices(refineContext, cluster, chosen);
    const clusterOf = Array.from(cluster, (b) => problem.clusterNames[b] as string);
    const choice = chooseNetworks(options, clusterOf);
    return { clusterOf, choice, score: score(options, clusterOf, choice.chosen, previousOf) };
  };
  const assignmentOf = (c: Candidate): Assignment =>
    Object.fromEntries(topology.apps.map((app, a) => [app.id, c.clusterOf[a] as string]));
  let choice: NetworkChoice;
  let from: Assignment;
  if (previous) {
    // Apps the previous plan placed keep its clusters' choices; new ones start on their most common option.
    choice = chooseNetworks(options, previousOf);
    if (keepable(problem, previousOf)) consider(previousOf, choice);
    from = previous;
  } else {
    // Two fresh starts: every app on its most common option, and on its first by name. The rounds go on
    // from the better.
    const unplaced = topology.apps.map(() => undefined);
    const common = chooseNetworks(options, unplaced).chosen;
    const first = firstOptions(options);
    for (const start of sameList(common, first) ? [common] : [common, first]) {
      if (best && budgetMs - (now() - started) < budgetMs * MIN_ROUND_SHARE) break;
      const placed = placeFixed(withChosenNetworks(topology, start), undefined, {
        ...planOptions,
        now,
        timeBudgetMs: Math.max(1, budgetMs * (1 - RESERVE) - (now() - started)),
      });
      const found = improve(placed);
      consider(found.clusterOf, found.choice);
    }
    const start = best as Candidate;
    from = assignmentOf(start);
    choice = start.choice;
  }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const left = budgetMs - (now() - started);
    // A re-plan has nothing to return before its first round unless the previous plan still holds.
    if ((round > 0 || best) && left < budgetMs * MIN_ROUND_SHARE) break;
    const fromOf = clustersOf(topology, from);
    const moved = fromOf.filter((c, a) => previousOf[a] !== undefined && previousOf[a] !== c).length;
    const placed = placeFixed(withChosenNetworks(topology, choice.chosen), from, {
      ...planOptions,
      now,
      timeBudgetMs: Math.max(1, left - budgetMs * RESERVE),
      // Against a real previous plan the cap holds over all rounds; a fresh plan's rounds are not moves.
      maxMoves: previous ? Math.max(0, cap - moved) : topology.apps.length,
    });
    const found = improve(placed);
    consider(found.clusterOf, found.choice);
    if (sameList(found.clusterOf, fromOf) && sameList(found.choice.chosen, choice.chosen)) break;
    from = assignmentOf(found);
    choice = found.choice;
  }
  return finish(topology, options, best as Candidate, previous, Math.round(now() - started));
}

/** Metrics and explanations for the winning round, computed on its chosen networks. */
function finish(
  topology: Topology,
  options: NetworkOptions,
  winner: Candidate,
  previous: Assignment | undefined,
  millis: number,
): Plan {
  const problem = buildProblem(withChosenNetworks(topology, winner.choice.chosen));
  const index = new Map(problem.clusterNames.map((name, b) => [name, b]));
  const clusterOfApp = Int32Array.from(winner.clusterOf, (c) => index.get(c as string) as number);
  const evaluation = evaluate(problem, clusterOfApp, previous);
  const explanations = explain(problem, clusterOfApp, previous);
  const networks: Record<string, string> = {};
  topology.apps.forEach((app, a) => {
    const net = winner.choice.chosen[a];
    if (net === undefined || (app.networkChoices?.length ?? 0) === 0) return;
    networks[app.id] = net;
    const offered = options.choices[a] as string[];
    explanations[app.id] += describeChoice(
      winner.clusterOf[a] as string,
      net,
      offered.length > 0 ? offered : [...new Set(app.networkChoices)].sort(byString),
      winner.choice.why[a],
    );
  });
  return {
    assignment: Object.fromEntries(topology.apps.map((app, a) => [app.id, winner.clusterOf[a] as string])),
    metrics: {
      maxNetworksPerProxy: evaluation.maxNetworksPerProxy,
      totalAttachments: evaluation.totalAttachments,
      lowerBoundMax: evaluation.lowerBoundMax,
      lowerBoundTotal: evaluation.lowerBoundTotal,
      moves: evaluation.moves,
      millis,
      perCluster: evaluation.perCluster,
    },
    explanations,
    networks,
  };
}
