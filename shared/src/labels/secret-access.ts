/**
 * Marks what Signalbox itself creates (proxy services, configs, token secrets). On a secret it means "never
 * mount into a proxy": a tenant naming one in `ssl_cert` would otherwise get an agent or API token into an
 * internet-facing container. Anyone may put the label on their own secret; that only locks themselves out.
 */
export const SIGNALBOX_MANAGED_LABEL = 'io.signalbox.managed-by';
export const SIGNALBOX_MANAGED_VALUE = 'signalbox';
/** On a secret: the further tenants (comma-separated) whose services may use it, e.g. a shared wildcard. */
export const TLS_TENANTS_LABEL = 'io.signalbox.tls.tenants';

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
  if (secretLabels[SIGNALBOX_MANAGED_LABEL] === SIGNALBOX_MANAGED_VALUE)
    return `names a Signalbox secret (${SIGNALBOX_MANAGED_LABEL}=${SIGNALBOX_MANAGED_VALUE}), which is never mounted into a proxy`;
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
