import { MANAGED_LABEL, MANAGED_VALUE, TLS_TENANTS_LABEL } from './signalbox-labels.js';

/** With `[Tenancy]`: the label naming tenants, and the tenant of the service asking. */
export interface SecretTenancy {
  tenantLabel: string;
  tenant: string;
}

/**
 * Why a service may not mount this secret, or undefined when it may. With tenancy a secret belongs to the
 * tenant its own tenant label names (no label: to services without a tenant) plus those it grants, so an
 * unlabelled operator secret is out of reach of every tenant until the operator grants it.
 */
export function secretRefusal(
  secretLabels: Readonly<Record<string, string>>,
  tenancy?: SecretTenancy,
): string | undefined {
  if (secretLabels[MANAGED_LABEL] === MANAGED_VALUE)
    return `names a Signalbox secret (${MANAGED_LABEL}=${MANAGED_VALUE}), which is never mounted into a proxy`;
  if (!tenancy) return undefined;
  const owner = (secretLabels[tenancy.tenantLabel] ?? '').trim();
  if (owner === tenancy.tenant) return undefined;
  const granted = (secretLabels[TLS_TENANTS_LABEL] ?? '').split(',').map((t) => t.trim());
  if (tenancy.tenant !== '' && granted.includes(tenancy.tenant)) return undefined;
  const whose = owner === '' ? 'has no tenant' : `belongs to tenant ${JSON.stringify(owner)}`;
  const who =
    tenancy.tenant === '' ? 'a service without a tenant' : `tenant ${JSON.stringify(tenancy.tenant)}`;
  return `names a secret that ${whose} and does not grant ${who} (${TLS_TENANTS_LABEL})`;
}
