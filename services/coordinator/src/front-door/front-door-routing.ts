import type { Logger } from 'pino';
import type { SignalboxConfig } from '#shared/config/index.js';
import { buildDesiredState, type CertificateVerdicts, type DesiredState } from '#shared/desired/index.js';
import { frontDoorChoice, frontDoorCluster, keepWhileMoving } from '#shared/front-door/index.js';
import type { LiveVersion } from '#shared/jobs/config-job.js';
import type { Assignment } from '#shared/planner/index.js';
import { taskHostname } from '#shared/rollout/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import type { ClusterSettings } from '../cluster-settings.js';
import { type DockerEngine, serviceTasks, type TaskCalls } from '../docker/docker-api.js';
import { proxyServiceName } from '../proxy/proxy-service-spec.js';
import { type FrontDoorInput, FrontDoorState } from './front-door-state.js';
import { MoveTracker } from './move-tracker.js';

export interface FrontDoorRoutingDeps {
  docker: Pick<DockerEngine, 'getService'> & TaskCalls;
  config: SignalboxConfig;
  clusters: ClusterSettings;
  /** What workers recorded as each cluster's live version (config jobs' Redis record). */
  liveVersions(): Promise<Map<string, LiveVersion>>;
  /** How many of the agents `hostnames` report running the stored config `name` (the rollout controller). */
  serving(cluster: string, name: string, hostnames: string[]): Promise<number | undefined>;
  /** The edge network's ID, once the leader made or found it. */
  edgeNetworkId(): string | undefined;
  /** The desired state in force and the snapshot it was built from. */
  view(): { desired: DesiredState | undefined; snapshot: SwarmSnapshot | undefined };
  /** Asks for a pass: a move may have moved on. */
  trigger(reason: 'agent' | 'moving'): void;
  log: Logger;
}

/**
 * Make before break between clusters, and the front door's side of every desired state: apps that move keep
 * their routes in the cluster they leave until the front door sends their hosts to the new one (which must
 * serve them on every replica first); the front door is handed its configs and host map for the hosts each
 * cluster should get now, and its agents' reports say which view they run.
 */
export class FrontDoorRouting {
  /** What the front door's agents are handed and what they report running. */
  private readonly door = new FrontDoorState();
  private readonly moves: MoveTracker;
  /** Host → the cluster the front door sends it to (see moving-hosts.ts), chosen with the desired state. */
  private chosen = new Map<string, string>();
  /** Cluster → the version (and config) every replica serves, as workers recorded it in Redis. */
  private liveVersionOf = new Map<string, LiveVersion>();
  private moveTimer: NodeJS.Timeout | undefined;
  /** Set by stop(): a pass still running then schedules no further look at moves. */
  private stopped = false;

  constructor(private readonly deps: FrontDoorRoutingDeps) {
    this.moves = new MoveTracker(deps.log);
  }

  stop(): void {
    this.stopped = true;
    if (this.moveTimer) clearTimeout(this.moveTimer);
  }

  /**
   * The desired state, with the routes of apps that move between clusters kept in the cluster they leave
   * until the front door sends their hosts to the new one, and the front door's choice for every host.
   */
  async desired(
    snapshot: SwarmSnapshot,
    previous: Assignment | undefined,
    certificates: CertificateVerdicts | undefined,
  ): Promise<DesiredState> {
    const latest = this.deps.view().desired;
    const planned = buildDesiredState(snapshot, this.deps.config, { previous, certificates });
    const views = this.door.views();
    // A service stays only where it was planned before, or kept while it moves.
    const wasIn = (service: string, cluster: string) =>
      latest?.plan.assignment[service] === cluster || this.moves.keeps(service, cluster);
    const keep = keepWhileMoving(planned, views, wasIn);
    const desired =
      keep.size > 0
        ? buildDesiredState(snapshot, this.deps.config, {
            previous: planned.plan.assignment,
            keep,
            certificates,
          })
        : planned;
    for (const c of desired.clusters) this.moves.rememberHosts(c);
    // What workers recorded as live matters only while something moves: no Redis read on other passes.
    if (keep.size > 0) {
      const live = await this.deps.liveVersions().catch(() => undefined);
      if (live) this.liveVersionOf = live;
    }
    const settled = new Set<string>();
    for (const service of keep.keys()) {
      const to = desired.plan.assignment[service];
      if (to !== undefined && !settled.has(to) && (await this.everyTaskServesLive(to))) settled.add(to);
    }
    this.chosen = frontDoorChoice(
      desired,
      (cluster, host) => settled.has(cluster) && this.serves(cluster, host),
      views,
      keep,
    );
    this.noteMoves(keep, desired);
    return desired;
  }

  /** Whether the version every replica of `cluster` runs (as workers recorded it) routes `host`. */
  private serves(cluster: string, host: string): boolean {
    const live = this.liveVersionOf.get(cluster);
    return live !== undefined && this.moves.routes(cluster, live.version, host);
  }

  /**
   * Whether every running task of the cluster's proxy runs its live config. A rollout is complete once the
   * desired number of replicas serve it, but a task Swarm is replacing (start-first) runs on with the old
   * config until its container stops, its desired state already `shutdown`: the front door's HTTP side drops
   * it then, its TLS side (Docker's DNS) only when the container stops. Proxies with agents say what they
   * run; without (no run-time targets) a task runs the config its template names.
   */
  private async everyTaskServesLive(cluster: string): Promise<boolean> {
    const live = this.liveVersionOf.get(cluster);
    if (!live) return false;
    const latest = this.deps.view().desired;
    const tasks = await serviceTasks(this.deps.docker, this.deps.clusters.proxyService(latest, cluster));
    const running = tasks.filter((t) => t.Status?.State === 'running');
    if (running.length === 0) return false;
    if (!latest?.clusters.find((c) => c.cluster === cluster)?.runtimeTargets)
      return running.every((t) => t.Spec?.ContainerSpec?.Configs?.[0]?.ConfigName === live.config);
    const hostnames = running.map(taskHostname);
    return (await this.deps.serving(cluster, live.config, hostnames)) === hostnames.length;
  }

  /** While an app moves, a pass looks again soon: the front door or the cluster it joins may have moved on. */
  private noteMoves(keep: Map<string, Set<string>>, desired: DesiredState): void {
    const delay = this.moves.note(keep, desired.plan.assignment);
    if (delay === undefined || this.moveTimer || this.stopped) return;
    this.moveTimer = setTimeout(() => {
      this.moveTimer = undefined;
      this.deps.trigger('moving');
    }, delay);
  }

  /**
   * A front door agent says what it runs: the version of its host map or the sha256 of its config. While
   * apps move, a new view starts a pass, which may let the cluster they left drop their routes.
   */
  report(agent: string, kind: 'hosts' | 'tls', id: string): void {
    // Rendered first, so a coordinator that just became leader knows the versions its own state renders to.
    if (kind === 'hosts') this.hosts();
    else this.tlsConfig();
    if (this.door.report(agent, kind, id) && this.moves.active) this.deps.trigger('agent');
  }

  /** The nginx.conf of the front door's HTTP instance, once there is a desired state. */
  httpConfig(): { text: string; sha: string } | undefined {
    return this.deps.view().desired ? this.door.httpConfig() : undefined;
  }

  /** The nginx.conf of the front door's TLS instance for the current desired state. */
  tlsConfig(): { text: string; sha: string } | undefined {
    const input = this.input();
    return input ? this.door.tlsConfig(input) : undefined;
  }

  /**
   * The front door's HTTP host map for the current desired state, with its version; undefined until this
   * coordinator knows the edge network (a standby that just took over, before its first pass as leader),
   * since a map without proxy addresses would turn every host away.
   */
  hosts(): { version: string; text: string } | undefined {
    const input = this.deps.edgeNetworkId() ? this.input() : undefined;
    return input ? this.door.hosts(input) : undefined;
  }

  private input(): FrontDoorInput | undefined {
    const desired = this.deps.view().desired;
    if (!desired) return undefined;
    return { desired, clusters: () => this.clusters(desired), chosen: this.chosen };
  }

  /**
   * Each cluster as the front door sees it: its proxy tasks' addresses on the edge network, and only the
   * hosts the front door sends to it now.
   */
  private clusters(desired: DesiredState) {
    return desired.clusters.map((c) => {
      const ext = this.deps.clusters.of(desired, c.cluster);
      const service = proxyServiceName(c.cluster, ext);
      const door = frontDoorCluster(c.model, {
        service,
        httpPort: ext.TargetPort,
        tlsPort: ext.TargetSSLPort,
        addresses: this.edgeAddresses(service),
      });
      const here = (h: string) => (this.chosen.get(h) ?? c.cluster) === c.cluster;
      return { ...door, hosts: door.hosts.filter(here), tlsHosts: door.tlsHosts.filter(here) };
    });
  }

  /**
   * The edge-network addresses of a proxy service's tasks that run and are meant to: a task Swarm is
   * stopping leaves the front door's rotation at once (it drains what it has), a new one joins once it runs.
   */
  private edgeAddresses(service: string): string[] {
    const edge = this.deps.edgeNetworkId();
    const snapshot = this.deps.view().snapshot;
    const id = snapshot?.services.find((s) => s.name === service)?.id;
    if (!edge || !snapshot || !id) return [];
    return snapshot.tasks
      .filter((t) => t.serviceId === id && t.state === 'running' && t.desiredState === 'running')
      .flatMap((t) => t.addresses.get(edge) ?? []);
  }
}
