import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaderLeaseOptions {
  key: string;
  /** This coordinator's identity, e.g. hostname + pid. */
  id: string;
  /** A leader that stops renewing loses the lease after this long; a standby takes over within it. */
  ttlMs: number;
}

/**
 * Leader election through one Redis key: SET NX PX to acquire, a compare-and-extend script to renew every
 * third of the TTL, and an epoch counter (INCR on every acquisition) as a fencing token that jobs carry.
 */
export class LeaderLease {
  private timer: NodeJS.Timeout | undefined;
  private leader = false;
  epoch = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaderLeaseOptions,
    private readonly log: Logger,
    private readonly onChange: (isLeader: boolean) => void = () => undefined,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.options.ttlMs / 3)));
  }

  /** Stops renewing; with `release` the lease is freed at once so a standby need not wait for the TTL. */
  async stop(release = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (release && this.leader) await this.redis.eval(RELEASE, 1, this.options.key, this.options.id);
    this.set(false);
  }

  private async tick(): Promise<void> {
    const { key, id, ttlMs } = this.options;
    try {
      if (this.leader) {
        const renewed = await this.redis.eval(RENEW, 1, key, id, String(ttlMs));
        if (renewed !== 1) this.set(false);
        return;
      }
      const acquired = await this.redis.set(key, id, 'PX', ttlMs, 'NX');
      if (acquired === 'OK') {
        this.epoch = await this.redis.incr(`${key}:epoch`);
        this.set(true);
      }
    } catch (e) {
      // Unsure whether we still hold the lease: act as a follower until Redis answers again.
      this.log.warn({ reason: (e as Error).message }, 'leader lease check failed');
      this.set(false);
    }
  }

  private set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.log.info({ leader, epoch: this.epoch }, leader ? 'became leader' : 'lost leadership');
    this.onChange(leader);
  }
}
