import { SignalboxError } from '../errors/index.js';

/**
 * Why a tenant may not have a host. `owned`: another tenant claimed it (or a wildcard over it) first and does
 * not share it; `reserved`: `[Tenancy.Domains]` gives it to another tenant; `wildcard-over-owned` and
 * `wildcard-over-reserved`: a wildcard would catch another tenant's host; `default-backend`: the tenant is not
 * in `DefaultBackendTenants`.
 */
export type ClaimRefusal =
  | 'owned'
  | 'reserved'
  | 'wildcard-over-owned'
  | 'wildcard-over-reserved'
  | 'default-backend';

/** The pseudo host a default backend claims: every request no server name matches. */
export const DEFAULT_BACKEND_HOST = '(default backend)';

const tenantText = (tenant: string): string => (tenant === '' ? 'the services without a tenant' : tenant);

/**
 * One refused host claim. The service keeps its other hosts; the owner is named by tenant only, so a refusal
 * shown to the claimant reveals no service of another tenant.
 */
export class HostClaimError extends SignalboxError {
  constructor(d: {
    service: string;
    tenant: string;
    host: string;
    refusal: ClaimRefusal;
    /** The tenant that owns or has reserved the host (or a name under or over it). */
    owner?: string;
    /** The owned or reserved name that blocks the claim, when it is not `host` itself. */
    via?: string;
  }) {
    const owner = tenantText(d.owner ?? '');
    const via = d.via !== undefined && d.via !== d.host ? ` (through ${d.via})` : '';
    const why: Record<ClaimRefusal, string> = {
      owned: `is owned by tenant ${owner}${via}, which does not share it with ${tenantText(d.tenant)}`,
      reserved: `is reserved for tenant ${owner}${via} by [Tenancy.Domains]`,
      'wildcard-over-owned': `would cover ${d.via ?? 'a host'}, owned by tenant ${owner}`,
      'wildcard-over-reserved': `would cover ${d.via ?? 'a name'}, reserved for tenant ${owner} by [Tenancy.Domains]`,
      'default-backend': `is only for the tenants in [Tenancy] DefaultBackendTenants`,
    };
    super(
      'HOST_CLAIM_REJECTED',
      `service ${d.service} (tenant ${tenantText(d.tenant)}): host ${d.host} ${why[d.refusal]}`,
      {
        service: d.service,
        tenant: d.tenant,
        host: d.host,
        refusal: d.refusal,
        ...(d.owner !== undefined ? { owner: d.owner } : {}),
        ...(d.via !== undefined ? { via: d.via } : {}),
      },
    );
  }
}
