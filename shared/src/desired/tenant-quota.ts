import type { AppRoute } from '../model/index.js';
import type { Rejection } from './rejections.js';

/**
 * Caps the services one tenant routes: its oldest `max` keep their routes, the younger ones are turned away.
 * Without this a tenant could run the coordinator's passes (and a shared cluster's config) as large as it
 * likes, one modest service at a time. Routes without a tenant (no `[Tenancy]`) are not counted.
 */
export function limitServicesPerTenant(
  routes: readonly AppRoute[],
  max: number,
): { routes: AppRoute[]; rejections: Rejection[] } {
  const counted = new Map<string, number>();
  const kept: AppRoute[] = [];
  const rejections: Rejection[] = [];
  for (const route of routes) {
    if (route.tenant === undefined) {
      kept.push(route);
      continue;
    }
    const n = (counted.get(route.tenant) ?? 0) + 1;
    counted.set(route.tenant, n);
    if (n <= max) {
      kept.push(route);
      continue;
    }
    rejections.push({
      service: route.service,
      tenant: route.tenant,
      stage: 'limits',
      code: 'TENANT_LIMIT',
      message: `service ${route.service}: tenant ${JSON.stringify(route.tenant)} routes ${max} older services, the most [Limits] ServicesPerTenant allows`,
    });
  }
  return { routes: kept, rejections };
}
