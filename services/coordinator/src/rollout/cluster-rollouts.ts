import type { Logger } from 'pino';
import { LogField } from '#shared/log/fields.js';
import { type ClusterRollout, noRollout } from '#shared/rollout/index.js';
import type { RolloutRecords } from './rollout-records.js';

export interface ClusterRolloutsDeps {
  lease: { readonly epoch: number };
  log: Logger;
  /** Where each cluster's rollout is kept for the next leader. */
  records: RolloutRecords;
}

/**
 * The rollout record (shared/src/rollout's ClusterRollout) of each cluster, kept for the rollout controller:
 * every step is written for the next leader, and a new leader takes over the records of the one before.
 */
export class ClusterRollouts {
  /** The one record of each cluster a rollout has touched; the only copy of rollout state in this leader. */
  private readonly records = new Map<string, ClusterRollout>();
  /** The leader term whose records have been read (see restore). */
  private restoredEpoch = -1;

  constructor(private readonly deps: ClusterRolloutsDeps) {}

  /**
   * Takes over the rollouts a previous leader recorded, once per term: which config each cluster's proxies
   * should run, the one before, the policy, an agent's refusal and when the task template last changed. A
   * record the old leader never wrote (it died first) leaves that cluster as Docker shows it: the proxy's
   * config label and task template, which the old leader did write. Returns the records taken over (none
   * when this term's were already read).
   */
  async restore(epoch: number): Promise<Map<string, ClusterRollout>> {
    if (this.restoredEpoch === epoch) return new Map();
    const { records, invalid } = await this.deps.records.load();
    if (invalid.length > 0)
      this.deps.log.warn(
        { clusters: invalid },
        'rollout records that do not parse; those clusters start afresh',
      );
    for (const [cluster, r] of records) this.records.set(cluster, r);
    this.restoredEpoch = epoch;
    if (records.size > 0) this.deps.log.info({ clusters: [...records.keys()], epoch }, 'rollouts taken over');
    return records;
  }

  get(cluster: string): ClusterRollout {
    return this.records.get(cluster) ?? noRollout(this.deps.lease.epoch);
  }

  /**
   * Takes one step: keeps the record it returns and writes it for the next leader. A Redis that fails costs
   * the next leader this memory, not the rollout.
   */
  async step(cluster: string, transition: (r: ClusterRollout) => ClusterRollout): Promise<void> {
    const record = transition(this.get(cluster));
    this.records.set(cluster, record);
    await this.deps.records.save(cluster, record).catch((e: Error) => {
      this.deps.log.warn({ [LogField.cluster]: cluster, err: e.message }, 'rollout record not saved');
    });
  }
}
