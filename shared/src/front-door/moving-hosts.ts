import type { DesiredState } from '../desired/index.js';

/**
 * Make before break for apps that move to another service cluster (a relabel, or a plan change): the
 * front door keeps sending a moving app's hosts to the cluster it leaves, which keeps serving them, until the
 * cluster it joins serves its desired version; only after the front door runs the new mapping does the old
 * cluster drop the routes. Pure; the coordinator feeds it what workers and the front door's agent report.
 */

/** Host → the cluster its app is planned in (its new home while it moves). */
function homes(desired: DesiredState): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of desired.routes.routes) {
    const cluster = desired.plan.assignment[r.service];
    if (cluster === undefined) continue;
    for (const h of r.hosts) if (!out.has(h)) out.set(h, cluster);
  }
  return out;
}

/**
 * Service → the cluster that must keep its routes: the one the front door still sends its hosts to, when
 * that is not the service's planned cluster.
 */
export function keepWhileMoving(
  desired: DesiredState,
  served: ReadonlyMap<string, string>,
): Map<string, string> {
  const clusters = new Set(desired.clusters.map((c) => c.cluster));
  const keep = new Map<string, string>();
  for (const r of desired.routes.routes) {
    const planned = desired.plan.assignment[r.service];
    for (const h of r.hosts) {
      const now = served.get(h);
      if (planned !== undefined && now !== undefined && now !== planned && clusters.has(now))
        keep.set(r.service, now);
    }
  }
  return keep;
}

/**
 * Host → the cluster the front door should send it to: its planned cluster once that serves its desired
 * version (`live`: cluster → version every replica serves), else the cluster the front door uses now.
 */
export function frontDoorHosts(
  desired: DesiredState,
  live: ReadonlyMap<string, string>,
  served: ReadonlyMap<string, string>,
): Map<string, string> {
  const versions = new Map(desired.clusters.map((c) => [c.cluster, c.version]));
  const out = new Map<string, string>();
  for (const [host, planned] of homes(desired)) {
    const now = served.get(host);
    const ready = live.get(planned) !== undefined && live.get(planned) === versions.get(planned);
    out.set(host, ready || now === undefined || !versions.has(now) ? planned : now);
  }
  return out;
}
