import type { NginxSettings } from '../config/index.js';
import { SignalboxError } from '../errors/index.js';
import { checkHsts } from '../labels/hsts.js';
import type { Hsts } from '../model/index.js';
import type { ConfigWriter } from './config-writer.js';

interface TlsProfile {
  protocols: string;
  /** For TLS 1.2 and older; TLS 1.3's suites are OpenSSL's own, all AEAD. Modern has no TLS 1.2, so none. */
  ciphers?: string;
  preferServerCiphers: boolean;
}

/**
 * Mozilla's server-side TLS guidelines (ssl-config.mozilla.org): modern and intermediate as version 6.0
 * defines them (intermediate: ECDHE with AES-GCM or ChaCha20-Poly1305 only, no DHE, CBC or static RSA), old
 * as 5.8 does, the last version to define it.
 */
export const TLS_PROFILES: Readonly<Record<NginxSettings['TLSProfile'], TlsProfile>> = {
  modern: { protocols: 'TLSv1.3', preferServerCiphers: false },
  intermediate: {
    protocols: 'TLSv1.2 TLSv1.3',
    ciphers: [
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      'ECDHE-RSA-CHACHA20-POLY1305',
    ].join(':'),
    preferServerCiphers: false,
  },
  old: {
    protocols: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3',
    ciphers: [
      // OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level; Mozilla's generator adds this too.
      '@SECLEVEL=0',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      'ECDHE-RSA-CHACHA20-POLY1305',
      'DHE-RSA-AES128-GCM-SHA256',
      'DHE-RSA-AES256-GCM-SHA384',
      'DHE-RSA-CHACHA20-POLY1305',
      'ECDHE-ECDSA-AES128-SHA256',
      'ECDHE-RSA-AES128-SHA256',
      'ECDHE-ECDSA-AES128-SHA',
      'ECDHE-RSA-AES128-SHA',
      'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-RSA-AES256-SHA384',
      'ECDHE-ECDSA-AES256-SHA',
      'ECDHE-RSA-AES256-SHA',
      'DHE-RSA-AES128-SHA256',
      'DHE-RSA-AES256-SHA256',
      'AES128-GCM-SHA256',
      'AES256-GCM-SHA384',
      'AES128-SHA256',
      'AES256-SHA256',
      'AES128-SHA',
      'AES256-SHA',
      'DES-CBC3-SHA',
    ].join(':'),
    preferServerCiphers: true,
  },
};

/**
 * Guideline 6.0 puts X25519MLKEM768 first; OpenSSL 3.0 (Debian 12's) does not know it, and nginx refuses
 * a list with a name OpenSSL does not know, so the list starts at X25519.
 */
const CURVES = 'X25519:prime256v1:secp384r1';
/** Docker's DNS, in every container on an overlay network: nginx looks OCSP responders up through it. */
const DOCKER_DNS = '127.0.0.11';

/**
 * The http-level TLS settings of a cluster that terminates TLS: the profile, where SSLCiphers and
 * SSLProtocols (Interlock's keys) replace its values one by one, a session cache shared by the workers,
 * and OCSP stapling.
 */
export function renderTlsPolicy(w: ConfigWriter, s: NginxSettings): void {
  const profile = TLS_PROFILES[s.TLSProfile];
  const ciphers = s.SSLCiphers ?? profile.ciphers;
  w.line(`ssl_protocols ${s.SSLProtocols ?? profile.protocols};`);
  if (ciphers !== undefined) w.line(`ssl_ciphers ${ciphers};`);
  // Mozilla's modern and intermediate suites are all strong, so the client picks what its hardware runs
  // fastest; a list written by hand (Interlock's SSLCiphers) is an order of preference, as Interlock had it.
  const prefer = s.SSLCiphers !== undefined || profile.preferServerCiphers;
  w.line(`ssl_prefer_server_ciphers ${prefer ? 'on' : 'off'};`);
  w.line(`ssl_ecdh_curve ${CURVES};`);
  w.line('ssl_session_cache shared:sb_tls:10m;');
  w.line('ssl_session_timeout 1d;');
  // nginx before 1.23.2 (Debian 12 has 1.22) never rotates its ticket key, which would undo forward secrecy.
  w.line('ssl_session_tickets off;');
  // Stapled for certificates that name an OCSP responder and whose secret holds the issuer; for any other
  // (self-signed, a private CA) nginx warns once as it loads the config and serves them without.
  w.line('ssl_stapling on;');
  w.line('ssl_stapling_verify on;');
  w.line(`resolver ${DOCKER_DNS} ipv6=off;`);
  if (s.SSLDefaultDHParam > 0 && s.SSLDefaultDHParamPath !== '')
    w.line(`ssl_dhparam ${s.SSLDefaultDHParamPath};`);
}

/** The cluster's `HSTS` setting, already checked by the config schema; checked again as it is written. */
export function defaultHsts(s: NginxSettings): Hsts | undefined {
  if (s.HSTS === undefined) return undefined;
  const checked = checkHsts(s.HSTS);
  if (checked.ok) return checked.value;
  throw new SignalboxError('CONFIG_INVALID', `HSTS ${JSON.stringify(s.HSTS)} ${checked.reason}`, {
    value: s.HSTS,
  });
}

/** The header line, written from numbers and fixed words only, so no value can close the quotes. */
export function hstsHeader(h: Hsts): string {
  if (!Number.isSafeInteger(h.maxAge) || h.maxAge < 0)
    throw new SignalboxError('LABEL_INVALID', `refusing to write HSTS max-age ${JSON.stringify(h.maxAge)}`, {
      value: String(h.maxAge),
    });
  const value = `max-age=${h.maxAge}${h.includeSubDomains ? '; includeSubDomains' : ''}${h.preload ? '; preload' : ''}`;
  return `add_header Strict-Transport-Security "${value}" always;`;
}
