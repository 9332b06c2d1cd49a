import type { ErrorCode } from '../errors/index.js';

/** The stage of the pipeline that turned a service (or part of what it asked for) away. */
export type RejectionStage = 'labels' | 'tenancy' | 'limits' | 'certificate' | 'placement' | 'nginx';

/**
 * One service turned away, whole or in part, with the reason its owner reads in `status`, `explain`, the logs
 * and the metrics. Every stage reports in this one shape, so no rejection is visible in one place only.
 */
export interface Rejection {
  service: string;
  /** With `[Tenancy]`: the service's tenant, '' for the services without one. */
  tenant?: string;
  stage: RejectionStage;
  code: ErrorCode;
  message: string;
}

/** Tells a rejection already logged from a new one across passes. */
export const rejectionKey = (r: Rejection): string => `${r.stage}\n${r.code}\n${r.service}\n${r.message}`;
