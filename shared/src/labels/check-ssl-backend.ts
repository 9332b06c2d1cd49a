import { LabelKey } from './label-keys.js';

/**
 * `ssl_backend` and what goes with it: verification needs a CA to verify against, and the CA and the name
 * mean nothing without verification or TLS to the app. A passed-through session is already the app's TLS.
 */
export function checkSslBackend(
  labels: Readonly<Record<string, string>>,
  o: {
    sslBackend: boolean;
    verifyBackend: boolean;
    backendCa: string | undefined;
    backendName: string | undefined;
    sslPassthrough: boolean;
  },
  bad: (label: string, value: string, reason: string) => void,
): void {
  const raw = (label: string): string => labels[label] ?? '';
  const needsBackend = `needs ${LabelKey.sslBackend}=true`;
  if (o.sslBackend && o.sslPassthrough)
    bad(
      LabelKey.sslBackend,
      raw(LabelKey.sslBackend),
      `cannot be combined with ${LabelKey.sslPassthrough}: the app's own TLS is passed through`,
    );
  if (o.verifyBackend && !o.sslBackend)
    bad(LabelKey.sslBackendTlsVerify, raw(LabelKey.sslBackendTlsVerify), needsBackend);
  if (o.verifyBackend && o.backendCa === undefined && labels[LabelKey.sslBackendCa] === undefined)
    bad(
      LabelKey.sslBackendTlsVerify,
      raw(LabelKey.sslBackendTlsVerify),
      `needs ${LabelKey.sslBackendCa}: the Docker secret holding the CA to verify the app's certificate against`,
    );
  if (o.backendCa !== undefined && !o.verifyBackend)
    bad(LabelKey.sslBackendCa, o.backendCa, `needs ${LabelKey.sslBackendTlsVerify}=required`);
  if (o.backendName !== undefined && !o.sslBackend)
    bad(LabelKey.sslBackendName, raw(LabelKey.sslBackendName), needsBackend);
}
