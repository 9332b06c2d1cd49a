import type { TenancySettings } from '../config/tenancy-schema.js';
import type { AppRoute } from '../model/index.js';
import { byKey, byString } from '../util/compare.js';
import { DEFAULT_BACKEND_HOST, HostClaimError } from './host-claim-error.js';
import { coveringWildcards, suffixesOver, wildcardSuffix } from './host-names.js';

export interface TenantSummary {
  tenant: string;
  services: string[];
  /** Names the tenant owns: it claimed them first, or they are reserved for it and it claimed them. */
  hosts: string[];
}

export interface TenancyResult {
  /** The routes in the order given, each narrowed to the hosts it may have; a route left with none is gone. */
  routes: AppRoute[];
  rejections: HostClaimError[];
  tenants: TenantSummary[];
}

interface Owner {
  tenant: string;
  shareWith: readonly string[];
}

const admits = (owner: Owner, tenant: string): boolean =>
  owner.tenant === tenant || owner.shareWith.includes(tenant);

/** The most specific `[Tenancy.Domains]` entry that covers a name: the name itself, then wider wildcards. */
function reservationOf(
  reserved: ReadonlyMap<string, string>,
  name: string,
): { tenant: string; via: string } | undefined {
  for (const candidate of [name, ...coveringWildcards(name)]) {
    const tenant = reserved.get(candidate);
    if (tenant !== undefined) return { tenant, via: candidate };
  }
  return undefined;
}

/**
 * Host ownership between tenants. Routes arrive oldest first (`bySeniority`); the first tenant to claim a
 * name owns it, and a later claim by another tenant is refused unless the owning service shares the name
 * with that tenant. `[Tenancy.Domains]` reservations come before seniority. Refusing the claim, not merely
 * leaving it out of one cluster, is what keeps an attacker out of the owner's pool and the owner out of the
 * attacker's host group, and with it out of the attacker's pinned cluster.
 */
export function claimHosts(routes: readonly AppRoute[], settings: TenancySettings): TenancyResult {
  const reserved = new Map<string, string>();
  for (const [tenant, names] of Object.entries(settings.Domains))
    for (const n of names) reserved.set(n, tenant);
  const owners = new Map<string, Owner>();
  const ownedWildcards = new Set<string>();
  // suffix → tenant → the first name under the suffix, so a wildcard claim is one lookup, not a scan.
  const ownedUnder = new Map<string, Map<string, string>>();
  const reservedUnder = new Map<string, Map<string, string>>();
  const note = (index: Map<string, Map<string, string>>, name: string, tenant: string) => {
    for (const suffix of suffixesOver(name)) {
      let tenants = index.get(suffix);
      if (!tenants) {
        tenants = new Map();
        index.set(suffix, tenants);
      }
      if (!tenants.has(tenant)) tenants.set(tenant, name);
    }
  };
  for (const [name, tenant] of reserved) note(reservedUnder, name, tenant);
  const otherUnder = (index: Map<string, Map<string, string>>, suffix: string, tenant: string) =>
    [...(index.get(suffix) ?? [])].find(([t]) => t !== tenant);
  const rejections: HostClaimError[] = [];
  const kept: AppRoute[] = [];

  const refusalFor = (route: AppRoute, tenant: string, host: string): HostClaimError | undefined => {
    const refuse = (
      refusal: ConstructorParameters<typeof HostClaimError>[0]['refusal'],
      owner: string,
      via?: string,
    ) =>
      new HostClaimError({
        service: route.service,
        tenant,
        host,
        refusal,
        owner,
        ...(via !== undefined ? { via } : {}),
      });
    const reservation = reservationOf(reserved, host);
    if (reservation && reservation.tenant !== tenant)
      return refuse('reserved', reservation.tenant, reservation.via);
    const exact = owners.get(host);
    if (exact) return admits(exact, tenant) ? undefined : refuse('owned', exact.tenant);
    if (reservation) return undefined;
    // nginx prefers the most specific wildcard, so that is the one whose owner has to agree.
    const over = coveringWildcards(host).find((w) => ownedWildcards.has(w));
    const overOwner = over === undefined ? undefined : owners.get(over);
    if (over !== undefined && overOwner && !admits(overOwner, tenant))
      return refuse('owned', overOwner.tenant, over);
    const suffix = wildcardSuffix(host);
    if (suffix === undefined) return undefined;
    const owned = otherUnder(ownedUnder, suffix, tenant);
    if (owned) return refuse('wildcard-over-owned', owned[0], owned[1]);
    const reservedThere = otherUnder(reservedUnder, suffix, tenant);
    if (reservedThere) return refuse('wildcard-over-reserved', reservedThere[0], reservedThere[1]);
    return undefined;
  };

  for (const route of routes) {
    const tenant = route.tenant ?? '';
    const hosts: string[] = [];
    for (const raw of route.hosts) {
      const host = raw.toLowerCase();
      const refusal = refusalFor(route, tenant, host);
      if (refusal) {
        rejections.push(refusal);
        continue;
      }
      hosts.push(raw);
      if (!owners.has(host)) {
        owners.set(host, { tenant, shareWith: route.shareWith ?? [] });
        note(ownedUnder, host, tenant);
        if (wildcardSuffix(host) !== undefined) ownedWildcards.add(host);
      }
    }
    let defaultBackend = route.defaultBackend;
    if (defaultBackend && !settings.DefaultBackendTenants.includes(tenant)) {
      rejections.push(
        new HostClaimError({
          service: route.service,
          tenant,
          host: DEFAULT_BACKEND_HOST,
          refusal: 'default-backend',
        }),
      );
      defaultBackend = false;
    }
    if (hosts.length === 0 && !defaultBackend) continue;
    if (hosts.length === route.hosts.length && defaultBackend === route.defaultBackend) {
      kept.push(route);
      continue;
    }
    const allowed = new Set(hosts);
    kept.push({
      ...route,
      hosts,
      defaultBackend,
      redirects: route.redirects.filter((r) => allowed.has(r.fromHost)),
    });
  }
  return { routes: kept, rejections, tenants: summarise(routes, kept, owners) };
}

function summarise(
  all: readonly AppRoute[],
  kept: readonly AppRoute[],
  owners: ReadonlyMap<string, Owner>,
): TenantSummary[] {
  const byTenant = new Map<string, TenantSummary>();
  const entry = (tenant: string): TenantSummary => {
    let e = byTenant.get(tenant);
    if (!e) {
      e = { tenant, services: [], hosts: [] };
      byTenant.set(tenant, e);
    }
    return e;
  };
  for (const r of all) entry(r.tenant ?? '');
  for (const r of kept) entry(r.tenant ?? '').services.push(r.service);
  for (const [host, owner] of owners) entry(owner.tenant).hosts.push(host);
  for (const e of byTenant.values()) {
    e.services.sort(byString);
    e.hosts.sort(byString);
  }
  return [...byTenant.values()].sort(byKey((e) => e.tenant));
}
