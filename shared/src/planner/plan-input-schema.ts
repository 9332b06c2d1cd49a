import { z } from 'zod';
import { SignalboxError } from '../errors/index.js';
import type { Assignment, Topology } from './types.js';

const name = z.string().min(1).max(255);
/** Interlock's default service cluster is the empty name, so cluster names may be empty. */
const clusterName = z.string().max(255);
const positive = z.number().positive().finite();

const ClusterInput = z.strictObject({
  name: clusterName,
  auto: z.boolean().default(true),
  capacity: positive.optional(),
  /** Fixed networks: the proxy joins exactly these (Interlock 3's `Networks`). */
  networks: z.array(name).optional(),
});

const AppInput = z.strictObject({
  id: name,
  networks: z.array(name),
  /** On several networks with none named: the planner chooses the one its proxy joins. */
  networkChoices: z.array(name).optional(),
  cluster: clusterName.nullable().optional(),
  weight: positive.optional(),
  hosts: z.array(name).optional(),
});

/** The JSON read by `signalbox plan --input`; unknown keys are errors so a typo cannot silently drop a pin. */
export const PlanInput = z.strictObject({
  balance: z.number().min(0).max(10).optional(),
  clusters: z.array(ClusterInput).min(1),
  apps: z.array(AppInput),
});

/** A previous plan: either the whole output of `signalbox plan` or just its assignment. */
const PreviousInput = z.union([
  z.object({ assignment: z.record(z.string(), z.string()) }),
  z.record(z.string(), z.string()),
]);

const firstIssue = (what: string, error: z.ZodError): SignalboxError => {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return new SignalboxError('PLAN_INPUT_INVALID', `${what}: ${where}${issue?.message ?? 'invalid'}`, {
    issues: error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
  });
};

export function parsePlanInput(json: unknown): Topology {
  const parsed = PlanInput.safeParse(json);
  if (!parsed.success) throw firstIssue('plan input', parsed.error);
  return parsed.data;
}

export function parsePreviousAssignment(json: unknown): Assignment {
  const parsed = PreviousInput.safeParse(json);
  if (!parsed.success) throw firstIssue('previous plan', parsed.error);
  const data = parsed.data;
  return 'assignment' in data && typeof data.assignment === 'object' ? data.assignment : (data as Assignment);
}
