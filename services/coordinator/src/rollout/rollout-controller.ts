import type { Logger } from 'pino';
import { durationMs, type SignalboxConfig } from '#shared/config/index.js';
import type { DesiredState } from '#shared/desired/index.js';
import { SignalboxError } from '#shared/errors/index.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import { CONFIG_LABEL, MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import { LogField } from '#shared/log/fields.js';
import {
  agentRolloutStatus,
  agentStep,
  type ConfigRef,
  InPlaceGate,
  rolloutTransitions as next,
  type ProxyServiceState,
  type RolloutPolicy,
  taskHostname,
  templateRolloutStatus,
} from '#shared/rollout/index.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import type { ClusterSettings } from '../cluster-settings.js';
import { type ConfigCalls, type DockerEngine, serviceTasks, type TaskCalls } from '../docker/docker-api.js';
import type { RolloutRequest } from '../grpc/coordinator-handlers.js';
import type { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import type { ProxyReconcileResult } from '../proxy/proxy-service-manager.js';
import { defaultUpdateOrder } from '../proxy/proxy-service-spec.js';
import { ClusterRollouts } from './cluster-rollouts.js';
import { LockFence } from './lock-fence.js';
import { ProxyTasks } from './proxy-tasks.js';
import type { RolloutRecords } from './rollout-records.js';
import { StoredConfigs } from './stored-configs.js';

/** In-place applies of one replica are at least this far apart, whatever the update delay: reloads are bounded. */
const MIN_RELOAD_INTERVAL_MS = 1_000;

export interface RolloutControllerDeps {
  docker: Pick<DockerEngine, 'getService'> & TaskCalls & ConfigCalls;
  config: SignalboxConfig;
  clusters: ClusterSettings;
  /** Keys the names of stored proxy configs (see proxy-configs.ts). */
  configNameKey: string;
  lease: { readonly epoch: number };
  metrics: CoordinatorMetrics;
  log: Logger;
  /** The coordinator's current desired state and the snapshot it was built from. */
  view(): { desired: DesiredState | undefined; snapshot: SwarmSnapshot | undefined };
  /** Writes every proxy service from the state in force, one write at a time (the coordinator's queue). */
  reconcileProxies(): Promise<ProxyReconcileResult>;
  /** Asks the coordinator for a pass. */
  trigger(reason: 'agent'): void;
  /** Where each cluster's rollout is kept for the next leader. */
  records: RolloutRecords;
}

/**
 * Drives each cluster's rollouts: keeps one record per cluster (ClusterRollouts: shared/src/rollout's
 * ClusterRollout, which config the proxies should run, the one before it, the policy, a refusal), steps it
 * through the pure transitions and persists every step for the next leader; paces in-place applies replica
 * by replica (InPlaceGate, from what agents report); fences a worker whose cluster lock expired (LockFence).
 * The coordinator writes the record's config and policy into the proxy specs (proxyInputs).
 */
export class RolloutController {
  private readonly rollouts: ClusterRollouts;
  /** Paces in-place config changes replica by replica, from what the proxies' agents report. */
  private readonly gate = new InPlaceGate();
  private readonly configs: StoredConfigs;
  private readonly tasks: ProxyTasks;
  private readonly fence = new LockFence();

  constructor(private readonly deps: RolloutControllerDeps) {
    this.rollouts = new ClusterRollouts(deps);
    this.configs = new StoredConfigs(deps.docker, deps.configNameKey, deps.log);
    this.tasks = new ProxyTasks(deps.docker);
  }

  private get latest() {
    return this.deps.view().desired;
  }

  private get snapshot() {
    return this.deps.view().snapshot;
  }

  /** Takes over the rollouts a previous leader recorded (see ClusterRollouts.restore), paced from now on. */
  async restore(epoch: number): Promise<void> {
    for (const [cluster, r] of await this.rollouts.restore(epoch))
      if (r.config) this.gate.resume(cluster, Date.now());
  }

  /** What the cluster's proxy spec carries from its rollout: the config to run, and how to roll it out. */
  proxyInputs(cluster: string): { config?: ConfigRef; policy?: RolloutPolicy } {
    const { config, policy } = this.rollouts.get(cluster);
    return { ...(config ? { config } : {}), ...(policy ? { policy } : {}) };
  }

  /** The proxies were written at `updatedFrom`: note new task templates, and what Swarm rolled back. */
  async proxiesWritten(result: ProxyReconcileResult, updatedFrom: number): Promise<void> {
    const epoch = this.deps.lease.epoch;
    for (const cluster of result.replaced)
      await this.rollouts.step(cluster, (r) => next.templateChanged(r, { epoch, at: updatedFrom }));
    for (const cluster of result.rolledBack) {
      // The config Swarm rolled back failed on the proxy; from now on the proxy's own (previous) config is live.
      if (this.rollouts.get(cluster).config)
        this.deps.log.warn({ [LogField.cluster]: cluster }, 'proxy rolled back; keeping its previous config');
      await this.rollouts.step(cluster, (r) => next.swarmRolledBack(r, epoch));
    }
  }

  /** How many of the agents `hostnames` report running the stored config `name`; undefined if it is gone. */
  async serving(cluster: string, name: string, hostnames: string[]): Promise<number | undefined> {
    const target = await this.configs.get(cluster, name);
    return target && this.gate.serving(cluster, target.sha, hostnames);
  }

  /** Stores a rendered config; a new one prunes the cluster's old ones but those still needed. */
  storeConfig(cluster: string, nginxConf: string) {
    return this.configs.store(cluster, nginxConf, async () => [
      this.rollouts.get(cluster).config,
      this.rollouts.get(cluster).previous,
      await this.agentConfigRef(cluster),
    ]);
  }

  async startRollout(r: RolloutRequest): Promise<Rollout> {
    await this.restore(this.deps.lease.epoch);
    this.fence.admit(r.cluster, r.lockToken, this.deps.lease.epoch);
    // Looked up afresh: the id goes into the proxy's spec, and another leader may have pruned and stored
    // the same text again since this one cached it.
    const found = await this.configs.get(r.cluster, r.configName, { fresh: true });
    if (!found)
      throw new SignalboxError('NOT_FOUND', `no stored config ${r.configName}`, {
        cluster: r.cluster,
        config: r.configName,
      });
    const previous = this.rollouts.get(r.cluster).config ?? (await this.agentConfigRef(r.cluster));
    // UNSPECIFIED order and a zero delay mean "as the extension's config says".
    const ext = this.deps.clusters.of(this.latest, r.cluster);
    const configured = defaultUpdateOrder(ext, this.deps.config.FrontDoor.Enabled);
    const policy: RolloutPolicy = {
      order: r.order === 'STOP_FIRST' ? 'stop-first' : r.order === 'START_FIRST' ? 'start-first' : configured,
      delayMs: r.delayMs > 0 ? r.delayMs : durationMs(ext.ProxyUpdateDelay ?? '0s'),
      parallelism: Math.max(1, r.parallelism),
      monitorMs: r.monitorMs,
    };
    const epoch = this.deps.lease.epoch;
    const config = { name: found.name, id: found.id };
    // Recorded before the spec is written: a leader that dies in between leaves its successor the rollout.
    await this.rollouts.step(r.cluster, (x) =>
      next.started(x, { epoch, config, previous, policy, at: Date.now() }),
    );
    this.deps.log.info(
      { [LogField.cluster]: r.cluster, [LogField.config]: r.configName, order: policy.order },
      'rollout started',
    );
    if (this.latest && this.snapshot) {
      const result = await this.deps.reconcileProxies();
      const refused = result.failed.find((f) => f.cluster === r.cluster);
      if (refused) {
        // Not started: agents go on being handed what they ran before.
        await this.rollouts.step(r.cluster, (x) => next.notStarted(x, epoch));
        throw new SignalboxError(
          'PROXY_SPEC_REFUSED',
          `Docker refused the proxy spec of cluster ${r.cluster}: ${refused.error}`,
          { cluster: r.cluster, config: r.configName },
        );
      }
      const mode = result.inPlace.includes(r.cluster) ? 'in_place' : 'replace';
      this.deps.metrics.rollouts.inc({ cluster: r.cluster, mode });
      this.deps.log.info(
        { [LogField.cluster]: r.cluster, [LogField.config]: r.configName, mode },
        'rollout mode',
      );
    }
    return this.rolloutStatus(r.cluster);
  }

  /** The config object an agent-run proxy is meant to run, from its label (survives a change of leader). */
  private async agentConfigRef(cluster: string): Promise<{ name: string; id: string } | undefined> {
    const proxy = this.snapshot?.services.find(
      (s) => s.name === this.deps.clusters.proxyService(this.latest, cluster),
    );
    const name = proxy?.labels[CONFIG_LABEL];
    if (!name) return undefined;
    const found = await this.configs.get(cluster, name);
    return found ? { name: found.name, id: found.id } : undefined;
  }

  /**
   * What a proxy's agent should run now: the cluster's newest config when this task's turn has come (see
   * InPlaceGate), 'wait' otherwise, undefined when the cluster has no config yet. Every call records what the
   * agent reported: the sha256 of its live config and of a config it refused.
   */
  async agentConfig(
    cluster: string,
    task: string,
    live: string,
    refused: string,
  ): Promise<{ text: string; sha: string } | 'wait' | undefined> {
    if (!this.latest?.clusters.some((c) => c.cluster === cluster)) return undefined;
    await this.restore(this.deps.lease.epoch);
    const record = this.rollouts.get(cluster);
    const ref = record.config ?? (await this.agentConfigRef(cluster));
    const target = ref ? await this.configs.get(cluster, ref.name) : undefined;
    if (!ref || !target) return undefined;
    if (this.gate.report(cluster, task, live, refused)) this.deps.metrics.proxyReloads.inc({ cluster });
    // Docker is asked about the task only when the answer can matter.
    const predatesTemplate =
      live !== target.sha && refused !== target.sha && (await this.startedBeforeTaskChange(cluster, task));
    const step = agentStep(record, { name: ref.name, sha: target.sha }, { live, refused, predatesTemplate });
    if (step === 'revert' && (await this.isProxyTask(cluster, task)))
      await this.revertRefused(cluster, task, ref.name);
    if (step !== 'take') return 'wait';
    const ext = this.deps.clusters.of(this.latest, cluster);
    const policy = record.policy;
    const delayMs = policy?.delayMs ?? durationMs(ext.ProxyUpdateDelay ?? '0s');
    return this.gate.mayApply(cluster, task, target.sha, {
      parallelism: policy?.parallelism ?? 1,
      delayMs: Math.max(delayMs, MIN_RELOAD_INTERVAL_MS),
    })
      ? target
      : 'wait';
  }

  /**
   * Whether a proxy task predates its cluster's latest task template: Swarm is replacing it, and it may lack
   * a network the new config's routes need, so it keeps its config until it stops.
   */
  private async startedBeforeTaskChange(cluster: string, task: string): Promise<boolean> {
    const changedAt = this.rollouts.get(cluster).taskSpecAt;
    if (changedAt === undefined) return false;
    return this.tasks.createdBefore(this.deps.clusters.proxyService(this.latest, cluster), task, changedAt);
  }

  /** A refusal reverts a rollout, so it counts only from a task of the cluster's proxy. */
  private async isProxyTask(cluster: string, task: string): Promise<boolean> {
    const known = await this.tasks.isTaskOf(this.deps.clusters.proxyService(this.latest, cluster), task);
    if (!known)
      this.deps.log.warn({ [LogField.cluster]: cluster, task }, 'refusal from no task of the proxy; ignored');
    return known;
  }

  /** An agent refused a config nginx -t passed on the worker: stop handing it out, go back to the previous one. */
  private async revertRefused(cluster: string, task: string, config: string): Promise<void> {
    // Two agents may report the same refusal at once; the rollout is reverted once.
    if (this.rollouts.get(cluster).refusal?.config === config) return;
    const message = `the agent of proxy task ${task} refused config ${config} (nginx -t failed there); reverted`;
    const epoch = this.deps.lease.epoch;
    await this.rollouts.step(cluster, (r) => next.refused(r, { epoch, config, message }));
    this.deps.metrics.rollouts.inc({ cluster, mode: 'reverted' });
    this.deps.log.error({ [LogField.cluster]: cluster, [LogField.config]: config, task }, message);
    this.deps.trigger('agent');
  }

  async rolloutStatus(cluster: string): Promise<Rollout> {
    const name = this.deps.clusters.proxyService(this.latest, cluster);
    const svc = (await this.deps.docker.getService(name).inspect()) as ProxyServiceState;
    const tasks = await serviceTasks(this.deps.docker, name, { running: true });
    // The label may lag while Swarm rolls tasks (see ProxyServiceManager); the leader's own record does not.
    const agentConfig = svc.Spec?.Labels?.[CONFIG_LABEL];
    if (agentConfig === undefined) return templateRolloutStatus(cluster, name, svc, tasks, Date.now());
    const record = this.rollouts.get(cluster);
    const configName = record.config?.name ?? agentConfig;
    const target = await this.configs.get(cluster, configName);
    const hostnames = tasks.filter((t) => t.Status?.State === 'running').map(taskHostname);
    return agentRolloutStatus(
      cluster,
      svc,
      tasks,
      {
        configName,
        serving: target ? this.gate.serving(cluster, target.sha, hostnames) : 0,
        startedAt: record.startedAt,
        refusal: record.refusal,
      },
      Date.now(),
    );
  }

  async rollback(cluster: string): Promise<Rollout> {
    const service = this.deps.docker.getService(this.deps.clusters.proxyService(this.latest, cluster));
    const current = await service.inspect();
    if (current.Spec?.Labels?.[MANAGED_LABEL] !== MANAGED_VALUE) {
      throw new SignalboxError('NOT_MANAGED', `service ${current.Spec?.Name} is not managed by Signalbox`, {
        cluster,
      });
    }
    await service.update({ ...current.Spec, version: current.Version.Index, rollback: 'previous' });
    await this.rollouts.step(cluster, (r) => next.operatorRolledBack(r, this.deps.lease.epoch));
    return this.rolloutStatus(cluster);
  }
}
