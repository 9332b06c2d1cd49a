import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { SignalboxError } from '#shared/errors/index.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
// SET NX PX, or the key still holds our id: we stopped leading only because Redis did not answer in time
// (a failover, a slow primary), and no one can have led since, so we take it back at once instead of
// waiting out our own TTL. Either way a new epoch follows.
const ACQUIRE = `local v = redis.call('get', KEYS[1])
if v == false then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// The next epoch, above both the counter and the floor: Redis restarted empty counts from 0 again, but
// Docker still carries the epochs earlier leaders wrote, and a new leader must outrank them.
const NEXT_EPOCH = `local e = tonumber(redis.call('get', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if e < floor then e = floor end
e = e + 1
redis.call('set', KEYS[1], e)
return e`;

/**
 * Redis's clock and ours may run at slightly different rates: a leader counts its lease as this share of
 * the TTL, from the moment it sent the command that set or extended it, so it steps down before the key can
 * have expired in Redis (and a standby taken it) as long as the rates differ by less than 10 %.
 */
const CLOCK_DRIFT = 0.1;
const DRIFT_MARGIN_MS = 50;

export interface LeaderLeaseOptions {
  key: string;
  /** This coordinator's identity, e.g. hostname + pid. */
  id: string;
  /** A leader that stops renewing loses the lease after this long; a standby takes over within it. */
  ttlMs: number;
}

/** Raised where a coordinator finds a newer leader's mark (e.g. on a proxy service it was about to update). */
export class StaleLeaderError extends SignalboxError {
  constructor(ours: number, seen: number) {
    super(
      'STALE_LEADER',
      `epoch ${seen} is newer than this coordinator's ${ours}: another coordinator leads`,
      {
        epoch: ours,
        seen,
      },
    );
  }
}

/**
 * Leader election through one Redis key: SET NX PX to acquire (or take back a key that still holds our
 * id), a compare-and-extend script to renew every third of the TTL, and an epoch (a fencing token) that
 * rises with every acquisition and that every write of the leader carries (jobs, proxy service labels,
 * agents' answers). Every lease command has a deadline
 * of a third of the TTL, and leadership lapses locally before the key could expire in Redis, so a leader
 * cut off from Redis stops acting before a standby can take over.
 */
export class LeaderLease {
  private timer: NodeJS.Timeout | undefined;
  private lapse: NodeJS.Timeout | undefined;
  private leader = false;
  /** performance.now() until which the lease certainly still holds. */
  private validUntil = 0;
  /** The highest epoch seen on Docker objects; the next acquisition goes above it. */
  private floor = 0;
  epoch = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaderLeaseOptions,
    private readonly log: Logger,
    private readonly onChange: (isLeader: boolean) => void = () => undefined,
  ) {}

  get isLeader(): boolean {
    return this.leader && performance.now() < this.validUntil;
  }

  /** Epochs found on Docker objects (written by earlier leaders) that the next epoch must exceed. */
  raiseFloor(epoch: number): void {
    if (epoch > this.floor) this.floor = epoch;
  }

  /**
   * Gives up leadership at once, e.g. on meeting a newer leader's mark, and frees the key if it is still
   * ours, so the next acquisition (by anyone, above the raised floor) need not wait for the TTL.
   */
  stepDown(reason: string): void {
    if (!this.leader) return;
    this.log.warn({ epoch: this.epoch, reason }, 'stepping down');
    this.set(false);
    void this.withDeadline(this.redis.eval(RELEASE, 1, this.options.key, this.options.id)).catch(
      () => undefined,
    );
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.options.ttlMs / 3)));
  }

  /** Stops renewing; with `release` the lease is freed at once so a standby need not wait for the TTL. */
  async stop(release = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (release && this.leader)
      await this.withDeadline(this.redis.eval(RELEASE, 1, this.options.key, this.options.id)).catch(
        () => undefined,
      );
    this.set(false);
  }

  private async tick(): Promise<void> {
    const { key, id, ttlMs } = this.options;
    const sentAt = performance.now();
    try {
      if (this.leader) {
        const renewed = await this.withDeadline(this.redis.eval(RENEW, 1, key, id, String(ttlMs)));
        if (renewed !== 1) this.set(false);
        else this.holdUntil(sentAt);
        return;
      }
      const acquired = await this.withDeadline(this.redis.eval(ACQUIRE, 1, key, id, String(ttlMs)));
      if (acquired === 1) {
        this.epoch = Number(
          await this.withDeadline(this.redis.eval(NEXT_EPOCH, 1, `${key}:epoch`, this.floor)),
        );
        this.holdUntil(sentAt);
        this.set(true);
      }
    } catch (e) {
      // Unsure whether we still hold the lease: act as a follower until Redis answers again.
      this.log.warn({ reason: (e as Error).message }, 'leader lease check failed');
      this.set(false);
    }
  }

  private holdUntil(sentAt: number): void {
    const { ttlMs } = this.options;
    this.validUntil = sentAt + ttlMs * (1 - CLOCK_DRIFT) - DRIFT_MARGIN_MS;
    if (this.lapse) clearTimeout(this.lapse);
    // Without a renewal in time (a command stuck on a dead connection), leadership ends on its own.
    this.lapse = setTimeout(
      () => {
        if (this.leader && performance.now() >= this.validUntil) {
          this.log.warn({ epoch: this.epoch }, 'lease not renewed in time');
          this.set(false);
        }
      },
      Math.max(0, this.validUntil - performance.now()) + 1,
    );
  }

  /** A lease command that takes a third of the TTL is as good as failed: the next tick is due. */
  private withDeadline<T>(command: Promise<T>): Promise<T> {
    const ms = Math.max(50, Math.floor(this.options.ttlMs / 3));
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      command,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`lease command took over ${ms} ms`)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private set(leader: boolean): void {
    if (!leader && this.lapse) clearTimeout(this.lapse);
    if (leader === this.leader) return;
    this.leader = leader;
    this.log.info({ leader, epoch: this.epoch }, leader ? 'became leader' : 'lost leadership');
    this.onChange(leader);
  }
}
