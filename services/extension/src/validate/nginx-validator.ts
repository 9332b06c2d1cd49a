import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ValidationResult {
  ok: boolean;
  output: string;
}

/**
 * `nginx -t` in a scratch directory of its own, in a separate process that shares no sockets with live
 * traffic. Workers never hold the TLS secrets, so every `/run/secrets/<name>` the config names is pointed at
 * one throwaway certificate made here: the syntax, directives and certificate loading are checked; whether
 * the real secret holds a matching key is checked by the proxy task's health check during the rollout.
 */
export class NginxValidator {
  private placeholder: string | undefined;

  constructor(private readonly nginxBin = '/usr/sbin/nginx') {}

  private async placeholderPem(): Promise<string> {
    if (this.placeholder) return this.placeholder;
    const dir = await mkdtemp(join(tmpdir(), 'signalbox-placeholder-'));
    try {
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '3650',
        '-subj',
        '/CN=signalbox-validation',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      const { readFile } = await import('node:fs/promises');
      this.placeholder = `${await readFile(join(dir, 'cert.pem'), 'utf8')}${await readFile(join(dir, 'key.pem'), 'utf8')}`;
      return this.placeholder;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async validate(nginxConf: string): Promise<ValidationResult> {
    const dir = await mkdtemp(join(tmpdir(), 'signalbox-validate-'));
    try {
      const secretsDir = join(dir, 'secrets');
      await mkdir(secretsDir);
      const pem = join(dir, 'placeholder.pem');
      await writeFile(pem, await this.placeholderPem());
      const names = new Set(
        [...nginxConf.matchAll(/\/run\/secrets\/([A-Za-z0-9_.-]+);/g)].map((m) => m[1] as string),
      );
      for (const name of names) await symlink(pem, join(secretsDir, name));
      const local = nginxConf
        .replaceAll('/run/secrets/', `${secretsDir}/`)
        .replace(/^pid [^;]+;/m, `pid ${dir}/nginx.pid;`)
        .replaceAll(' /dev/stdout', ` ${dir}/out.log`)
        .replaceAll(' /dev/stderr', ` ${dir}/err.log`);
      const file = join(dir, 'nginx.conf');
      await writeFile(file, local);
      try {
        await run(this.nginxBin, ['-t', '-q', '-p', dir, '-c', file], { timeout: 120_000 });
        return { ok: true, output: '' };
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        return { ok: false, output: (err.stderr || err.message).replaceAll(dir, '<scratch>').trim() };
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
