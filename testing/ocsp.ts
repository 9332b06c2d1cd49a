import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OcspSetup {
  /** The leaf then the CA, as a proxy's certificate secret holds a chain: nginx finds the issuer there. */
  chain: string;
  key: string;
  ca: string;
  stop: () => Promise<void>;
}

/** openssl's index.txt wants the expiry as YYMMDDHHMMSSZ. */
const indexDate = (notAfter: string): string =>
  new Date(notAfter).toISOString().replace(/[-:T]/g, '').slice(2, 14).concat('Z');

/**
 * A private CA, an RSA certificate it signed for `host` whose Authority Information Access names an OCSP
 * responder on 127.0.0.1:`port`, and that responder (`openssl ocsp`, answering "good" for it): what a
 * certificate from a public CA gives nginx to staple, on loopback.
 */
export async function startOcspSetup(host: string, port: number): Promise<OcspSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'signalbox-ocsp-'));
  const at = (f: string): string => join(dir, f);
  const ossl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await ossl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Signalbox Test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'],
    ...['-keyout', at('ca.key'), '-out', at('ca.pem')],
  );
  await ossl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${host}`],
    ...['-keyout', at('leaf.key'), '-out', at('leaf.csr')],
  );
  await writeFile(
    at('leaf.ext'),
    `subjectAltName=DNS:${host}\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1:${port}\n`,
  );
  await ossl(
    ...['x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key')],
    ...['-CAcreateserial', '-days', '2', '-extfile', at('leaf.ext'), '-out', at('leaf.pem')],
  );
  const { stdout } = await ossl('x509', '-in', at('leaf.pem'), '-noout', '-serial', '-enddate');
  const serial = /serial=([0-9A-F]+)/.exec(stdout)?.[1] ?? '';
  const notAfter = /notAfter=(.+)/.exec(stdout)?.[1] ?? '';
  await writeFile(at('index.txt'), `V\t${indexDate(notAfter)}\t\t${serial}\tunknown\t/CN=${host}\n`);
  const responder: ChildProcess = spawn(
    'openssl',
    [
      ...['ocsp', '-index', at('index.txt'), '-port', String(port)],
      ...['-rsigner', at('ca.pem'), '-rkey', at('ca.key'), '-CA', at('ca.pem'), '-ignore_err'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Not a probe connection: the responder serves one connection at a time and a probe that sends nothing
  // wedges it, so wait for its own word that it listens.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('openssl ocsp did not start')), 10_000);
    const onOutput = (chunk: Buffer): void => {
      if (!chunk.toString().includes('waiting for OCSP client connections')) return;
      clearTimeout(timer);
      resolve();
    };
    responder.stdout?.on('data', onOutput);
    responder.stderr?.on('data', onOutput);
  });
  const [leaf, ca, key] = await Promise.all(
    ['leaf.pem', 'ca.pem', 'leaf.key'].map((f) => readFile(at(f), 'utf8')),
  );
  const stop = async (): Promise<void> => {
    responder.kill();
    await rm(dir, { recursive: true, force: true });
  };
  return { chain: `${leaf}${ca}`, key: key ?? '', ca: ca ?? '', stop };
}
