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
});

export type ConfigJobData = z.infer<typeof ConfigJobData>;

/** BullMQ job ids may not contain ':'; cluster names cannot either (they follow Docker's name rule). */
export const configJobId = (cluster: string, version: string): string =>
  `${cluster || '_default'}.${version}`;
