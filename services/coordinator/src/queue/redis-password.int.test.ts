import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '#platform/redis/redis-connection.js';
import { isSignalboxError } from '#shared/errors/index.js';
import { writeCoordinatorConfig } from '../../../../testing/coordinator-harness.js';
import { startSentinelSet } from '../../../../testing/redis-sentinel.js';
import { RoutedScenario } from '../../../../testing/routed-scenario.js';
import { waitFor } from '../../../../testing/swarm.js';
import { freePort } from '../../../../testing/upstreams.js';
import { loadCoordinatorSettings } from '../settings.js';

/**
 * Issue 15, item 6 (in part): a Redis that requires a password, given to coordinator and worker as a file (a
 * Docker secret in the stack). A real redis-server with `requirepass`; the coordinator leads, enqueues and
 * the worker rolls out over it. Without the password Redis refuses every command; a file that cannot be
 * read is a clear error naming the setting, not a connection without a password.
 */
const scenario = new RoutedScenario();
const { prefix, keyPrefix } = scenario;
const cluster = `${prefix}-c`;
const dir = mkdtempSync(join(tmpdir(), 'signalbox-redis-password-'));
const passwordFile = join(dir, 'redis-password');
const password = randomBytes(18).toString('base64url');
let port = 0;
let server: ChildProcess | undefined;

beforeAll(async () => {
  // As `docker secret create` from `echo`: one trailing newline, which the reader drops.
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o400 });
  port = await freePort();
  server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--requirepass',
      password,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  await waitFor('the password-protected redis-server', async () => {
    const probe = new Redis({ port, password, lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG' ? true : undefined;
    } finally {
      probe.disconnect();
    }
  });
  await scenario.deploy([{ name: 'web', host: `web.${prefix}.test`, cluster }]);
}, 60_000);

afterAll(async () => {
  // Coordinator and worker stop while their Redis still answers; the run's keys there go with the server.
  try {
    await scenario.stop();
  } finally {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

describe('a Redis that requires a password', () => {
  it('refuses a connection without it', async () => {
    const bare = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    // ioredis's first command on connect is refused with NOAUTH, reported as an 'error' event; the
    // connection is then closed, so the write fails with "Connection is closed".
    const refusals: string[] = [];
    bare.on('error', (e: Error) => refusals.push(e.message));
    try {
      await expect(
        (async () => {
          await bare.connect();
          await bare.set(`${keyPrefix}:x`, '1');
        })(),
      ).rejects.toThrow();
      expect(refusals.join('\n')).toMatch(/NOAUTH/);
    } finally {
      bare.disconnect();
    }
  });

  it('coordinator and worker take it from a file: the coordinator leads and a rollout completes', async () => {
    const env = {
      SIGNALBOX_REDIS_URL: `redis://127.0.0.1:${port}`,
      SIGNALBOX_REDIS_PASSWORD_FILE: passwordFile,
    };
    await scenario.start({
      clusters: [{ extension: 'c', cluster, proxyReplicas: 1 }],
      env,
      worker: { redisUrl: env.SIGNALBOX_REDIS_URL, redisPassword: password },
    });
    const status = await waitFor(
      'the cluster in sync through the password-protected Redis',
      async () => {
        const s = await scenario.coordinator.coordinator.status();
        return s?.leader && s.clusters?.[0]?.inSync ? s : undefined;
      },
      120_000,
    );
    expect(status.queue?.completed).toBeGreaterThanOrEqual(1);
    expect(status.queue?.failed).toBe(0);
  }, 180_000);

  it('a password file that cannot be read is CONFIG_INVALID naming the setting and the path', async () => {
    const file = await writeCoordinatorConfig(`${prefix}-bad`, [{ extension: 'c', cluster }]);
    const missing = join(dir, 'no-such-secret');
    let error: unknown;
    try {
      loadCoordinatorSettings({
        SIGNALBOX_CONFIG: file,
        SIGNALBOX_GRPC_TOKEN: 'a-token-of-sixteen-chars',
        SIGNALBOX_REDIS_PASSWORD_FILE: missing,
      });
    } catch (e) {
      error = e;
    }
    expect(isSignalboxError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(`SIGNALBOX_REDIS_PASSWORD_FILE ${missing}`);
    rmSync(file, { force: true });
  });
});

describe('under Redis Sentinel, with the password on every data node and every sentinel', () => {
  it('a sentinel refuses a client without the password; connectRedis reaches the primary with it', async () => {
    const set = await startSentinelSet({ replicas: 1, password });
    const log = pino({ level: 'silent' });
    const connection = connectRedis('SIGNALBOX_REDIS_URL', set.url, log, 'redis', password);
    try {
      const [sentinel] = set.sentinels as [number];
      expect(await rawReply(sentinel, `SENTINEL GET-MASTER-ADDR-BY-NAME ${set.name}`)).toMatch(/^-NOAUTH/);
      await connection.set(`${keyPrefix}:sentinel-password`, 'written');
      expect(await set.call(await set.primaryPort(), 'GET', `${keyPrefix}:sentinel-password`)).toBe(
        'written',
      );
      expect(connection.stream?.remotePort).toBe(await set.primaryPort());
    } finally {
      connection.disconnect();
      set.stop();
    }
  }, 60_000);
});

/** What the server on `port` answers one inline command sent without a password (RESP, first line). */
function rawReply(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer from ${port}`)));
    socket.once('data', (b) => {
      resolve(b.toString('utf8').split('\r\n')[0] ?? '');
      socket.end();
    });
    socket.once('error', reject);
  });
}
