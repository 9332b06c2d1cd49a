import { waitFor } from '../../testing/swarm.js';
import { sleep } from './environment.js';
import type { FaultEnv } from './fault-env.js';

/**
 * The leader cut off from Redis mid-rollout (its own hop goes silent: no answer, no error) while the standby
 * still reaches it: the leader's lease commands time out and it steps down before its lease could expire
 * elsewhere, and the standby takes over with a newer epoch. Every service write both coordinators send to
 * Docker passes the suite's socket proxy, which records the epoch it carries: once a write of a newer epoch
 * went out, none of an older one may follow (fencing, not just timing). The partition heals after the new
 * leader made a change of its own.
 */
export function leaderPartition(
  env: FaultEnv,
  change: () => Promise<void>,
): { name: string; inject: () => Promise<void>; check: () => Promise<string> } {
  let from = 0;
  let before = 0;
  return {
    name: 'the leader cut off from Redis mid-rollout while the standby takes over',
    inject: async () => {
      from = env.epochWrites.length;
      before = Math.max(0, ...env.epochWrites.map((w) => w.epoch));
      const leader = await waitFor('the leader', () => env.leaderStatus());
      const cut = env.coordinators.find((c) => c.name === leader.name);
      if (!cut) throw new Error(`no coordinator named ${leader.name}`);
      await change();
      cut.redisHop.cut();
      try {
        await waitFor(
          'the standby to lead',
          async () => {
            const now = await env.leaderStatus();
            return now && now.name !== leader.name ? true : undefined;
          },
          60_000,
        );
        await change();
        await sleep(3_000);
      } finally {
        cut.redisHop.heal();
      }
    },
    check: async () => {
      const writes = env.epochWrites.slice(from);
      let newest = 0;
      for (const w of writes) {
        if (w.epoch < newest)
          throw new Error(
            `a service write of epoch ${w.epoch} went out after one of epoch ${newest}: ${w.request}`,
          );
        newest = w.epoch;
      }
      if (newest <= before)
        throw new Error(`no service write of an epoch newer than ${before}: the new leader wrote nothing`);
      const epochs = [...new Set(writes.map((w) => w.epoch))];
      return `${writes.length} service writes by epochs ${epochs.join(' → ')}, none older after a newer`;
    },
  };
}
