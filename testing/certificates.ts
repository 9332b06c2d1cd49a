import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export { selfSignedCertificate } from '../services/extension/src/validate/self-signed-certificate.js';

const run = promisify(execFile);

export interface PrivateCa {
  /** The CA certificate, what a proxy trusts (`proxy_ssl_trusted_certificate`). */
  cert: string;
  /** A certificate for `host` signed by this CA, and its key. */
  issue: (host: string) => Promise<{ cert: string; key: string }>;
  remove: () => Promise<void>;
}

/** A throwaway CA (EC P-256, made by the openssl binary) that signs leaf certificates for host names. */
export async function privateCa(name = 'Signalbox Test CA'): Promise<PrivateCa> {
  const dir = await mkdtemp(join(tmpdir(), 'signalbox-ca-'));
  const at = (f: string): string => join(dir, f);
  const ossl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await ossl(
    ...['req', '-x509', ...ec, '-days', '2', '-subj', `/CN=${name}`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ...['-keyout', at('ca.key'), '-out', at('ca.pem')],
  );
  let serial = 0;
  return {
    cert: await readFile(at('ca.pem'), 'utf8'),
    issue: async (host) => {
      const base = `leaf-${++serial}`;
      await ossl(
        'req',
        ...ec,
        '-subj',
        `/CN=${host}`,
        '-keyout',
        at(`${base}.key`),
        '-out',
        at(`${base}.csr`),
      );
      await writeFile(at(`${base}.ext`), `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\n`);
      await ossl(
        ...['x509', '-req', '-in', at(`${base}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key')],
        ...[
          '-set_serial',
          String(serial),
          '-days',
          '2',
          '-extfile',
          at(`${base}.ext`),
          '-out',
          at(`${base}.pem`),
        ],
      );
      return {
        cert: await readFile(at(`${base}.pem`), 'utf8'),
        key: await readFile(at(`${base}.key`), 'utf8'),
      };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
