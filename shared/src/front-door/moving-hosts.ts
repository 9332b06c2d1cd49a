import type { DesiredState } from '../desired/index.js';

/**
 * Make before break for apps that move to another service cluster (a relabel, or a plan change): the
 * front door keeps sending a moving app's hosts to the cluster it leaves, which keeps serving them, until the
 * cluster it joins serves them; only once every front door replica routes them to the new cluster does the
 * old one drop the routes. Pure; the coordinator feeds it what workers and the front door's agents report.
 */

/** Host → cluster, as one front door replica routes it (the host map or config its agent reports running). */
export type FrontDoorView = ReadonlyMap<string, string>;

/** Host → the cluster its app is planned in (its new home while it moves). */
export function plannedHosts(desired: DesiredState): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of desired.routes.routes) {
    const cluster = desired.plan.assignment[r.service];
    if (cluster === undefined) continue;
    for (const h of r.hosts) if (!out.has(h)) out.set(h, cluster);
  }
  return out;
}

/**
 * Service → the cluster that must keep its routes: one a front door replica still sends its hosts to, when
 * that is not the service's planned cluster (and still exists).
 */
export function keepWhileMoving(desired: DesiredState, views: readonly FrontDoorView[]): Map<string, string> {
  const clusters = new Set(desired.clusters.map((c) => c.cluster));
  const keep = new Map<string, string>();
  for (const r of desired.routes.routes) {
    const planned = desired.plan.assignment[r.service];
    if (planned === undefined) continue;
    for (const view of views) {
      for (const h of r.hosts) {
        const now = view.get(h);
        if (now !== undefined && now !== planned && clusters.has(now)) keep.set(r.service, now);
      }
    }
  }
  return keep;
}

/**
 * Host → the cluster the front door should send it to: its planned cluster once that serves the host
 * (`serves`: the version all its replicas run routes it), else the one the front door uses now.
 */
export function frontDoorChoice(
  desired: DesiredState,
  serves: (cluster: string, host: string) => boolean,
  views: readonly FrontDoorView[],
): Map<string, string> {
  const clusters = new Set(desired.clusters.map((c) => c.cluster));
  const out = new Map<string, string>();
  for (const [host, planned] of plannedHosts(desired)) {
    const now = views
      .map((v) => v.get(host))
      .find((c) => c !== undefined && c !== planned && clusters.has(c));
    out.set(host, now === undefined || serves(planned, host) ? planned : now);
  }
  return out;
}
