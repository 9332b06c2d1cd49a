import type Docker from 'dockerode';
import type { Counter } from 'prom-client';
import type { RunningCoordinator } from '../../services/coordinator/src/start-coordinator.js';
import type { RunningWorker } from '../../services/extension/src/start-worker.js';
import {
  cleanUpRun,
  startTestCoordinator,
  startTestWorker,
  type TestFrontDoor,
  testFrontDoor,
} from '../../testing/coordinator-harness.js';
import { get, type Reply } from '../../testing/http-client.js';
import { redis, redisPrefix } from '../../testing/redis.js';
import { docker, testPrefix, waitFor } from '../../testing/swarm.js';

/**
 * One load-test run's Signalbox: a coordinator and workers in this process (so their metrics can be read
 * directly), a front door on 127.0.0.1, and `clusters` service clusters named `<prefix>-c<i>`. Every Docker
 * object and Redis key carries the run's prefix; `stop` removes all of it.
 */
export interface LoadEnv {
  client: Docker;
  prefix: string;
  keyPrefix: string;
  clusters: string[];
  coordinator: RunningCoordinator;
  workers: RunningWorker[];
  frontDoor: TestFrontDoor;
  addWorker: () => Promise<RunningWorker>;
  /** Waits until every cluster's proxies serve the desired config. */
  inSync: (what: string, limitMs?: number) => Promise<void>;
  /** Each cluster's desired config version now. */
  versions: () => Promise<Map<string, string>>;
  /** Waits until every cluster's desired version differs from `before`, then until all are in sync. */
  inSyncAfter: (before: Map<string, string>, what: string, limitMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

export interface LoadEnvOptions {
  clusters: number;
  proxyReplicas?: number;
  workers?: number;
  /** TOML lines for every cluster's extension table (e.g. an update delay). */
  extra?: string;
}

export async function startLoadEnv(options: LoadEnvOptions): Promise<LoadEnv> {
  const client = docker();
  const prefix = testPrefix();
  const keyPrefix = redisPrefix();
  const clusters = Array.from({ length: options.clusters }, (_, i) => `${prefix}-c${i}`);
  const frontDoor = await testFrontDoor(client);
  const coordinator = await startTestCoordinator(
    prefix,
    keyPrefix,
    clusters.map((cluster, i) => ({
      extension: `load${i}`,
      cluster,
      proxyReplicas: options.proxyReplicas ?? 1,
      extra: options.extra,
    })),
    prefix,
    frontDoor,
  );
  const workers: RunningWorker[] = [];
  const addWorker = async () => {
    const w = await startTestWorker(coordinator, `${prefix}-${workers.length}`, keyPrefix);
    workers.push(w);
    return w;
  };
  for (let i = 0; i < (options.workers ?? 1); i++) await addWorker();
  return {
    client,
    prefix,
    keyPrefix,
    clusters,
    coordinator,
    workers,
    frontDoor,
    addWorker,
    versions: async () =>
      new Map(
        ((await coordinator.coordinator.status()).clusters ?? []).map((c) => [
          c.name ?? '',
          c.desiredVersion ?? '',
        ]),
      ),
    inSyncAfter: async (before, what, limitMs = 300_000) => {
      const deadline = Date.now() + limitMs;
      await waitFor(
        `${what}: a new desired version in every cluster`,
        async () => {
          const clusters = (await coordinator.coordinator.status()).clusters ?? [];
          return clusters.every((c) => c.desiredVersion !== before.get(c.name ?? '')) ? true : undefined;
        },
        limitMs,
      );
      await waitFor(
        what,
        async () => {
          const clusters = (await coordinator.coordinator.status()).clusters ?? [];
          return clusters.every((c) => c.inSync) ? true : undefined;
        },
        Math.max(1, deadline - Date.now()),
      );
    },
    inSync: async (what, limitMs = 300_000) => {
      await waitFor(
        what,
        async () => {
          const status = await coordinator.coordinator.status();
          const clusters = status.clusters ?? [];
          if (clusters.length > 0 && clusters.every((c) => c.inSync)) return true;
          // Thrown, not returned: waitFor's timeout error then says where it stood.
          throw new Error(
            `last pass ${status.lastPassAt ?? 'never'}; ${clusters
              .map(
                (c) => `${c.name}: desired ${c.desiredVersion}, live ${c.liveVersion}, in sync ${c.inSync}`,
              )
              .join('; ')}`,
          );
        },
        limitMs,
      );
    },
    stop: async () => {
      for (const w of workers) await w.stop().catch(() => undefined);
      await coordinator.stop().catch(() => undefined);
      await cleanUpRun(client, redis(), prefix, keyPrefix, clusters);
    },
  };
}

/** Sum of a prom-client counter's values whose labels match `where`. */
export async function counterSum(
  counter: Counter<string>,
  where: Record<string, string> = {},
): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((v) => Object.entries(where).every(([k, want]) => v.labels[k] === want))
    .reduce((n, v) => n + v.value, 0);
}

/**
 * Polls `host` through the front door every 20 ms until `want` holds for an answer; returns the ms since
 * `since`, or undefined after `limitMs` (a trial that never converged is counted, not hidden).
 */
export async function untilAnswer(
  env: LoadEnv,
  host: string,
  want: (reply: Reply) => boolean,
  since: number,
  limitMs = 30_000,
  path = '/',
): Promise<number | undefined> {
  const deadline = since + limitMs;
  while (Date.now() < deadline) {
    const reply = await get(env.frontDoor.httpPort, host, path).catch(() => undefined);
    if (reply && want(reply)) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
