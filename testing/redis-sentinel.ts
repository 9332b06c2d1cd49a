import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './swarm.js';
import { freePort } from './upstreams.js';

/**
 * A Redis primary, its replicas and three Redis Sentinels as real processes (Debian's redis-server and
 * redis-sentinel) on free loopback ports, in a temporary directory; `stop` kills every one of them. With a
 * `password`, every data node and every sentinel requires it, as the stack's Sentinel variant does.
 */
export interface SentinelSet {
  /** The address coordinator and workers take: redis-sentinel://127.0.0.1:…,…/<name>. */
  url: string;
  name: string;
  /** Ports of the data nodes, the first one the initial primary. */
  servers: number[];
  sentinels: number[];
  dir: string;
  /** The primary's port as the first sentinel that answers names it. */
  primaryPort: () => Promise<number>;
  /** SIGKILLs the data node on `port`. */
  kill: (port: number) => void;
  /** A one-off command to the process on `port` (data node or sentinel), with the set's password if any. */
  call: (port: number, ...args: string[]) => Promise<unknown>;
  stop: () => void;
}

const processes = new Set<ChildProcess>();
// A test that dies mid-way must not leave Redis processes behind on the shared machine.
process.once('exit', () => {
  for (const p of processes) p.kill('SIGKILL');
});

function run(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  processes.add(child);
  child.once('exit', () => processes.delete(child));
  return child;
}

async function call(port: number, password: string | undefined, ...args: string[]): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    ...(password === undefined ? {} : { password }),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [command, ...rest] = args;
    return await client.call(command as string, ...rest);
  } finally {
    client.disconnect();
  }
}

export async function startSentinelSet(
  options: { replicas?: number; downAfterMs?: number; name?: string; password?: string } = {},
): Promise<SentinelSet> {
  const name = options.name ?? 'signalbox';
  const { password } = options;
  const ask = (port: number, ...args: string[]) => call(port, password, ...args);
  const dir = mkdtempSync(join(tmpdir(), 'sbtest-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const all: ChildProcess[] = [];
  const stop = (): void => {
    for (const p of all) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const servers: number[] = [];
    for (let i = 0; i <= (options.replicas ?? 2); i++) servers.push(await freePort());
    const sentinels = [await freePort(), await freePort(), await freePort()];
    const [primary] = servers as [number];
    for (const port of servers) {
      const child = run('redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--dbfilename',
        `dump-${port}.rdb`,
        '--logfile',
        join(dir, `redis-${port}.log`),
        '--repl-diskless-sync',
        'yes',
        '--repl-diskless-sync-delay',
        '0',
        ...(password === undefined ? [] : ['--requirepass', password, '--masterauth', password]),
        ...(port === primary ? [] : ['--replicaof', '127.0.0.1', String(primary)]),
      ]);
      children.set(port, child);
      all.push(child);
    }
    for (const port of servers)
      await waitFor(
        `redis-server on ${port}`,
        async () => ((await ask(port, 'PING')) ? true : undefined),
        10_000,
      );
    await waitFor(
      'the replicas in sync',
      async () => {
        const info = String(await ask(primary, 'INFO', 'replication'));
        return (info.match(/state=online/g) ?? []).length === servers.length - 1 ? true : undefined;
      },
      15_000,
    );
    for (const port of sentinels) {
      const conf = join(dir, `sentinel-${port}.conf`);
      // Sentinel rewrites its file (what it learnt about replicas, other sentinels, epochs): it must be its own.
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode no',
          'daemonize no',
          `dir ${dir}`,
          `logfile ${join(dir, `sentinel-${port}.log`)}`,
          `sentinel monitor ${name} 127.0.0.1 ${primary} 2`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1_000}`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 2`,
          ...(password === undefined
            ? []
            : [`sentinel auth-pass ${name} ${password}`, `requirepass ${password}`]),
          '',
        ].join('\n'),
      );
      all.push(run('redis-sentinel', [conf]));
    }
    // A failover needs a majority of sentinels that know each other and the replicas (hello messages every 2 s).
    await waitFor(
      'the sentinels to know each other and the replicas',
      async () => {
        for (const port of sentinels) {
          const others = (await ask(port, 'SENTINEL', 'SENTINELS', name)) as unknown[];
          const replicas = (await ask(port, 'SENTINEL', 'REPLICAS', name)) as unknown[];
          if (others.length !== sentinels.length - 1 || replicas.length !== servers.length - 1)
            return undefined;
        }
        return true;
      },
      20_000,
    );
    const primaryPort = async (): Promise<number> => {
      for (const port of sentinels) {
        const addr = (await ask(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name).catch(() => null)) as
          | [string, string]
          | null;
        if (addr) return Number(addr[1]);
      }
      throw new Error('no sentinel answers');
    };
    return {
      url: `redis-sentinel://${sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${name}`,
      name,
      servers,
      sentinels,
      dir,
      primaryPort,
      kill: (port) => children.get(port)?.kill('SIGKILL'),
      call: ask,
      stop,
    };
  } catch (e) {
    stop();
    throw e;
  }
}
