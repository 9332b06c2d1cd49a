import { z } from 'zod';

const ConfigRef = z.object({ name: z.string().min(1), id: z.string().min(1) });
/** A stored proxy config (a Docker config object): its name and ID. */
export type ConfigRef = z.infer<typeof ConfigRef>;

const RolloutPolicy = z.object({
  order: z.enum(['start-first', 'stop-first']),
  delayMs: z.number().nonnegative(),
  parallelism: z.number().int().positive(),
  monitorMs: z.number().nonnegative(),
});
/** How a cluster's new config reaches its replicas: Swarm's update order, the pace and how many at a time. */
export type RolloutPolicy = z.infer<typeof RolloutPolicy>;

/**
 * One cluster's rollout, the whole of what a leader must know to continue it: the config the proxies should
 * run (`config`) and the one a revert goes back to (`previous`), how it rolls out, when it started, when the
 * proxy's task template last changed (tasks created before keep their config until Swarm replaces them) and
 * an agent's refusal that reverted it. Kept in Redis under the writing leader's term (`epoch`), so a new
 * leader continues where the old one stopped.
 */
export const ClusterRollout = z.object({
  epoch: z.number().int().nonnegative(),
  config: ConfigRef.optional(),
  previous: ConfigRef.optional(),
  policy: RolloutPolicy.optional(),
  startedAt: z.number().nonnegative(),
  taskSpecAt: z.number().nonnegative().optional(),
  refusal: z.object({ config: z.string(), message: z.string() }).optional(),
});
export type ClusterRollout = z.infer<typeof ClusterRollout>;

/** A cluster no rollout has touched: its proxies run what Docker shows. */
export const noRollout = (epoch: number): ClusterRollout => ({ epoch, startedAt: 0 });

/** Drops the optional fields a transition left undefined, so a record reads the same before and after JSON. */
const compact = (r: ClusterRollout): ClusterRollout =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as ClusterRollout;

/**
 * The transitions. Each is pure and returns the next record under `epoch`, the term of the leader taking
 * the step; the rollout controller persists whatever they return.
 */
export const rolloutTransitions = {
  /**
   * A worker started a rollout of `config`; `previous` is what the proxies ran until now. Starting the
   * config already being rolled out (a job retried, e.g. after a change of leader) continues that rollout:
   * its revert target stays (`previous` would otherwise become the config itself).
   */
  started(
    r: ClusterRollout,
    step: {
      epoch: number;
      config: ConfigRef;
      previous: ConfigRef | undefined;
      policy: RolloutPolicy;
      at: number;
    },
  ): ClusterRollout {
    if (r.config?.name === step.config.name && r.refusal === undefined)
      return compact({
        ...r,
        epoch: step.epoch,
        config: step.config,
        policy: step.policy,
        startedAt: step.at,
      });
    return compact({
      epoch: step.epoch,
      config: step.config,
      previous: step.previous,
      policy: step.policy,
      startedAt: step.at,
      taskSpecAt: r.taskSpecAt,
    });
  },

  /** Docker refused the proxy spec that carried the rollout: it never started; the proxies keep `previous`. */
  notStarted(r: ClusterRollout, epoch: number): ClusterRollout {
    return compact({ ...r, epoch, config: r.previous });
  },

  /** An agent refused `config` (nginx -t failed in the proxy): the rollout ends reverted to `previous`. */
  refused(r: ClusterRollout, step: { epoch: number; config: string; message: string }): ClusterRollout {
    return compact({
      ...r,
      epoch: step.epoch,
      config: r.previous,
      refusal: { config: step.config, message: step.message },
    });
  },

  /** Swarm started new proxy tasks from a changed template at `at`. */
  templateChanged(r: ClusterRollout, step: { epoch: number; at: number }): ClusterRollout {
    return compact({ ...r, epoch: step.epoch, taskSpecAt: step.at });
  },

  /** Swarm rolled the proxy back (its tasks failed): the proxy's own previous config is what runs now. */
  swarmRolledBack(r: ClusterRollout, epoch: number): ClusterRollout {
    return compact({ ...r, epoch, config: undefined, policy: undefined });
  },

  /** An operator rolled the proxy service back: the proxies run what Swarm's previous spec names. */
  operatorRolledBack(r: ClusterRollout, epoch: number): ClusterRollout {
    return compact({ ...r, epoch, config: undefined });
  },
};

/** What an agent that polls should do with the cluster's config `target`. */
export type AgentStep =
  /** It refused the target and the rollout is not reverted yet: revert it (if the agent is a proxy task's). */
  | 'revert'
  /** It refused the target, which is already reverted; or it must wait for its turn or its replacement. */
  | 'wait'
  /** It runs the target already, or may take it when its turn comes (see InPlaceGate). */
  | 'take';

/**
 * The decision for one agent's poll, from its report (the sha256 of its live config and of a config it
 * refused) and whether its task predates the cluster's latest task template (Swarm is replacing it, and it
 * may lack a network the target's routes need).
 */
export function agentStep(
  r: ClusterRollout,
  target: { name: string; sha: string },
  report: { live: string; refused: string; predatesTemplate: boolean },
): AgentStep {
  if (report.refused !== '' && report.refused === target.sha)
    return r.refusal?.config === target.name ? 'wait' : 'revert';
  if (report.live !== target.sha && report.predatesTemplate) return 'wait';
  return 'take';
}
