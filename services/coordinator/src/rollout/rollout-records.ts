import { ClusterRollout } from '#shared/rollout/index.js';

/** Where rollout records live: one per cluster. */
export interface RolloutRecords {
  /** Every cluster's record; one that does not parse is left out and named in `invalid`. */
  load(): Promise<{ records: Map<string, ClusterRollout>; invalid: string[] }>;
  save(cluster: string, record: ClusterRollout): Promise<void>;
}

/** Records in one Redis hash, a field per cluster. */
export const redisRolloutRecords = (
  redis: {
    hgetall(key: string): Promise<Record<string, string>>;
    hset(key: string, field: string, value: string): Promise<unknown>;
  },
  hash: string,
): RolloutRecords => ({
  async load() {
    const records = new Map<string, ClusterRollout>();
    const invalid: string[] = [];
    for (const [cluster, text] of Object.entries(await redis.hgetall(hash))) {
      const parsed = ClusterRollout.safeParse(parseJson(text));
      if (parsed.success) records.set(cluster, parsed.data);
      else invalid.push(cluster);
    }
    return { records, invalid };
  },
  async save(cluster, record) {
    await redis.hset(hash, cluster, JSON.stringify(record));
  },
});

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
