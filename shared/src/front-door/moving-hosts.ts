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
 * Service → the clusters that must keep its routes: those a front door replica still sends its hosts to,
 * other than its planned one (and still existing), provided the service was there (`wasIn`): a host that
 * passes from one service to another does not drag the new service into the old one's cluster.
 */
export function keepWhileMoving(
  desired: DesiredState,
  views: readonly FrontDoorView[],
  wasIn: (service: string, cluster: string) => boolean,
): Map<string, Set<string>> {
  const clusters = new Set(desired.clusters.map((c) => c.cluster));
  const keep = new Map<string, Set<string>>();
  for (const r of desired.routes.routes) {
    const planned = desired.plan.assignment[r.service];
    if (planned === undefined) continue;
    for (const view of views) {
      for (const h of r.hosts) {
        const now = view.get(h);
        if (now === undefined || now === planned || !clusters.has(now) || !wasIn(r.service, now)) continue;
        const kept = keep.get(r.service) ?? new Set<string>();
        keep.set(r.service, kept.add(now));
      }
    }
  }
  return keep;
}

/**
 * Host → the cluster the front door should send it to: its planned cluster once that serves the host
 * (`serves`: the version all its replicas run routes it), else one that keeps it (`keep`) and a front door
 * replica still uses.
 */
export function frontDoorChoice(
  desired: DesiredState,
  serves: (cluster: string, host: string) => boolean,
  views: readonly FrontDoorView[],
  keep: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, string> {
  const keeping = new Map<string, ReadonlySet<string>>();
  for (const r of desired.routes.routes) {
    const kept = keep.get(r.service);
    if (kept) for (const h of r.hosts) keeping.set(h, kept);
  }
  const out = new Map<string, string>();
  for (const [host, planned] of plannedHosts(desired)) {
    const kept = keeping.get(host);
    const now = kept ? views.map((v) => v.get(host)).find((c) => c !== undefined && kept.has(c)) : undefined;
    out.set(host, now === undefined || serves(planned, host) ? planned : now);
  }
  return out;
}
