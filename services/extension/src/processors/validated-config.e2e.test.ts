import { describe, expect, it } from 'vitest';
import { defaultNginxSettings } from '#shared/config/index.js';
import { LabelKey } from '#shared/labels/index.js';
import type { ClusterModel } from '#shared/model/index.js';
import { renderCluster } from '#shared/nginx/index.js';
import { DEFAULT_RUNTIME_TARGETS } from '#shared/nginx/runtime-targets.js';
import type { FixtureService } from '../../../../testing/engine-fixtures.js';
import { renderFixture, TEST_PORTS } from '../../../../testing/render-fixture.js';
import { NginxValidator } from '../validate/nginx-validator.js';
import { validatedConfig } from './validated-config.js';

/**
 * Issue 14: nothing one service's labels do may keep the other services' routes from rolling out. These
 * break one service's part of a real model the way a renderer or assembler bug (or an older coordinator)
 * could, and check with real `nginx -t` that the worker leaves out that service, and only it.
 */

const validator = new NginxValidator();
const validate = (conf: string) => validator.validate(conf);

const services: FixtureService[] = Array.from({ length: 12 }, (_, i) => ({
  name: `app${String(i).padStart(2, '0')}`,
  networks: ['front'],
  replicas: 1,
  labels: {
    [LabelKey.hosts]: `app${i}.example`,
    [LabelKey.port]: '80',
    ...(i % 3 === 0 ? { [LabelKey.stickySessionCookie]: `sid${i}` } : {}),
  },
}));
const { model } = renderFixture({ services });

const render = (m: ClusterModel): string =>
  renderCluster(m, {
    settings: defaultNginxSettings(),
    ports: TEST_PORTS,
    serverInfo: 'signalbox/test',
    runtimeTargets: DEFAULT_RUNTIME_TARGETS,
  });

/** `service`'s host gets its location twice: nginx refuses a duplicate location. */
const duplicateLocation = (m: ClusterModel, service: string): ClusterModel => {
  const pool = m.httpPools.find((p) => p.services.includes(service));
  return {
    ...m,
    virtualHosts: m.virtualHosts.map((vh) =>
      vh.locations.some((l) => l.pool === pool?.name)
        ? { ...vh, locations: [...vh.locations, ...vh.locations] }
        : vh,
    ),
  };
};

/** A cookie name the renderer refuses, as an older coordinator's validator let through. */
const unsafeCookie = (m: ClusterModel, service: string): ClusterModel => ({
  ...m,
  httpPools: m.httpPools.map((p) =>
    p.services.includes(service) ? { ...p, balance: { kind: 'cookie', cookie: 'a%b' } } : p,
  ),
});

describe('validatedConfig', () => {
  it('passes a good model through untouched', async () => {
    const result = await validatedConfig(model, render, validate);
    expect(result).toEqual({ ok: true, nginxConf: render(model) });
  });

  it('leaves out the services nginx -t refuses, or the renderer throws on, and rolls out the rest', async () => {
    const broken = unsafeCookie(duplicateLocation(model, 'app04'), 'app09');
    const result = await validatedConfig(broken, render, validate);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.excluded?.services).toEqual(['app04', 'app09']);
    expect(result.excluded?.reason).toMatch(/duplicate location|render failed/);
    expect(result.excluded?.checks).toBeLessThan(20);
    expect(result.nginxConf).not.toMatch(/server_name app4\.example;/);
    expect(result.nginxConf).not.toMatch(/server_name app9\.example;/);
    for (const i of [0, 1, 2, 3, 5, 6, 7, 8, 10, 11])
      expect(result.nginxConf).toMatch(new RegExp(`server_name app${i}\\.example;`));
    expect((await validate(result.nginxConf)).ok).toBe(true);
  }, 60_000);

  it('fails the cluster when no service explains the failure', async () => {
    const result = await validatedConfig(model, (m) => `${render(m)}\nnot_a_directive;\n`, validate);
    expect(result).toMatchObject({ ok: false, isolation: 'not-a-service' });
    if (!result.ok) expect(result.reason).toMatch(/unknown directive "not_a_directive"/);
  });
});
