import type { ClusterModel, Pool, TlsSecrets } from '../model/index.js';

/**
 * The model with the given services' routes taken out, as if they had no labels. A pool loses those services
 * and goes when none is left; a location, host or passthrough host goes with its pool, a default backend with
 * its service. A host or pool another service shares stays: its settings are that service's too (the model
 * keeps shared hosts and pools only where every service agrees). Targets cannot be told apart by service,
 * so a shared pool keeps them all, which only matters without run-time targets.
 */
export function withoutServices(model: ClusterModel, remove: ReadonlySet<string>): ClusterModel {
  const keep = (pools: readonly Pool[]): Pool[] =>
    pools
      .map((p) => ({ ...p, services: p.services.filter((s) => !remove.has(s)) }))
      .filter((p) => p.services.length > 0);
  const httpPools = keep(model.httpPools);
  const streamPools = keep(model.streamPools);
  const pools = new Set([...httpPools, ...streamPools].map((p) => p.name));
  const virtualHosts = model.virtualHosts
    .map((vh) => ({ ...vh, locations: vh.locations.filter((l) => pools.has(l.pool)) }))
    .filter((vh) => vh.locations.length > 0);
  const defaultBackend =
    model.defaultBackend && !remove.has(model.defaultBackend.service) && pools.has(model.defaultBackend.pool)
      ? model.defaultBackend
      : undefined;
  const tls: (TlsSecrets | undefined)[] = [...virtualHosts.map((v) => v.tls), defaultBackend?.tls];
  const out: ClusterModel = {
    ...model,
    virtualHosts,
    passthroughHosts: model.passthroughHosts.filter((p) => pools.has(p.pool)),
    httpPools,
    streamPools,
    secrets: [...new Set(tls.flatMap((t) => (t ? [t.cert, ...(t.key ? [t.key] : [])] : [])))].sort(),
    services: model.services.filter((s) => !remove.has(s)),
  };
  if (defaultBackend) out.defaultBackend = defaultBackend;
  else delete out.defaultBackend;
  return out;
}

export type Isolation =
  | { found: true; services: string[]; checks: number }
  | { found: false; reason: 'not-a-service' | 'too-many-checks'; checks: number };

/**
 * Which services make `accepts` refuse the model: a set whose removal makes it accept, found by bisection
 * over the model's services in O(k log n) checks for k such services. Each check is a render and `nginx -t`,
 * so at most `maxChecks` are spent; a model that is refused even without any service (a setting, not a label,
 * is at fault) yields `not-a-service`.
 */
export async function isolateServices(
  model: ClusterModel,
  accepts: (model: ClusterModel) => Promise<boolean>,
  maxChecks = 48,
): Promise<Isolation> {
  let checks = 0;
  const acceptsWithout = async (remove: ReadonlySet<string>): Promise<boolean> => {
    if (checks >= maxChecks) throw new OutOfChecks();
    checks++;
    return accepts(withoutServices(model, remove));
  };
  const all = [...model.services].sort();
  // Given: the model without `removed` is refused, without `removed` and `candidates` it is accepted.
  // Returns a part of `candidates` whose removal (with `removed`) makes it accepted.
  const search = async (candidates: string[], removed: ReadonlySet<string>): Promise<string[]> => {
    if (candidates.length === 1) return candidates;
    const half = Math.ceil(candidates.length / 2);
    const a = candidates.slice(0, half);
    const b = candidates.slice(half);
    if (await acceptsWithout(new Set([...removed, ...a]))) return search(a, removed);
    const inB = await search(b, new Set([...removed, ...a]));
    const withoutB = new Set([...removed, ...inB]);
    if (await acceptsWithout(withoutB)) return inB;
    return [...(await search(a, withoutB)), ...inB];
  };
  try {
    if (all.length === 0 || !(await acceptsWithout(new Set(all)))) {
      return { found: false, reason: 'not-a-service', checks };
    }
    return { found: true, services: (await search(all, new Set())).sort(), checks };
  } catch (e) {
    if (e instanceof OutOfChecks) return { found: false, reason: 'too-many-checks', checks };
    throw e;
  }
}

class OutOfChecks extends Error {}
