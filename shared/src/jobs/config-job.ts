import { z } from 'zod';

/**
 * The coordinator ↔ worker contract for config jobs. A job names a cluster and the version of its desired
 * state, never the payload: the worker fetches the snapshot of that version over gRPC, so a job queued long
 * ago can never apply stale routing, only ask for something newer or be dropped.
 */
export const CONFIG_QUEUE = 'signalbox-config';
export const RENDER_CLUSTER_JOB = 'render-cluster';

export const ConfigJobData = z.object({
  cluster: z.string(),
  /** Content hash of the cluster's desired state. */
  version: z.string().regex(/^[0-9a-f]{8,64}$/),
  /** Leader epoch that enqueued the job (fencing): workers ignore jobs from an epoch older than one seen. */
  epoch: z.number().int().nonnegative(),
  /** When the coordinator saw the change behind this version (ms since the epoch); absent in older jobs. */
  changedAt: z.number().int().positive().optional(),
});

export type ConfigJobData = z.infer<typeof ConfigJobData>;

/** BullMQ job ids may not contain ':'; cluster names cannot either (they follow Docker's name rule). */
export const configJobId = (cluster: string, version: string): string =>
  `${cluster || '_default'}.${version}`;

/**
 * What a worker records in Redis after a cluster's proxies serve a version: status reports compare it with
 * the desired version. In Redis, not in a coordinator, so it survives a change of leader.
 */
export const LiveVersion = z.object({
  version: z.string(),
  /** The Docker config object the proxies run. */
  config: z.string(),
  /** RFC 3339 time the worker saw every replica serve it. */
  at: z.string(),
});

export type LiveVersion = z.infer<typeof LiveVersion>;

/** Redis hash: cluster → LiveVersion JSON. */
export const liveVersionKey = (keyPrefix: string): string => `${keyPrefix}:live-version`;
