import type { ClusterModel } from '#shared/model/index.js';
import { isolateServices, withoutServices } from '#shared/nginx/isolate-services.js';

export interface Check {
  ok: boolean;
  output: string;
}

/** Services left out of a cluster's config because their routes made `nginx -t` (or rendering) fail. */
export interface Excluded {
  services: string[];
  /** What nginx (or the renderer) said about the whole cluster's config. */
  reason: string;
  /** Renders and `nginx -t` runs spent finding them. */
  checks: number;
}

export type ValidatedConfig =
  | { ok: true; nginxConf: string; excluded?: Excluded }
  | { ok: false; reason: string; isolation: 'not-a-service' | 'too-many-checks' };

const attempt = async (
  model: ClusterModel,
  render: (m: ClusterModel) => string,
  validate: (conf: string) => Promise<Check>,
): Promise<{ nginxConf?: string; check: Check }> => {
  let nginxConf: string;
  try {
    nginxConf = render(model);
  } catch (e) {
    return { check: { ok: false, output: `render failed: ${(e as Error).message}` } };
  }
  return { nginxConf, check: await validate(nginxConf) };
};

/**
 * A config for the cluster that passes `nginx -t`. When the whole model's does not, the services at fault are
 * found by bisection and left out, so one tenant's routes cannot keep every other tenant's changes from
 * rolling out; a failure no service explains (a setting, or more than the check budget) fails the cluster.
 */
export async function validatedConfig(
  model: ClusterModel,
  render: (m: ClusterModel) => string,
  validate: (conf: string) => Promise<Check>,
  maxChecks?: number,
): Promise<ValidatedConfig> {
  const whole = await attempt(model, render, validate);
  if (whole.check.ok && whole.nginxConf !== undefined) return { ok: true, nginxConf: whole.nginxConf };
  const reason = whole.check.output;
  const isolation = await isolateServices(
    model,
    async (m) => (await attempt(m, render, validate)).check.ok,
    maxChecks,
  );
  if (!isolation.found) return { ok: false, reason, isolation: isolation.reason };
  const rest = await attempt(withoutServices(model, new Set(isolation.services)), render, validate);
  if (!rest.check.ok || rest.nginxConf === undefined) {
    return { ok: false, reason: rest.check.output, isolation: 'not-a-service' };
  }
  return {
    ok: true,
    nginxConf: rest.nginxConf,
    excluded: { services: isolation.services, reason, checks: isolation.checks + 1 },
  };
}
