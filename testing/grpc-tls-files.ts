import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackSecrets } from './stack-deploy.js';

const run = promisify(execFile);

/** The files deploy/tls/make-grpc-tls.sh made in `dir`; `file('worker.crt')` is one of them. */
export interface GrpcTlsFiles {
  dir: string;
  file: (name: string) => string;
}

/**
 * A CA, the coordinator's certificate and one client certificate per name, made by the script operators run
 * (deploy/tls/make-grpc-tls.sh), in a new temporary directory.
 */
export async function makeGrpcTls(...clients: string[]): Promise<GrpcTlsFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'signalbox-grpc-tls-'));
  await run('bash', ['deploy/tls/make-grpc-tls.sh', dir, ...clients]);
  return { dir, file: (name) => join(dir, name) };
}

/** A certificate `ca` signed for `name` (a DNS subjectAltName): one that does not name the coordinator. */
export async function certificateFor(ca: GrpcTlsFiles, name: string): Promise<{ cert: string; key: string }> {
  const cert = ca.file(`${name}.crt`);
  const key = ca.file(`${name}.key`);
  const csr = ca.file(`${name}.csr`);
  const newKey = 'req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'.split(' ');
  await run('openssl', [
    ...newKey,
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=DNS:${name}`,
    '-keyout',
    key,
    '-out',
    csr,
  ]);
  const sign = 'x509 -req -days 1 -CAcreateserial -copy_extensions copy'.split(' ');
  await run('openssl', [
    ...sign,
    '-in',
    csr,
    '-CA',
    ca.file('ca.crt'),
    '-CAkey',
    ca.file('ca.key'),
    '-out',
    cert,
  ]);
  return { cert, key };
}

/**
 * The stack's TLS secrets (`<prefix>-grpc-…`) by the stack files' variables, with the contents of `files`; the
 * workers' pair too when `files` has a `worker` certificate and `mutual` is asked for.
 */
export function stackTlsSecrets(
  prefix: string,
  files: GrpcTlsFiles,
  mutual = false,
): Pick<
  StackSecrets,
  | 'SIGNALBOX_GRPC_CA_SECRET'
  | 'SIGNALBOX_GRPC_TLS_CERT_SECRET'
  | 'SIGNALBOX_GRPC_TLS_KEY_SECRET'
  | 'SIGNALBOX_GRPC_WORKER_CERT_SECRET'
  | 'SIGNALBOX_GRPC_WORKER_KEY_SECRET'
> {
  const secret = (name: string, file: string) => ({
    name: `${prefix}-grpc-${name}`,
    value: readFileSync(files.file(file), 'utf8'),
  });
  return {
    SIGNALBOX_GRPC_CA_SECRET: secret('ca', 'ca.crt'),
    SIGNALBOX_GRPC_TLS_CERT_SECRET: secret('tls-cert', 'server.crt'),
    SIGNALBOX_GRPC_TLS_KEY_SECRET: secret('tls-key', 'server.key'),
    ...(mutual
      ? {
          SIGNALBOX_GRPC_WORKER_CERT_SECRET: secret('worker-cert', 'worker.crt'),
          SIGNALBOX_GRPC_WORKER_KEY_SECRET: secret('worker-key', 'worker.key'),
        }
      : {}),
  };
}
