export { checkFeasible } from './feasibility.js';
export { type HmetisInput, parseHmetis, parsePartitionFile } from './hmetis.js';
export { evaluate } from './metrics.js';
export { DEFAULT_TIME_BUDGET_MS, plan } from './plan.js';
export { PlanInput, parsePlanInput, parsePreviousAssignment } from './plan-input-schema.js';
export { deriveSeed, mulberry32, type Random } from './prng.js';
export { buildProblem, type Problem } from './problem.js';
export { DEFAULT_MOVE_COST, defaultMaxMoves } from './stability.js';
export type {
  AppSpec,
  Assignment,
  ClusterMetrics,
  ClusterSpec,
  Plan,
  PlanMetrics,
  PlanOptions,
  Topology,
} from './types.js';
