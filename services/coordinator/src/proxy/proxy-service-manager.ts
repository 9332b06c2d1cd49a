import type { Logger } from 'pino';
import { stateVolumeName } from '#shared/agent/agent-protocol.js';
import {
  CLUSTER_LABEL,
  DEFAULT_INSTALLATION,
  EPOCH_LABEL,
  INSTALLATION_LABEL,
  MANAGED_LABEL,
  MANAGED_VALUE,
  SPEC_LABEL,
  TASK_SPEC_LABEL,
} from '#shared/labels/index.js';
import { LogField } from '#shared/log/fields.js';
import {
  type DockerEngine,
  type EngineServiceInfo,
  engineFilters,
  type ServiceCalls,
} from '../docker/docker-api.js';
import { StaleLeaderError } from '../queue/leader-lease.js';
import {
  type ProxyInputs,
  proxyServiceName,
  proxyServiceSpec,
  warmServiceSpec,
} from './proxy-service-spec.js';

export interface ProxyReconcileResult {
  /** With an epoch: a service carries it now (see markTerm). */
  termMarked?: boolean;
  created: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
  /** Proxies not created because a service Signalbox does not own already has the name. */
  refused: string[];
  /** Clusters whose proxy Swarm rolled back (or is rolling back): their last rollout must not be re-applied. */
  rolledBack: string[];
  /** Clusters whose new config goes to their agents in place: the task template did not change. */
  inPlace: string[];
  /** Clusters whose task template changed: Swarm replaces their proxy tasks. */
  replaced: string[];
  /** Clusters whose proxy spec Docker refused (4xx); the others were still written, theirs is left as it was. */
  failed: { cluster: string; error: string }[];
}

export const emptyReconcileResult = (): ProxyReconcileResult => ({
  created: [],
  updated: [],
  removed: [],
  unchanged: [],
  refused: [],
  rolledBack: [],
  inPlace: [],
  replaced: [],
  failed: [],
});

/**
 * Docker refused this one spec (a secret or config it names is gone, a port is taken): an error of the
 * cluster, not of the pass. An engine that does not answer, or fails inside (5xx), fails the whole pass.
 */
const refusedSpec = (e: unknown): boolean => {
  const status = (e as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/** A proxy keeps the config it runs until a rollout names another, even across coordinator restarts. */
function liveConfigOf(svc: EngineServiceInfo | undefined): Pick<ProxyInputs, 'config'> {
  const configs = (
    svc?.Spec?.TaskTemplate as
      | { ContainerSpec?: { Configs?: { ConfigID: string; ConfigName: string }[] } }
      | undefined
  )?.ContainerSpec?.Configs;
  const first = configs?.[0];
  return first ? { config: { name: first.ConfigName, id: first.ConfigID } } : {};
}

type DockerServices = ServiceCalls & Pick<DockerEngine, 'getVolume'>;

/** The epoch a managed service's labels carry, 0 when none (written before epochs, or by a tool). */
export const epochOf = (labels: Readonly<Record<string, string>> | undefined): number =>
  Number.parseInt(labels?.[EPOCH_LABEL] ?? '0', 10) || 0;

/**
 * Owns one Swarm service per service cluster: creates it, updates it when its spec changes (networks,
 * secrets, config, settings), and removes it with its cluster. Services without Signalbox's label are never
 * touched, even when their name collides with a proxy's.
 */
export class ProxyServiceManager {
  /** The epoch of the reconcile in progress (see reconcile). */
  private epoch: number | undefined;
  /** State volumes of removed proxies, to remove from this node once no container holds them. */
  private readonly staleVolumes = new Set<string>();

  constructor(
    private readonly docker: DockerServices,
    private readonly log: Logger,
    private readonly installation = DEFAULT_INSTALLATION,
  ) {}

  private owns(svc: EngineServiceInfo): boolean {
    return (svc.Spec?.Labels?.[INSTALLATION_LABEL] ?? DEFAULT_INSTALLATION) === this.installation;
  }

  /** `others`: further managed services (the front door) to create or update with the proxies, and keep. */
  /**
   * `epoch`: the leader's fencing token. Every service it writes carries it, and it writes none that carries
   * a newer one (StaleLeaderError): a coordinator that lost the lease without knowing it cannot overwrite
   * what the new leader wrote. Without it (tools, tests of other parts) no epoch is written or checked.
   */
  async reconcile(
    desired: ProxyInputs[],
    others: { cluster: string; spec: Record<string, unknown> }[] = [],
    epoch?: number,
  ): Promise<ProxyReconcileResult> {
    const result = emptyReconcileResult();
    const managed = await this.docker.listServices(
      engineFilters({ label: [`${MANAGED_LABEL}=${MANAGED_VALUE}`] }),
    );
    // Another installation's services are left alone, even one whose name one of ours would take.
    const byName = new Map(managed.filter((s) => this.owns(s)).map((s) => [s.Spec?.Name ?? '', s]));
    if (epoch !== undefined) {
      const newest = Math.max(0, ...[...byName.values()].map((svc) => epochOf(svc.Spec?.Labels)));
      if (newest > epoch) throw new StaleLeaderError(epoch, newest);
    }
    this.epoch = epoch;
    const wanted = new Set<string>();
    for (const wantedInputs of desired) {
      const existingProxy = byName.get(proxyServiceName(wantedInputs.cluster, wantedInputs.ext));
      const inputs = this.inPlaceInputs(wantedInputs, existingProxy, result);
      const specs = [proxyServiceSpec(inputs)];
      if (inputs.ext.WarmNetworks && inputs.ext.ProxyReplicas > 0) specs.push(warmServiceSpec(inputs));
      // All named first: a cluster whose update fails keeps its services as they are.
      for (const spec of specs) wanted.add(spec.Name as string);
      try {
        for (const spec of specs) {
          const applied = await this.apply(spec, byName.get(spec.Name as string), inputs.cluster, result);
          if (!applied) break;
        }
      } catch (e) {
        if (!refusedSpec(e)) throw e;
        const error = e instanceof Error ? e.message : String(e);
        this.log.error({ [LogField.cluster]: inputs.cluster, err: error }, 'Docker refused the proxy spec');
        result.failed.push({ cluster: inputs.cluster, error });
      }
    }
    for (const { cluster, spec } of others) {
      wanted.add(spec.Name as string);
      await this.apply(spec, byName.get(spec.Name as string), cluster, result);
    }
    if (epoch !== undefined) await this.markTerm(epoch, byName, result);
    for (const [name, svc] of byName) {
      if (wanted.has(name)) continue;
      await this.docker.getService(svc.ID).remove();
      this.log.info(
        { [LogField.cluster]: svc.Spec?.Labels?.[CLUSTER_LABEL], [LogField.service]: name },
        'removed proxy service',
      );
      result.removed.push(name);
      this.staleVolumes.add(stateVolumeName(name));
    }
    await this.sweepStateVolumes();
    return result;
  }

  /**
   * Removes the state volumes of removed proxies on this node once their containers are gone (Docker
   * refuses before, 409; a service that had none answers 404). Other nodes keep theirs, a few kilobytes
   * each, until an operator prunes volumes there: only their own engine can remove them.
   */
  private async sweepStateVolumes(): Promise<void> {
    for (const name of this.staleVolumes) {
      const status = await this.docker
        .getVolume(name)
        .remove()
        .then(() => 200)
        .catch((e: { statusCode?: number }) => e.statusCode ?? 0);
      if (status === 200 || status === 404) this.staleVolumes.delete(name);
    }
  }

  /**
   * A proxy with an agent keeps the config baked into its task template when only the config changes: the
   * agents apply the new one (named by a label) in place. Any other change to the task template (a network,
   * a secret, a port, a setting) replaces the tasks, which then start on the new config.
   */
  private inPlaceInputs(
    wanted: ProxyInputs,
    existing: EngineServiceInfo | undefined,
    result: ProxyReconcileResult,
  ): ProxyInputs {
    const baked = liveConfigOf(existing);
    if (!wanted.config) return { ...wanted, ...baked };
    if (!wanted.agent || !existing || !baked.config) return wanted;
    const keep = { ...wanted, ...baked, agentConfig: wanted.config.name };
    const sameTasks =
      (proxyServiceSpec(keep).Labels as Record<string, string>)[TASK_SPEC_LABEL] ===
      existing.Spec?.Labels?.[TASK_SPEC_LABEL];
    if (!sameTasks) return wanted;
    if (baked.config.name !== wanted.config.name) result.inPlace.push(wanted.cluster);
    return keep;
  }

  /** Creates or updates one managed service; false when its name belongs to a service Signalbox does not own. */
  private async apply(
    spec: Record<string, unknown>,
    existing: EngineServiceInfo | undefined,
    cluster: string,
    result: ProxyReconcileResult,
  ): Promise<boolean> {
    const name = spec.Name as string;
    const log = this.log.child({ [LogField.cluster]: cluster, [LogField.service]: name });
    const labels = (spec.Labels ?? {}) as Record<string, string>;
    labels[INSTALLATION_LABEL] = this.installation;
    // Not part of the spec hash: a new leader does not rewrite every service only to mark it.
    if (this.epoch !== undefined) labels[EPOCH_LABEL] = String(this.epoch);
    spec.Labels = labels;
    if (!existing) {
      if (await this.nameTaken(name)) {
        log.error('a service that Signalbox does not own has this name; not touching it');
        result.refused.push(name);
        return false;
      }
      await this.docker.createService(spec);
      log.info('created service');
      result.created.push(name);
      return true;
    }
    const updateState = existing.UpdateStatus?.State ?? '';
    if (updateState.startsWith('rollback')) result.rolledBack.push(cluster);
    // During rollback_started Swarm is restoring the previous spec; writing ours now would fight it.
    if (updateState === 'rollback_started' || existing.Spec?.Labels?.[SPEC_LABEL] === labels[SPEC_LABEL]) {
      result.unchanged.push(name);
      return true;
    }
    // A change that leaves the tasks alone (labels, replicas, update policy) waits while Swarm rolls tasks:
    // a new spec version restarts its rolling update, and a start-first one then stops the old tasks before
    // the new ones run. The next pass (Swarm reports the update's end as an event) applies it.
    if (updateState === 'updating' && existing.Spec?.Labels?.[TASK_SPEC_LABEL] === labels[TASK_SPEC_LABEL]) {
      result.unchanged.push(name);
      return true;
    }
    await this.docker.getService(existing.ID).update({ ...spec, version: existing.Version?.Index });
    if (existing.Spec?.Labels?.[TASK_SPEC_LABEL] !== labels[TASK_SPEC_LABEL]) result.replaced.push(cluster);
    log.info('updated service');
    result.updated.push(name);
    return true;
  }

  /**
   * Writes the leader's epoch on Docker once per term, on one service it did not otherwise write: a leader
   * whose Redis restarted empty takes its next epoch above every epoch on Docker, so it outranks every
   * leader whose configs agents have taken (a leader hands out configs only once its term is marked).
   */
  private async markTerm(
    epoch: number,
    byName: Map<string, EngineServiceInfo>,
    result: ProxyReconcileResult,
  ): Promise<void> {
    result.termMarked = [...byName.values()].some((s) => epochOf(s.Spec?.Labels) === epoch);
    if (result.termMarked) return;
    if (byName.size === 0) {
      // Nothing on Docker yet, so no agent has taken a config from anyone; the services created carry it.
      result.termMarked = true;
      return;
    }
    const written = new Set([...result.created, ...result.updated]);
    if (written.size > 0) {
      result.termMarked = true;
      return;
    }
    // A label-only update restarts a rolling update in progress: mark an idle service, or wait a pass.
    const idle = [...byName.values()]
      .filter((s) => s.UpdateStatus?.State !== 'updating' && !s.UpdateStatus?.State?.startsWith('rollback'))
      .sort((a, b) => ((a.Spec?.Name ?? '') < (b.Spec?.Name ?? '') ? -1 : 1))[0];
    if (!idle?.Spec) return;
    const spec = { ...idle.Spec, Labels: { ...idle.Spec.Labels, [EPOCH_LABEL]: String(epoch) } };
    await this.docker.getService(idle.ID).update({ ...spec, version: idle.Version?.Index });
    this.log.info({ [LogField.service]: idle.Spec.Name, epoch }, 'marked the leader term');
    result.termMarked = true;
  }

  private async nameTaken(name: string): Promise<boolean> {
    return (
      (await this.docker
        .getService(name)
        .inspect()
        .catch(() => undefined)) !== undefined
    );
  }
}
