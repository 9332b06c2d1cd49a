/** What an agent said on its last poll. */
interface AgentReport {
  /** sha256 of the config it runs. */
  live: string;
  /** sha256 of a config it refused (`nginx -t` failed there), if any. */
  refused: string;
  at: number;
}

interface ClusterGate {
  target: string;
  /** Tasks allowed to apply `target` that may not have reported it yet. */
  granted: Set<string>;
  reports: Map<string, AgentReport>;
  /** When an agent of this cluster last reported a newly applied config (a reload). */
  lastAppliedAt: number;
}

export interface InPlacePolicy {
  parallelism: number;
  /** Between one replica applying and the next starting to; at least the minimum reload interval. */
  delayMs: number;
}

/** An agent that has not polled for this long is gone (its task stopped); it no longer holds a turn. */
const STALE_MS = 90_000;

/**
 * Paces in-place config changes the way Swarm paces task replacements: at most `parallelism` replicas of a
 * cluster apply a new config at a time, the next one only `delayMs` after the last applied, so a config
 * that breaks something reaches one replica, not all. A task that never reported (it just started) takes
 * the newest config at once. Pure state; the coordinator feeds it agents' polls and a clock.
 */
export class InPlaceGate {
  private readonly clusters = new Map<string, ClusterGate>();

  constructor(private readonly now: () => number = Date.now) {}

  private gate(cluster: string): ClusterGate {
    let g = this.clusters.get(cluster);
    if (!g) {
      g = { target: '', granted: new Set(), reports: new Map(), lastAppliedAt: 0 };
      this.clusters.set(cluster, g);
    }
    return g;
  }

  /**
   * A leader taking over a cluster's rollout at `at` knows nothing of when its replicas last applied: the
   * next one waits a full delay from then, so a change of leader never speeds a rollout up.
   */
  resume(cluster: string, at: number): void {
    const g = this.gate(cluster);
    g.lastAppliedAt = Math.max(g.lastAppliedAt, at);
  }

  /** Records a poll; true when the agent's live config changed since its last poll (it reloaded). */
  report(cluster: string, task: string, live: string, refused: string): boolean {
    const g = this.gate(cluster);
    const previous = g.reports.get(task);
    g.reports.set(task, { live, refused, at: this.now() });
    const applied = previous !== undefined && previous.live !== live && live !== '';
    if (applied) g.lastAppliedAt = this.now();
    return applied;
  }

  /** Whether `task` may fetch config `target` (a sha256) now; grants it its turn when that has come. */
  mayApply(cluster: string, task: string, target: string, policy: InPlacePolicy): boolean {
    const g = this.gate(cluster);
    if (g.target !== target) {
      g.target = target;
      g.granted.clear();
    }
    const report = g.reports.get(task);
    if (report === undefined || report.live === target || g.granted.has(task)) return true;
    const now = this.now();
    const inFlight = [...g.granted].filter((t) => {
      const r = g.reports.get(t);
      return r !== undefined && r.live !== target && now - r.at < STALE_MS;
    }).length;
    if (inFlight >= Math.max(1, policy.parallelism)) return false;
    if (now < g.lastAppliedAt + policy.delayMs) return false;
    g.granted.add(task);
    return true;
  }

  /** How many of `tasks` report running `target`. */
  serving(cluster: string, target: string, tasks: readonly string[]): number {
    const g = this.clusters.get(cluster);
    return tasks.filter((t) => g?.reports.get(t)?.live === target).length;
  }

  /** A task whose agent refused `target`, if any. */
  refusedBy(cluster: string, target: string): string | undefined {
    for (const [task, r] of this.clusters.get(cluster)?.reports ?? []) if (r.refused === target) return task;
    return undefined;
  }
}
