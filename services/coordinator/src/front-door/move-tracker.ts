import type { Logger } from 'pino';
import type { DesiredCluster } from '#shared/desired/index.js';
import { modelHosts } from '#shared/front-door/index.js';
import { LogField } from '#shared/log/fields.js';
import { rememberAtMost } from '#shared/util/bounded-map.js';

/** While an app moves between clusters, a pass looks again this often (slower after a minute). */
const MOVE_CHECK_MS = 500;
const SLOW_MOVE_CHECK_MS = 5_000;
const SLOW_AFTER_MS = 60_000;
/** Desired versions remembered per cluster, to know which hosts the version its proxies run routes. */
const VERSIONS_KEPT = 16;

/**
 * Apps that move from one cluster to another (see keepWhileMoving): which clusters keep a moving app's
 * routes, since when anything moves, and which hosts each recent desired version of a cluster routes, so the
 * coordinator can tell when the version a cluster's proxies run serves a moving app's hosts.
 */
export class MoveTracker {
  /** Service → the clusters keeping its routes while it moves. */
  private moving = new Map<string, Set<string>>();
  private movingSince: number | undefined;
  /** Per cluster, recent desired versions → the hosts they route. */
  private readonly hostsAt = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get active(): boolean {
    return this.moving.size > 0;
  }

  /** Whether the last pass kept the service's routes in `cluster` while it moves away. */
  keeps(service: string, cluster: string): boolean {
    return this.moving.get(service)?.has(cluster) ?? false;
  }

  rememberHosts(c: DesiredCluster): void {
    const versions = this.hostsAt.get(c.cluster) ?? new Map<string, Set<string>>();
    this.hostsAt.set(c.cluster, versions);
    if (!versions.has(c.version))
      rememberAtMost(versions, VERSIONS_KEPT, c.version, new Set(modelHosts(c.model).hosts));
  }

  /** Whether desired version `version` of `cluster` (one remembered) routes `host`. */
  routes(cluster: string, version: string, host: string): boolean {
    return this.hostsAt.get(cluster)?.get(version)?.has(host) ?? false;
  }

  /**
   * This pass's moves (`keep`, with each service's planned cluster in `assignment`): logs those that start
   * and end, and says in how many ms a pass should look again, or undefined when nothing moves.
   */
  note(keep: Map<string, Set<string>>, assignment: Readonly<Record<string, string>>): number | undefined {
    const named = (clusters: Set<string> | undefined) => [...(clusters ?? [])].sort().join(',');
    for (const [service, from] of keep) {
      if (named(this.moving.get(service)) !== named(from))
        this.log.info(
          { [LogField.service]: service, from: named(from), to: assignment[service] },
          'app moves to another cluster; the one it leaves keeps its routes until the front door uses the new one',
        );
    }
    for (const [service, from] of this.moving) {
      if (!keep.has(service))
        this.log.info(
          { [LogField.service]: service, from: named(from), to: assignment[service] },
          'app moved; the cluster it left drops its routes',
        );
    }
    this.moving = keep;
    if (keep.size === 0) {
      this.movingSince = undefined;
      return undefined;
    }
    const now = this.now();
    this.movingSince ??= now;
    return now - this.movingSince > SLOW_AFTER_MS ? SLOW_MOVE_CHECK_MS : MOVE_CHECK_MS;
  }
}
