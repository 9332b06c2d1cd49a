/**
 * The planner's public shapes. `Topology` is what `signalbox plan --input` reads and `Plan` is what it prints,
 * so field names here are a public interface: add fields, never rename them.
 */

export interface ClusterSpec {
  readonly name: string;
  /** false: the cluster only receives apps pinned to it with com.docker.lb.service_cluster. */
  readonly auto: boolean;
  /** Total app weight the cluster's proxy may serve; auto clusters default to an even share plus `balance`. */
  readonly capacity?: number | undefined;
  /**
   * Fixed networks (Interlock 3's `Networks` per extension): the proxy joins exactly these, whatever its apps,
   * and only apps reachable on one of them can be in the cluster (see fixed-networks.ts). Absent: the proxy
   * joins its apps' networks.
   */
  readonly networks?: readonly string[] | undefined;
}

export interface AppSpec {
  readonly id: string;
  /** Overlay networks the proxy must join to reach this app. */
  readonly networks: readonly string[];
  /**
   * Networks the app is on when nothing names the one to reach it by (no com.docker.lb.network label and
   * `[Planner] ChooseNetworks`): its proxy joins one of them, which the planner chooses. Absent or empty: the
   * proxy joins `networks` and nothing else.
   */
  readonly networkChoices?: readonly string[] | undefined;
  /** The com.docker.lb.service_cluster label: a pin that the planner never overrides. */
  readonly cluster?: string | null | undefined;
  readonly weight?: number | undefined;
  /** Apps that share a host name are served by one proxy, so canary and blue-green pools stay whole. */
  readonly hosts?: readonly string[] | undefined;
}

export interface Topology {
  /** Slack over an even split when a cluster has no explicit capacity; 0.1 means 10 %. */
  readonly balance?: number | undefined;
  readonly clusters: readonly ClusterSpec[];
  readonly apps: readonly AppSpec[];
}

/** App id → cluster name. */
export type Assignment = Readonly<Record<string, string>>;

export interface ClusterMetrics {
  name: string;
  apps: number;
  weight: number;
  networks: number;
}

export interface PlanMetrics {
  /** The objective that comes first: networks joined by the busiest proxy. */
  maxNetworksPerProxy: number;
  /** Σ over networks of the clusters it spans (= km1 + number of non-empty networks). */
  totalAttachments: number;
  /** max(⌈totalAttachments / usable clusters⌉, networks of the largest unit, networks pinned to one cluster). */
  lowerBoundMax: number;
  /** Σ over networks of the clusters it must span whatever the plan: capacity and pins force splits. */
  lowerBoundTotal: number;
  /** Apps of `previous` whose cluster changed; apps new since `previous` are not moves. */
  moves: number;
  millis: number;
  perCluster: ClusterMetrics[];
}

export interface Plan {
  assignment: Record<string, string>;
  metrics: PlanMetrics;
  /** App id → one short sentence on why the app is in its cluster (and, with a choice, on its network). */
  explanations: Record<string, string>;
  /** App id → the network its proxy reaches it on, for every app with `networkChoices`; empty without. */
  networks: Record<string, string>;
}

export interface PlanOptions {
  /** Seeds every random choice; the same input, seed and (unhit) budget give the same plan. */
  readonly seed?: number;
  /**
   * Wall-clock budget. When it runs out the best plan so far is returned, so a plan cut by the budget may
   * depend on machine speed; one that finishes inside it does not.
   */
  readonly timeBudgetMs?: number;
  /** The clock the budget is read from, in milliseconds; tests pass a fake. */
  readonly now?: () => number;
  /** Attachments an app's move must save before it is worth making (the hysteresis), per moved app. */
  readonly moveCost?: number;
  /** Voluntary moves allowed per plan; moves forced by pins, host groups or removed clusters are extra. */
  readonly maxMoves?: number;
  /** Instances with at most this many units (host groups) are solved exactly by branch and bound. */
  readonly exactMaxUnits?: number;
}
