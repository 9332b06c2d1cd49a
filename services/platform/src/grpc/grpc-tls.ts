import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignalboxError } from '#shared/errors/index.js';

/**
 * The name every client checks in the coordinator's certificate, whatever address it dialled (a task list,
 * `tasks.coordinator`, 127.0.0.1): Swarm gives a coordinator task no stable name of its own to certify.
 */
export const COORDINATOR_TLS_NAME = 'signalbox-coordinator';

/** The coordinator's side: its certificate and key, and the CA of the clients when mutual TLS is on. */
export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  clientCa?: Buffer;
}

/** A client's side: the CA that signed the coordinator's certificate, and its own pair for mutual TLS. */
export interface ClientTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const invalid = (key: string, path: string, why: string, cause?: unknown): SignalboxError =>
  new SignalboxError(
    'CONFIG_INVALID',
    `${key} ${path}: ${why}`,
    { label: key, value: path },
    cause ? { cause } : {},
  );

function readPem(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw invalid(key, path, `cannot read it: ${(cause as Error).message}`, cause);
  }
}

/**
 * A PEM certificate, parsed now so a wrong file fails at start with its setting's name, not at a handshake
 * whose error names nothing; an expired one too, which every client would refuse.
 */
function readCertificate(key: string, path: string): { pem: Buffer; cert: X509Certificate } {
  const pem = readPem(key, path);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (cause) {
    throw invalid(key, path, 'is not a PEM certificate', cause);
  }
  if (Date.parse(cert.validTo) < Date.now())
    throw invalid(key, path, `the certificate expired on ${cert.validTo}`);
  return { pem, cert };
}

/** A PEM private key without a passphrase (nothing could type one in at start). */
function readKey(key: string, path: string): { pem: Buffer; keyObject: KeyObject } {
  const pem = readPem(key, path);
  try {
    return { pem, keyObject: createPrivateKey(pem) };
  } catch (cause) {
    throw invalid(key, path, 'is not a PEM private key without a passphrase', cause);
  }
}

/** A certificate and its key, refused together when the key is not the certificate's. */
function readPair(cert: { key: string; path: string }, key: { key: string; path: string }) {
  const c = readCertificate(cert.key, cert.path);
  const k = readKey(key.key, key.path);
  if (!c.cert.checkPrivateKey(k.keyObject))
    throw invalid(key.key, key.path, `is not the key of the certificate in ${cert.path}`);
  return { cert: c.cert, certPem: c.pem, keyPem: k.pem };
}

/** The coordinator's files, by the settings that name them; the certificate must name COORDINATOR_TLS_NAME. */
export function readServerTls(files: {
  cert: { key: string; path: string };
  key: { key: string; path: string };
  clientCa?: { key: string; path: string };
}): ServerTls {
  const { cert, certPem, keyPem } = readPair(files.cert, files.key);
  if (!cert.checkHost(COORDINATOR_TLS_NAME))
    throw invalid(
      files.cert.key,
      files.cert.path,
      `the certificate must name ${COORDINATOR_TLS_NAME} (subjectAltName DNS), the name clients check; it names ${cert.subjectAltName ?? cert.subject}`,
    );
  return {
    cert: certPem,
    key: keyPem,
    ...(files.clientCa ? { clientCa: readCertificate(files.clientCa.key, files.clientCa.path).pem } : {}),
  };
}

/**
 * A client's TLS from the variables workers and the CLI share: SIGNALBOX_GRPC_CA_FILE turns TLS on; the
 * certificate and key (mutual TLS) come both or neither, and never without the CA. Plain text when none is set.
 */
export function clientTlsFromEnv(env: NodeJS.ProcessEnv): ClientTls | undefined {
  const setting = (key: string) => {
    const path = env[key];
    return path ? { key, path } : undefined;
  };
  const ca = setting('SIGNALBOX_GRPC_CA_FILE');
  const cert = setting('SIGNALBOX_GRPC_CERT_FILE');
  const key = setting('SIGNALBOX_GRPC_KEY_FILE');
  const given = cert ?? key;
  if (!ca) {
    if (given) throw invalid(given.key, given.path, 'a client certificate needs SIGNALBOX_GRPC_CA_FILE too');
    return undefined;
  }
  if (!cert || !key) {
    if (given) throw invalid(given.key, given.path, 'a client certificate and its key are given together');
    return { ca: readCertificate(ca.key, ca.path).pem };
  }
  const pair = readPair(cert, key);
  return { ca: readCertificate(ca.key, ca.path).pem, cert: pair.certPem, key: pair.keyPem };
}
