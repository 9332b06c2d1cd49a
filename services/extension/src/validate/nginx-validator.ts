import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { selfSignedCertificate } from './self-signed-certificate.js';

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
    if (!this.placeholder) {
      const made = await selfSignedCertificate('signalbox-validation');
      this.placeholder = `${made.cert}${made.key}`;
    }
    return this.placeholder;
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
