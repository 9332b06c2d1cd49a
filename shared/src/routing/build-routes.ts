import { type LabelContext, type LabelError, type LabelLimits, parseServiceLabels } from '../labels/index.js';
import type { AppRoute } from '../model/index.js';
import type { SwarmNetwork, SwarmSnapshot } from '../swarm/snapshot.js';
import { readTenantLabels } from '../tenancy/index.js';
import { byKey } from '../util/compare.js';
import { nodeAddresses, servingTasksByService, targetsFor } from './targets.js';

export interface RejectedService {
  service: string;
  errors: LabelError[];
}

export interface Routes {
  /** Accepted routes, oldest service first: seniority decides conflicts. */
  routes: AppRoute[];
  rejected: RejectedService[];
  warnings: string[];
}

/** Older services win conflicts, so a newcomer can never take over a host that already routes. */
export const bySeniority = (a: AppRoute, b: AppRoute): number =>
  a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.serviceId < b.serviceId ? -1 : 1;

/**
 * `tenantLabel` (from `[Tenancy]`) makes each route carry its tenant and the tenants it shares hosts with.
 * `chooseNetworks` (`[Planner] ChooseNetworks`) routes services on several networks without a network label,
 * with their targets on each (`targetsByNetwork`) until the planner picks one (`withChosenNetworks`).
 */
export function buildRoutes(
  snapshot: SwarmSnapshot,
  tenantLabel?: string,
  limits?: LabelLimits,
  chooseNetworks = false,
): Routes {
  const networksById = new Map<string, SwarmNetwork>(snapshot.networks.map((n) => [n.id, n]));
  const ctx: LabelContext = { networksById, chooseNetworks };
  if (limits) ctx.limits = limits;
  if (snapshot.secrets) ctx.secrets = snapshot.secrets;
  if (snapshot.secretLabels) ctx.secretLabels = snapshot.secretLabels;
  if (tenantLabel !== undefined) ctx.tenantLabel = tenantLabel;
  const routes: AppRoute[] = [];
  const rejected: RejectedService[] = [];
  const warnings: string[] = [];
  const serving = servingTasksByService(snapshot.tasks);
  const nodes = nodeAddresses(snapshot.nodes, snapshot.networks);
  for (const service of [...snapshot.services].sort(byKey((s) => s.name))) {
    const parsed = parseServiceLabels(service, ctx);
    warnings.push(...parsed.warnings);
    if (parsed.kind === 'rejected') rejected.push({ service: service.name, errors: parsed.errors });
    if (parsed.kind !== 'route') continue;
    const { spec } = parsed;
    const tasks = serving.get(service.id) ?? [];
    const found = targetsFor(service, tasks, spec.network?.id ?? null, spec.port, spec.backendMode, nodes);
    if (found.warning) warnings.push(found.warning);
    const route: AppRoute = { ...spec, targets: found.targets };
    if (spec.networkChoices)
      route.targetsByNetwork = Object.fromEntries(
        spec.networkChoices.map((n) => [
          n.id,
          targetsFor(service, tasks, n.id, spec.port, spec.backendMode).targets,
        ]),
      );
    if (tenantLabel === undefined) {
      routes.push(route);
      continue;
    }
    const { tenant, shareWith, warning } = readTenantLabels(service.name, service.labels, tenantLabel);
    if (warning) warnings.push(warning);
    routes.push({ ...route, tenant, shareWith });
  }
  return { routes: routes.sort(bySeniority), rejected, warnings };
}
