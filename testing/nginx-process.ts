import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/**
 * Test configs name the proxy's real secret, pid and log paths; these move them into a scratch directory.
 * Node gives children sockets, not pipes, for stdio, and nginx cannot open a socket as /dev/stdout.
 */
function localise(config: string, dir: string): string {
  return config
    .replaceAll('/run/secrets/', `${dir}/secrets/`)
    .replaceAll(' /dev/stdout', ` ${dir}/stdout.log`)
    .replace(/^pid [^;]+;/m, `pid ${dir}/nginx.pid;`)
    .replace(/^error_log [^;]+;/m, `error_log ${dir}/error.log warn;`);
}

async function scratch(
  config: string,
  secrets: Record<string, string>,
): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'signalbox-nginx-'));
  await mkdir(join(dir, 'secrets'));
  for (const [name, pem] of Object.entries(secrets)) await writeFile(join(dir, 'secrets', name), pem);
  const file = join(dir, 'nginx.conf');
  await writeFile(file, localise(config, dir));
  return { dir, file };
}

export interface NginxCheck {
  ok: boolean;
  output: string;
}

/**
 * Test certificates are self-signed, so nginx cannot staple OCSP for them and says so once per certificate
 * (the rendered config asks for stapling where a certificate allows it); any other output still counts.
 */
const NO_STAPLING =
  /^.*\[warn\].*"ssl_stapling" ignored, issuer certificate not found for certificate .*\n?/gm;

/** `nginx -t` on a config in a scratch directory: a real parse, with real certificate loading. */
export async function nginxTest(config: string, secrets: Record<string, string> = {}): Promise<NginxCheck> {
  const { dir, file } = await scratch(config, secrets);
  try {
    const { stdout, stderr } = await run(NGINX, ['-t', '-q', '-p', dir, '-c', file], { timeout: 60_000 });
    return { ok: true, output: `${stdout}${stderr}`.replace(NO_STAPLING, '') };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` || err.message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RunningNginx {
  dir: string;
  /** The master's pid: a reload keeps it and replaces its workers. */
  pid: number;
  stop: () => Promise<void>;
}

/** Starts nginx in the foreground on a rendered config and waits until `healthUrl` answers. */
/** Ready when `healthUrl` answers 2xx, or, for an instance with no HTTP server, when `tcpPort` accepts. */
export async function startNginx(
  config: string,
  secrets: Record<string, string>,
  healthUrl: string | { tcpPort: number },
): Promise<RunningNginx> {
  const { dir, file } = await scratch(config, secrets);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', file, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGQUIT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if (typeof healthUrl === 'string') {
        const res = await fetch(healthUrl, { signal: AbortSignal.timeout(500) });
        if (res.ok) return { dir, pid: child.pid ?? 0, stop };
      } else if (await accepts(healthUrl.tcpPort)) return { dir, pid: child.pid ?? 0, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`nginx did not become healthy at ${JSON.stringify(healthUrl)}: ${stderr.slice(0, 2000)}`);
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
