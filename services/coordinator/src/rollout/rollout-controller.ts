import type { Logger } from 'pino';
import { durationMs, type SignalboxConfig } from '#shared/config/index.js';
import type { DesiredState } from '#shared/desired/index.js';
import { SignalboxError } from '#shared/errors/index.js';
import type { Rollout } from '#shared/gen/signalbox/v1/Rollout.js';
import { CONFIG_LABEL, MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import { LogField } from '#shared/log/fields.js';
import type { SwarmSnapshot } from '#shared/swarm/index.js';
import { InPlaceGate } from '../agent/in-place-gate.js';
import type { ClusterSettings } from '../cluster-settings.js';
import { type ConfigCalls, type DockerEngine, serviceTasks, type TaskCalls } from '../docker/docker-api.js';
import type { RolloutRequest } from '../grpc/coordinator-handlers.js';
import type { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import type { ProxyReconcileResult } from '../proxy/proxy-service-manager.js';
import { defaultUpdateOrder, type RolloutPolicy } from '../proxy/proxy-service-spec.js';
import {
  agentRolloutStatus,
  type ProxyServiceState,
  taskHostname,
  templateRolloutStatus,
} from '../views/rollout-status.js';
import type { RolloutRecord, RolloutRecords } from './rollout-records.js';
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
 * Owns each cluster's rollouts: which stored config its proxies should run (live) and the one before it,
 * how Swarm rolls a new one out (policy), the pace of in-place applies replica by replica (InPlaceGate, from
 * what agents report), agents' refusals that revert a rollout, and the fence against a worker whose cluster
 * lock expired. The coordinator writes `live` and `policy` into the proxy specs (proxyInputs).
 */
export class RolloutController {
  /** Per cluster, the config its proxies should run, once a rollout named one. */
  private readonly live = new Map<string, { name: string; id: string }>();
  private readonly policies = new Map<string, RolloutPolicy>();
  /** Paces in-place config changes replica by replica, from what the proxies' agents report. */
  private readonly gate = new InPlaceGate();
  private readonly configs: StoredConfigs;
  /** Per cluster, the config its last rollout replaced and when that rollout started. */
  private readonly rollouts = new Map<
    string,
    { previous?: { name: string; id: string }; startedAt: number }
  >();
  /** When each cluster's proxy task template last changed: tasks created before run the old one. */
  private readonly taskSpecAt = new Map<string, number>();
  /** Per cluster, its proxy tasks' hostnames and creation times, read at most once a second. */
  private readonly proxyTaskTimes = new Map<string, { at: number; created: Map<string, number> }>();
  /** Per cluster, the highest cluster-lock token a rollout came with, in this leader's term (epoch). */
  private readonly lockTokens = new Map<string, { epoch: number; token: number }>();
  /** A config an agent refused (nginx -t failed in the proxy): the rollout is over, reverted. */
  private readonly refusals = new Map<string, { config: string; message: string }>();
  /** The leader term whose records this controller has read (see restore). */
  private restoredEpoch = -1;

  constructor(private readonly deps: RolloutControllerDeps) {
    this.configs = new StoredConfigs(deps.docker, deps.configNameKey, deps.log);
  }

  private get latest() {
    return this.deps.view().desired;
  }

  private get snapshot() {
    return this.deps.view().snapshot;
  }

  /**
   * Takes over the rollouts a previous leader recorded, once per term: which config each cluster's proxies
   * should run, the one before, the policy, an agent's refusal and when the task template last changed. A
   * record the old leader never wrote (it died first) leaves that cluster as Docker shows it: the proxy's
   * config label and task template, which the old leader did write.
   */
  async restore(epoch: number): Promise<void> {
    if (this.restoredEpoch === epoch) return;
    const { records, invalid } = await this.deps.records.load();
    if (invalid.length > 0)
      this.deps.log.warn(
        { clusters: invalid },
        'rollout records that do not parse; those clusters start afresh',
      );
    for (const [cluster, r] of records) {
      setOrDelete(this.live, cluster, r.config);
      setOrDelete(this.policies, cluster, r.policy);
      this.rollouts.set(cluster, { ...(r.previous ? { previous: r.previous } : {}), startedAt: r.startedAt });
      setOrDelete(this.taskSpecAt, cluster, r.taskSpecAt);
      setOrDelete(this.refusals, cluster, r.refusal);
    }
    this.restoredEpoch = epoch;
    if (records.size > 0) this.deps.log.info({ clusters: [...records.keys()], epoch }, 'rollouts taken over');
  }

  /** Writes the cluster's record; a Redis that fails costs the next leader this memory, not the rollout. */
  private async persist(cluster: string): Promise<void> {
    const rollout = this.rollouts.get(cluster);
    const config = this.live.get(cluster);
    const policy = this.policies.get(cluster);
    const taskSpecAt = this.taskSpecAt.get(cluster);
    const refusal = this.refusals.get(cluster);
    const record: RolloutRecord = {
      epoch: this.deps.lease.epoch,
      startedAt: rollout?.startedAt ?? 0,
      ...(config ? { config } : {}),
      ...(rollout?.previous ? { previous: rollout.previous } : {}),
      ...(policy ? { policy } : {}),
      ...(taskSpecAt !== undefined ? { taskSpecAt } : {}),
      ...(refusal ? { refusal } : {}),
    };
    await this.deps.records.save(cluster, record).catch((e: Error) => {
      this.deps.log.warn({ [LogField.cluster]: cluster, err: e.message }, 'rollout record not saved');
    });
  }

  /** What the cluster's proxy spec carries from its rollout: the config to run, and how to roll it out. */
  proxyInputs(cluster: string): { config?: { name: string; id: string }; policy?: RolloutPolicy } {
    const config = this.live.get(cluster);
    const policy = this.policies.get(cluster);
    return { ...(config ? { config } : {}), ...(policy ? { policy } : {}) };
  }

  /** The proxies were written at `updatedFrom`: note new task templates, and what Swarm rolled back. */
  async proxiesWritten(result: ProxyReconcileResult, updatedFrom: number): Promise<void> {
    for (const cluster of result.replaced) this.taskSpecAt.set(cluster, updatedFrom);
    for (const cluster of result.rolledBack) {
      // The config Swarm rolled back failed on the proxy; from now on the proxy's own (previous) config is live.
      if (this.live.delete(cluster))
        this.deps.log.warn({ [LogField.cluster]: cluster }, 'proxy rolled back; keeping its previous config');
      this.policies.delete(cluster);
    }
    for (const cluster of new Set([...result.replaced, ...result.rolledBack])) await this.persist(cluster);
  }

  /** How many of the agents `hostnames` report running the stored config `name`; undefined if it is gone. */
  async serving(cluster: string, name: string, hostnames: string[]): Promise<number | undefined> {
    const target = await this.configs.get(cluster, name);
    return target && this.gate.serving(cluster, target.sha, hostnames);
  }

  /** Stores a rendered config; a new one prunes the cluster's old ones but those still needed. */
  storeConfig(cluster: string, nginxConf: string) {
    return this.configs.store(cluster, nginxConf, async () => [
      this.live.get(cluster),
      this.rollouts.get(cluster)?.previous,
      await this.agentConfigRef(cluster),
    ]);
  }

  async startRollout(r: RolloutRequest): Promise<Rollout> {
    await this.restore(this.deps.lease.epoch);
    this.fenceLockHolder(r.cluster, r.lockToken);
    // Looked up afresh: the id goes into the proxy's spec, and another leader may have pruned and stored
    // the same text again since this one cached it.
    const found = await this.configs.get(r.cluster, r.configName, { fresh: true });
    if (!found)
      throw new SignalboxError('NOT_FOUND', `no stored config ${r.configName}`, {
        cluster: r.cluster,
        config: r.configName,
      });
    const previous = this.live.get(r.cluster) ?? (await this.agentConfigRef(r.cluster));
    this.rollouts.set(r.cluster, { ...(previous ? { previous } : {}), startedAt: Date.now() });
    this.refusals.delete(r.cluster);
    const config = { name: found.name, id: found.id };
    this.live.set(r.cluster, config);
    // UNSPECIFIED order and a zero delay mean "as the extension's config says".
    const ext = this.deps.clusters.of(this.latest, r.cluster);
    const configured = defaultUpdateOrder(ext, this.deps.config.FrontDoor.Enabled);
    this.policies.set(r.cluster, {
      order: r.order === 'STOP_FIRST' ? 'stop-first' : r.order === 'START_FIRST' ? 'start-first' : configured,
      delayMs: r.delayMs > 0 ? r.delayMs : durationMs(ext.ProxyUpdateDelay ?? '0s'),
      parallelism: Math.max(1, r.parallelism),
      monitorMs: r.monitorMs,
    });
    this.deps.log.info(
      {
        [LogField.cluster]: r.cluster,
        [LogField.config]: r.configName,
        order: this.policies.get(r.cluster)?.order,
      },
      'rollout started',
    );
    if (this.latest && this.snapshot) {
      const result = await this.deps.reconcileProxies();
      const refused = result.failed.find((f) => f.cluster === r.cluster);
      if (refused) {
        // Not started: agents go on being handed what they ran before.
        if (previous) this.live.set(r.cluster, previous);
        else this.live.delete(r.cluster);
        await this.persist(r.cluster);
        throw new SignalboxError(
          'PROXY_SPEC_REFUSED',
          `Docker refused the proxy spec of cluster ${r.cluster}: ${refused.error}`,
          { cluster: r.cluster, config: r.configName },
        );
      }
      await this.persist(r.cluster);
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
    const ref = this.live.get(cluster) ?? (await this.agentConfigRef(cluster));
    const target = ref ? await this.configs.get(cluster, ref.name) : undefined;
    if (!ref || !target) return undefined;
    if (this.gate.report(cluster, task, live, refused)) this.deps.metrics.proxyReloads.inc({ cluster });
    if (refused !== '' && refused === target.sha) {
      if (this.refusals.get(cluster)?.config !== ref.name && (await this.isProxyTask(cluster, task)))
        await this.revertRefused(cluster, task, ref.name);
      return 'wait';
    }
    if (live !== target.sha && (await this.startedBeforeTaskChange(cluster, task))) return 'wait';
    const ext = this.deps.clusters.of(this.latest, cluster);
    const policy = this.policies.get(cluster);
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
    const changedAt = this.taskSpecAt.get(cluster);
    if (changedAt === undefined) return false;
    let known = this.proxyTaskTimes.get(cluster);
    if (!known || Date.now() - known.at > 1_000) {
      const tasks = await serviceTasks(
        this.deps.docker,
        this.deps.clusters.proxyService(this.latest, cluster),
      );
      const created = new Map(tasks.map((t) => [taskHostname(t), Date.parse(t.CreatedAt ?? '')]));
      known = { at: Date.now(), created };
      this.proxyTaskTimes.set(cluster, known);
    }
    const created = known.created.get(task);
    return created !== undefined && created < changedAt;
  }

  /**
   * Whether `task` (an agent's hostname: the first 12 characters of its container's ID) is a task of the
   * cluster's proxy. A refusal reverts a rollout, so it counts only from one; asked only when one arrives.
   */
  private async isProxyTask(cluster: string, task: string): Promise<boolean> {
    const tasks = await serviceTasks(this.deps.docker, this.deps.clusters.proxyService(this.latest, cluster));
    const known = tasks.some((t) => taskHostname(t) === task);
    if (!known)
      this.deps.log.warn({ [LogField.cluster]: cluster, task }, 'refusal from no task of the proxy; ignored');
    return known;
  }

  /** An agent refused a config nginx -t passed on the worker: stop handing it out, go back to the previous one. */
  private async revertRefused(cluster: string, task: string, config: string): Promise<void> {
    if (this.refusals.get(cluster)?.config === config) return;
    const message = `the agent of proxy task ${task} refused config ${config} (nginx -t failed there); reverted`;
    this.refusals.set(cluster, { config, message });
    const previous = this.rollouts.get(cluster)?.previous;
    if (previous) this.live.set(cluster, previous);
    else this.live.delete(cluster);
    this.deps.metrics.rollouts.inc({ cluster, mode: 'reverted' });
    this.deps.log.error({ [LogField.cluster]: cluster, [LogField.config]: config, task }, message);
    await this.persist(cluster);
    this.deps.trigger('agent');
  }

  /**
   * A worker whose cluster lock expired (a long pause, a partition) may still be running the job; another
   * worker has taken the lock since, with a higher token. Its rollout is refused, so the two never
   * interleave. Tokens count from Redis, which may restart empty: they are compared within a leader's term
   * only (a new term starts with every token).
   */
  private fenceLockHolder(cluster: string, token: number): void {
    if (token === 0) return;
    const epoch = this.deps.lease.epoch;
    const seen = this.lockTokens.get(cluster);
    if (seen && seen.epoch === epoch && token < seen.token)
      throw new SignalboxError(
        'LOCK_SUPERSEDED',
        `cluster ${cluster}: a rollout under lock token ${seen.token} started after this one's ${token}; its lock has expired`,
        { cluster },
      );
    this.lockTokens.set(cluster, { epoch, token });
  }

  async rolloutStatus(cluster: string): Promise<Rollout> {
    const name = this.deps.clusters.proxyService(this.latest, cluster);
    const svc = (await this.deps.docker.getService(name).inspect()) as ProxyServiceState;
    const tasks = await serviceTasks(this.deps.docker, name, { running: true });
    // The label may lag while Swarm rolls tasks (see ProxyServiceManager); the leader's own record does not.
    const agentConfig = svc.Spec?.Labels?.[CONFIG_LABEL];
    if (agentConfig === undefined) return templateRolloutStatus(cluster, name, svc, tasks, Date.now());
    const configName = this.live.get(cluster)?.name ?? agentConfig;
    const target = await this.configs.get(cluster, configName);
    const hostnames = tasks.filter((t) => t.Status?.State === 'running').map(taskHostname);
    return agentRolloutStatus(
      cluster,
      svc,
      tasks,
      {
        configName,
        serving: target ? this.gate.serving(cluster, target.sha, hostnames) : 0,
        startedAt: this.rollouts.get(cluster)?.startedAt ?? 0,
        refusal: this.refusals.get(cluster),
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
    this.live.delete(cluster);
    await this.persist(cluster);
    return this.rolloutStatus(cluster);
  }
}

function setOrDelete<V>(map: Map<string, V>, key: string, value: V | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}
