import { agentConfigPath, targetsPath } from '#shared/agent/agent-protocol.js';
import type { SignalboxConfig } from '#shared/config/index.js';
import type { DesiredCluster, DesiredState } from '#shared/desired/index.js';
import { CLUSTER_LABEL } from '#shared/labels/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import type { ClusterSettings } from '../cluster-settings.js';
import { StaleLeaderError } from '../queue/leader-lease.js';
import type { RolloutController } from '../rollout/rollout-controller.js';
import {
  type EdgeDocker,
  type EdgePrerequisites,
  ensureAgentTokenSecret,
  ensureEdgePrerequisites,
} from './edge-prerequisites.js';
import { FRONT_DOOR_CLUSTER, frontDoorServiceSpec } from './front-door-spec.js';
import type { ProxyReconcileResult, ProxyServiceManager } from './proxy-service-manager.js';
import type { ProxyInputs } from './proxy-service-spec.js';

export interface ProxyWriterDeps {
  docker: EdgeDocker;
  proxies: Pick<ProxyServiceManager, 'reconcile'>;
  lease: { readonly epoch: number; stepDown(reason: string): void };
  config: SignalboxConfig;
  /** The agents' read-only tokens: the front door's, and one per cluster (see CoordinatorDeps). */
  agentTokens: { frontDoor: string; cluster: (cluster: string) => string };
  clusters: ClusterSettings;
  rollout: Pick<RolloutController, 'proxyInputs' | 'proxiesWritten'>;
}

/** The state to write proxies from, read when a write's turn comes. */
export type ProxyState = () => { desired: DesiredState | undefined; snapshot: SwarmSnapshot | undefined };

/**
 * Writes the proxy services (one per cluster, and the front door) from a desired state: their networks,
 * secrets, agent settings and the rollout's config and policy. Passes and rollouts both write them; one at
 * a time, since two updates of a service from the same version make Docker refuse the second ("update out
 * of sequence"). It also owns what those specs need made first: the edge network, the front door's and each
 * cluster's agent token secret, found or made once and again after an error.
 */
export class ProxyWriter {
  private edge: EdgePrerequisites | undefined;
  /** Each cluster's agent token secret, found or made once (again after an error). */
  private readonly agentSecrets = new Map<string, { name: string; id: string }>();
  /** The epoch this coordinator has written on Docker (its term is marked; see Coordinator.servesAgents). */
  private markedEpoch = -1;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ProxyWriterDeps) {}

  /** The edge network's ID, once known; the front door's host map needs the proxies' addresses on it. */
  get edgeNetworkId(): string | undefined {
    return this.edge?.networkId;
  }

  /** Whether this coordinator's current term is marked on Docker. */
  termMarked(): boolean {
    return this.markedEpoch === this.deps.lease.epoch;
  }

  /** The edge network and the front door's token secret, found or made once; none without a front door. */
  async edgePrerequisites(): Promise<EdgePrerequisites | undefined> {
    const frontDoor = this.deps.config.FrontDoor;
    if (!frontDoor.Enabled) return undefined;
    this.edge ??= await ensureEdgePrerequisites(this.deps.docker, frontDoor, this.deps.agentTokens.frontDoor);
    return this.edge;
  }

  /** Queues a write; it writes the state `state` gives when its turn comes, not an older one seen while waiting. */
  write(state: ProxyState): Promise<ProxyReconcileResult> {
    const run = this.busy.then(() => {
      const { desired, snapshot } = state();
      if (!desired || !snapshot) throw new Error('no desired state yet');
      return this.writeNow(desired, snapshot);
    });
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async writeNow(desired: DesiredState, snapshot: SwarmSnapshot): Promise<ProxyReconcileResult> {
    const edge = await this.edgePrerequisites();
    const others = edge
      ? [
          {
            cluster: FRONT_DOOR_CLUSTER,
            spec: frontDoorServiceSpec({
              settings: this.deps.config.FrontDoor,
              networkId: edge.networkId,
              tokenSecret: edge.tokenSecret,
            }),
          },
        ]
      : [];
    // Before the updates: the tasks they create are younger than this, the tasks they replace older.
    const updatedFrom = Date.now();
    const inputs: ProxyInputs[] = [];
    for (const c of desired.clusters)
      inputs.push(this.inputs(desired, c, snapshot, edge, await this.agentSecret(desired, c, edge)));
    const result = await this.deps.proxies
      .reconcile(inputs, others, this.deps.lease.epoch)
      .catch((e: unknown) => {
        if (e instanceof StaleLeaderError) this.deps.lease.stepDown(e.message);
        // The edge network or a token secret may have been removed behind our back; look again next time.
        this.forgetPrerequisites();
        throw e;
      });
    // As above: a secret a refused spec names may be gone. The other clusters' proxies were written, so one
    // cluster's refused spec holds back no one else.
    if (result.failed.length > 0) this.forgetPrerequisites();
    if (result.termMarked) this.markedEpoch = this.deps.lease.epoch;
    await this.deps.rollout.proxiesWritten(result, updatedFrom);
    return result;
  }

  private forgetPrerequisites(): void {
    this.edge = undefined;
    this.agentSecrets.clear();
  }

  /** The secret with the cluster's own agent token, for a proxy whose agents talk to us; none otherwise. */
  private async agentSecret(
    desired: DesiredState,
    c: DesiredCluster,
    edge?: EdgePrerequisites,
  ): Promise<{ name: string; id: string } | undefined> {
    if (!edge || !c.runtimeTargets) return undefined;
    const known = this.agentSecrets.get(c.cluster);
    if (known) return known;
    const ext = this.deps.clusters.of(desired, c.cluster);
    const secret = await ensureAgentTokenSecret(this.deps.docker, this.deps.agentTokens.cluster(c.cluster), {
      ...ext.ProxyLabels,
      [CLUSTER_LABEL]: c.cluster,
    });
    this.agentSecrets.set(c.cluster, secret);
    return secret;
  }

  private inputs(
    desired: DesiredState,
    c: DesiredCluster,
    snapshot: SwarmSnapshot,
    edge?: EdgePrerequisites,
    tokenSecret?: { name: string; id: string },
  ): ProxyInputs {
    // Only a cluster's own extension adds fixed networks; the default one's settings do not.
    const byName = new Map(snapshot.networks.map((n) => [n.name, n.id]));
    const extra = (this.deps.clusters.configured(desired, c.cluster)?.Networks ?? [])
      .map((name) => byName.get(name))
      .filter((id): id is string => id !== undefined);
    const secrets = c.model.secrets
      .map((name) => ({ name, id: snapshot.secrets?.get(name) ?? '' }))
      .filter((s) => s.id !== '');
    const inputs: ProxyInputs = {
      cluster: c.cluster,
      ext: this.deps.clusters.of(desired, c.cluster),
      networkIds: [...c.model.networks.map((n) => n.id), ...extra, ...(edge ? [edge.networkId] : [])],
      secrets,
      behindFrontDoor: edge !== undefined,
    };
    if (tokenSecret) {
      inputs.agent = {
        targetsUrl: new URL(targetsPath(c.cluster), this.deps.config.FrontDoor.ConfigURL).href,
        configUrl: new URL(agentConfigPath(c.cluster), this.deps.config.FrontDoor.ConfigURL).href,
        tokenSecret,
      };
    }
    return { ...inputs, ...this.deps.rollout.proxyInputs(c.cluster) };
  }
}
