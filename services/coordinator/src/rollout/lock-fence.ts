import { SignalboxError } from '#shared/errors/index.js';

/**
 * A worker whose cluster lock expired (a long pause, a partition) may still be running the job; another
 * worker has taken the lock since, with a higher token. Its rollout is refused, so the two never
 * interleave. Tokens count from Redis, which may restart empty: they are compared within a leader's term
 * only (a new term starts with every token).
 */
export class LockFence {
  /** Per cluster, the highest cluster-lock token a rollout came with, in this leader's term (epoch). */
  private readonly lockTokens = new Map<string, { epoch: number; token: number }>();

  /** Throws LOCK_SUPERSEDED for a token older than one seen in term `epoch`; token 0 (no lock) passes. */
  admit(cluster: string, token: number, epoch: number): void {
    if (token === 0) return;
    const seen = this.lockTokens.get(cluster);
    if (seen && seen.epoch === epoch && token < seen.token)
      throw new SignalboxError(
        'LOCK_SUPERSEDED',
        `cluster ${cluster}: a rollout under lock token ${seen.token} started after this one's ${token}; its lock has expired`,
        { cluster },
      );
    this.lockTokens.set(cluster, { epoch, token });
  }
}
