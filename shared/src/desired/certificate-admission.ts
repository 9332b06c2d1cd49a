import type { AppRoute } from '../model/index.js';
import type { Rejection } from './rejections.js';

/**
 * A TLS secret pair as a proxy would mount it. Secrets are immutable in Swarm, so a verdict on the two IDs
 * holds for as long as they exist; a service pointed at a new secret gets a new check.
 */
export interface CertificatePair {
  cert: string;
  key: string;
  certId: string;
  keyId: string;
}

export const certificatePairKey = (p: Pick<CertificatePair, 'certId' | 'keyId'>): string =>
  `${p.certId}:${p.keyId}`;

/** Whether nginx accepts the pair as `ssl_certificate` and `ssl_certificate_key`. */
export type CertificateVerdict = { usable: true } | { usable: false; reason: string };

/**
 * Verdicts on pairs, undefined for a pair not checked yet. Workers cannot read secrets, and neither can the
 * Engine API: the coordinator has each pair checked by nginx in a one-shot Swarm job that mounts it.
 */
export type CertificateVerdicts = (pair: CertificatePair) => CertificateVerdict | undefined;

export interface CertificateAdmission {
  routes: AppRoute[];
  rejections: Rejection[];
  /** Pairs with no verdict yet, each once: the coordinator has them checked. */
  unchecked: CertificatePair[];
}

/**
 * Keeps a service whose certificate nginx would refuse out of its cluster, so it costs its own routes and not
 * every later config of the cluster (the proxy's `nginx -t` would refuse them all). A pair not checked yet
 * holds its service back until it is.
 */
export function admitCertificates(
  routes: readonly AppRoute[],
  secretIds: ReadonlyMap<string, string> | undefined,
  verdicts: CertificateVerdicts,
): CertificateAdmission {
  const admitted: AppRoute[] = [];
  const rejections: Rejection[] = [];
  const unchecked = new Map<string, CertificatePair>();
  for (const route of routes) {
    if (!route.tls) {
      admitted.push(route);
      continue;
    }
    const key = route.tls.key ?? route.tls.cert;
    const pair: CertificatePair = {
      cert: route.tls.cert,
      key,
      certId: secretIds?.get(route.tls.cert) ?? '',
      keyId: secretIds?.get(key) ?? '',
    };
    const verdict = verdicts(pair);
    if (verdict?.usable) {
      admitted.push(route);
      continue;
    }
    const named = `ssl_cert=${pair.cert}${key !== pair.cert ? ` and ssl_key=${key}` : ''}`;
    const base = { service: route.service, ...(route.tenant !== undefined ? { tenant: route.tenant } : {}) };
    if (verdict === undefined) {
      unchecked.set(certificatePairKey(pair), pair);
      rejections.push({
        ...base,
        stage: 'certificate',
        code: 'CERTIFICATE_PENDING',
        message: `service ${route.service}: waits for nginx to check its certificate (${named})`,
      });
    } else {
      rejections.push({
        ...base,
        stage: 'certificate',
        code: 'CERTIFICATE_UNUSABLE',
        message: `service ${route.service}: ${named} is not a usable certificate and key: ${verdict.reason}`,
      });
    }
  }
  return { routes: admitted, rejections, unchecked: [...unchecked.values()] };
}
