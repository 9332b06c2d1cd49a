import { z } from 'zod';

const ConfigRef = z.object({ name: z.string().min(1), id: z.string().min(1) });

/**
 * What a cluster's rollout controller knows, kept in Redis so a new leader continues where the old one
 * stopped: the config the proxies should run and the one a revert goes back to, how Swarm rolls it out, when
 * the proxy's task template last changed (tasks older than that keep their config until Swarm replaces
 * them), and an agent's refusal that reverted it. `epoch` is the term of the leader that wrote it.
 */
export const RolloutRecord = z.object({
  epoch: z.number().int().nonnegative(),
  config: ConfigRef.optional(),
  previous: ConfigRef.optional(),
  policy: z
    .object({
      order: z.enum(['start-first', 'stop-first']),
      delayMs: z.number().nonnegative(),
      parallelism: z.number().int().positive(),
      monitorMs: z.number().nonnegative(),
    })
    .optional(),
  startedAt: z.number().nonnegative(),
  taskSpecAt: z.number().nonnegative().optional(),
  refusal: z.object({ config: z.string(), message: z.string() }).optional(),
});
export type RolloutRecord = z.infer<typeof RolloutRecord>;

/** Where rollout records live: one per cluster. */
export interface RolloutRecords {
  /** Every cluster's record; one that does not parse is left out and named in `invalid`. */
  load(): Promise<{ records: Map<string, RolloutRecord>; invalid: string[] }>;
  save(cluster: string, record: RolloutRecord): Promise<void>;
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
    const records = new Map<string, RolloutRecord>();
    const invalid: string[] = [];
    for (const [cluster, text] of Object.entries(await redis.hgetall(hash))) {
      const parsed = RolloutRecord.safeParse(parseJson(text));
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
