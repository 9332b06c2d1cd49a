import type { DesiredCluster, DesiredState } from '#shared/desired/index.js';
import type { ClusterStatus } from '#shared/gen/signalbox/v1/ClusterStatus.js';
import type { PlanChange } from '#shared/gen/signalbox/v1/PlanChange.js';
import type { PlanMetrics as PlanMetricsMessage } from '#shared/gen/signalbox/v1/PlanMetrics.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { LiveVersion } from '#shared/jobs/config-job.js';
import { routeCount } from '#shared/model/index.js';
import type { PlanMetrics } from '#shared/planner/index.js';

/** The planner's figures an operator compares plans by. */
export const planMetrics = (m: PlanMetrics): PlanMetricsMessage => ({
  maxNetworksPerProxy: m.maxNetworksPerProxy,
  totalAttachments: m.totalAttachments,
  lowerBoundMax: m.lowerBoundMax,
});

/** A plan made from scratch (`fresh`) against the one in force: its figures and every app it would move. */
export function comparePlans(current: DesiredState, fresh: DesiredState, applied: boolean): PlanChange {
  const moves = Object.entries(fresh.plan.assignment)
    .filter(([service, to]) => (current.plan.assignment[service] ?? to) !== to)
    .map(([service, to]) => ({
      service,
      from: current.plan.assignment[service] ?? '',
      to,
      reason: fresh.plan.explanations[service] ?? '',
    }))
    .sort((a, b) => (a.service < b.service ? -1 : 1));
  return {
    before: planMetrics(current.plan.metrics),
    after: planMetrics(fresh.plan.metrics),
    moves,
    applied,
    millis: fresh.plan.metrics.millis,
  };
}

/**
 * How far one cluster's proxy is from its desired version. Live is the version a worker recorded, and only
 * while the proxy still runs that record's config; in sync means live = desired and every replica serves.
 */
export function clusterStatus(
  c: DesiredCluster,
  observed: {
    proxyService: string;
    /** Undefined while the cluster has no proxy service yet (the leader makes it on its next pass). */
    rollout: Rollout | undefined;
    live: LiveVersion | undefined;
    /** Since when the desired version is wanted. */
    since: number;
    jobRetry: string;
  },
  now: number,
): ClusterStatus {
  const { rollout, live } = observed;
  const liveVersion = live && live.config === rollout?.configName ? live.version : '';
  const serving = rollout !== undefined && (rollout.tasksServing ?? 0) >= (rollout.tasksDesired ?? 0);
  const inSync = liveVersion === c.version && serving;
  return {
    name: c.cluster,
    extension: c.extension,
    proxyService: observed.proxyService,
    desiredVersion: c.version,
    liveVersion,
    liveConfig: rollout?.configName ?? '',
    inSync,
    behindSeconds: inSync ? 0 : (now - observed.since) / 1000,
    networks: c.model.networks.length,
    routes: routeCount(c.model),
    services: c.model.services.length,
    rollout: rollout ?? null,
    jobRetry: inSync ? '' : observed.jobRetry,
  };
}
