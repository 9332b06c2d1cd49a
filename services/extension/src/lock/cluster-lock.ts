import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

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
    private readonly log?: Logger,
  ) {}

  async tryAcquire(cluster: string, owner: string): Promise<HeldLock | undefined> {
    const key = `${this.prefix}:rollout-lock:${cluster}`;
    const taken = await this.redis.set(key, owner, 'PX', this.ttlMs, 'NX');
    if (taken !== 'OK') return undefined;
    const token = await this.redis.incr(`${key}:fence`);
    // A renewal runs on a timer, outside any caller's await: its failure (Redis gone, lock already expired)
    // is logged here, because an unhandled rejection would take the whole worker down.
    const renew = setInterval(
      () => {
        this.redis.eval(EXTEND, 1, key, owner, String(this.ttlMs)).then(
          (extended) => {
            if (extended === 0) this.log?.warn({ cluster, owner }, 'cluster lock expired before its renewal');
          },
          (err: Error) => {
            // A connection closed on purpose (the worker stopping) will never renew again.
            if (this.redis.status === 'end') clearInterval(renew);
            this.log?.warn({ cluster, owner, err: err.message }, 'cluster lock renewal failed');
          },
        );
      },
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
