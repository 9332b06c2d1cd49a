import type { DesiredState, Rejection } from '#shared/desired/index.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import type { ConfigJobQueue } from '../queue/config-job-queue.js';
import { clusterStatus, planMetrics } from './operator-reports.js';

/** What `signalbox status` and the dashboard are read from. */
export interface StatusSources {
  instance: string;
  leader: boolean;
  desired: DesiredState | undefined;
  rejections: Rejection[];
  jobs: Pick<ConfigJobQueue, 'liveVersions' | 'retries' | 'counts'>;
  rolloutStatus(cluster: string): Promise<Rollout>;
  proxyService(cluster: string): string;
  /** Since when the cluster's desired version is wanted. */
  wantedSince(cluster: string): number;
  lastPass: { ms: number; at: Date | undefined };
}

/** Per cluster, how far the proxy is from the desired state; the queue, the rejections and the plan. */
export async function statusReport(s: StatusSources): Promise<StatusReport> {
  const live = await s.jobs.liveVersions();
  const retries = await s.jobs.retries();
  const clusters = await Promise.all(
    (s.desired?.clusters ?? []).map(async (c) =>
      clusterStatus(
        c,
        {
          proxyService: s.proxyService(c.cluster),
          rollout: await s.rolloutStatus(c.cluster).catch(() => undefined),
          live: live.get(c.cluster),
          since: s.wantedSince(c.cluster),
          jobRetry: retries.get(c.cluster) ?? '',
        },
        Date.now(),
      ),
    ),
  );
  return {
    instance: s.instance,
    leader: s.leader,
    clusters,
    queue: await s.jobs.counts(),
    // A service refused a host by tenancy keeps its other hosts, yet it asked for something it may not have.
    rejectedServices: new Set(s.rejections.map((r) => r.service)).size,
    rejections: s.rejections.map((r) => ({ ...r, tenant: r.tenant ?? '' })),
    unplacedServices: s.desired?.unplaced.length ?? 0,
    lastPassMillis: s.lastPass.ms,
    lastPassAt: s.lastPass.at?.toISOString() ?? '',
    plan: s.desired ? planMetrics(s.desired.plan.metrics) : null,
  };
}
