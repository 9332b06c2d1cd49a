import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  /** Increases with every acquisition of this cluster's lock: a fencing token for whoever checks it. */
  token: number;
  release: () => Promise<void>;
}

/**
 * One rollout per cluster across all workers: a Redis key per cluster, taken with SET NX PX and kept alive
 * while the rollout runs. A worker that dies stops renewing, so the lock frees itself after `ttlMs`.
 */
export class ClusterLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
  ) {}

  async tryAcquire(cluster: string, owner: string): Promise<HeldLock | undefined> {
    const key = `${this.prefix}:rollout-lock:${cluster}`;
    const taken = await this.redis.set(key, owner, 'PX', this.ttlMs, 'NX');
    if (taken !== 'OK') return undefined;
    const token = await this.redis.incr(`${key}:fence`);
    const renew = setInterval(
      () => void this.redis.eval(EXTEND, 1, key, owner, String(this.ttlMs)),
      Math.floor(this.ttlMs / 3),
    );
    return {
      token,
      release: async () => {
        clearInterval(renew);
        await this.redis.eval(RELEASE, 1, key, owner);
      },
    };
  }
}
