import type { Logger } from 'pino';
import { defaultExtension, type SignalboxConfig } from '#shared/config/index.js';
import {
  type CertificatePair,
  type CertificateVerdict,
  type CertificateVerdicts,
  certificatePairKey,
  type DesiredState,
} from '#shared/desired/index.js';
import { INSTALLATION_LABEL, ROLE_LABEL } from '#shared/labels/index.js';
import { LogField } from '#shared/log/fields.js';
import type { CertificateCheckSite } from '../docker/certificate-check-job.js';
import { DEFAULT_PROXY_IMAGE } from './proxy-service-spec.js';

/** Where verdicts outlive a leader: a new one reads them instead of running the checks again. */
export interface VerdictStore {
  get(key: string): Promise<CertificateVerdict | undefined>;
  set(key: string, verdict: CertificateVerdict): Promise<void>;
}

/** A Redis hash, field per pair. Secret IDs never come back once a secret is removed, so entries stay valid. */
export const redisVerdictStore = (
  redis: {
    hget(key: string, field: string): Promise<string | null>;
    hset(key: string, field: string, value: string): Promise<unknown>;
  },
  hash: string,
): VerdictStore => ({
  async get(key) {
    const raw = await redis.hget(hash, key);
    return raw ? (JSON.parse(raw) as CertificateVerdict) : undefined;
  },
  async set(key, verdict) {
    await redis.hset(hash, key, JSON.stringify(verdict));
  },
});

/** A check that gave no verdict (the job did not run) is tried again after this long. */
const RETRY_AFTER_MS = 30_000;

/**
 * The one owner of certificate verdicts. Checks run in the background, a few at a time, so a pass never
 * waits for one; each new verdict calls `changed` (a pass that admits or refuses the services).
 */
export class CertificateChecks {
  private readonly verdicts = new Map<string, CertificateVerdict>();
  private readonly queued = new Map<string, CertificatePair>();
  private readonly inFlight = new Set<string>();
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly check: (pair: CertificatePair) => Promise<CertificateVerdict | undefined>,
    private readonly store: VerdictStore,
    private readonly changed: () => void,
    private readonly log: Logger,
    private readonly concurrency = 2,
  ) {}

  verdict(pair: CertificatePair): CertificateVerdict | undefined {
    return this.verdicts.get(certificatePairKey(pair));
  }

  /**
   * Verdicts for one pass. A pair nginx has not checked yet holds back a service the cluster does not route
   * with it yet; one the last desired state (`latest`) routed keeps its routes while it is checked, and so
   * does every pair on a standby and on a coordinator's first pass, so a new leader never drops TLS routes
   * to check them. Only the leader has pairs checked.
   */
  verdictsFor(
    leader: boolean,
    latest: DesiredState | undefined,
    secretIds: ReadonlyMap<string, string> | undefined,
  ): CertificateVerdicts {
    const served = new Set(
      (latest?.routes.routes ?? []).flatMap((r) =>
        r.tls
          ? [
              certificatePairKey({
                certId: secretIds?.get(r.tls.cert) ?? '',
                keyId: secretIds?.get(r.tls.key ?? r.tls.cert) ?? '',
              }),
            ]
          : [],
      ),
    );
    const assumeUsable = !leader || latest === undefined;
    return (pair) => {
      const verdict = this.verdict(pair);
      if (verdict) return verdict;
      if (leader) this.request(pair);
      return assumeUsable || served.has(certificatePairKey(pair)) ? { usable: true } : undefined;
    };
  }

  /** Has the pair checked unless a verdict is known, a check is on its way, or the last try is recent. */
  request(pair: CertificatePair): void {
    const key = certificatePairKey(pair);
    if (this.verdicts.has(key) || this.queued.has(key) || this.inFlight.has(key)) return;
    if (Date.now() - (this.failedAt.get(key) ?? 0) < RETRY_AFTER_MS) return;
    this.queued.set(key, pair);
    this.drain();
  }

  private drain(): void {
    while (this.inFlight.size < this.concurrency && this.queued.size > 0) {
      const [key, pair] = this.queued.entries().next().value as [string, CertificatePair];
      this.queued.delete(key);
      this.inFlight.add(key);
      void this.run(key, pair).finally(() => {
        this.inFlight.delete(key);
        this.drain();
      });
    }
  }

  private async run(key: string, pair: CertificatePair): Promise<void> {
    const fields = { [LogField.secret]: `${pair.cert},${pair.key}` };
    try {
      const stored = await this.store.get(key).catch(() => undefined);
      const verdict = stored ?? (await this.check(pair));
      if (!verdict) {
        this.failedAt.set(key, Date.now());
        this.log.warn(fields, 'certificate check gave no verdict; trying again later');
        return;
      }
      this.verdicts.set(key, verdict);
      if (!stored) await this.store.set(key, verdict).catch(() => undefined);
      if (!verdict.usable)
        this.log.warn({ ...fields, reason: verdict.reason }, 'certificate refused by nginx');
      this.changed();
    } catch (e) {
      this.failedAt.set(key, Date.now());
      this.log.warn({ ...fields, err: (e as Error).message }, 'certificate check failed; trying again later');
    }
  }
}

/**
 * Where checks run: the default extension's proxy image (its nginx is the one that must accept the pair)
 * and placement, labelled like the proxies so operators and test cleanups find them.
 */
export function certificateCheckSite(config: SignalboxConfig, installation: string): CertificateCheckSite {
  const ext = config.Extensions.default ?? Object.values(config.Extensions)[0] ?? defaultExtension();
  return {
    image: ext.ProxyImage ?? DEFAULT_PROXY_IMAGE,
    constraints: ext.ProxyConstraints,
    labels: { ...ext.ProxyLabels, [ROLE_LABEL]: 'certificate-check', [INSTALLATION_LABEL]: installation },
    namePrefix: installation,
  };
}
