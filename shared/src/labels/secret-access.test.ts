import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot } from '../../../testing/engine-fixtures.js';
import { buildRoutes } from '../routing/build-routes.js';
import { parseSnapshot } from '../swarm/index.js';
import { SecretForbiddenError } from './label-error.js';
import { secretRefusal } from './secret-access.js';
import { MANAGED_LABEL, MANAGED_VALUE, TLS_TENANTS_LABEL } from './signalbox-labels.js';

const TENANT = 'com.docker.stack.namespace';
const managed = { [MANAGED_LABEL]: MANAGED_VALUE };
const as = (tenant: string) => ({ tenantLabel: TENANT, tenant });

describe('secretRefusal', () => {
  it('refuses Signalbox secrets with and without tenancy, whatever else they say', () => {
    expect(secretRefusal(managed)).toMatch(/Signalbox secret/);
    expect(secretRefusal({ ...managed, [TENANT]: 'a', [TLS_TENANTS_LABEL]: 'a' }, as('a'))).toMatch(
      /Signalbox secret/,
    );
  });

  it('allows any other secret without tenancy', () => {
    expect(secretRefusal({})).toBeUndefined();
    expect(secretRefusal({ [TENANT]: 'b' })).toBeUndefined();
  });

  it('with tenancy allows a secret of the same tenant, or one that grants the tenant', () => {
    expect(secretRefusal({ [TENANT]: 'a' }, as('a'))).toBeUndefined();
    expect(secretRefusal({ [TENANT]: 'b', [TLS_TENANTS_LABEL]: 'c, a' }, as('a'))).toBeUndefined();
    expect(secretRefusal({ [TLS_TENANTS_LABEL]: 'a' }, as('a'))).toBeUndefined();
  });

  it("with tenancy refuses another tenant's secret and an ungranted operator secret", () => {
    expect(secretRefusal({ [TENANT]: 'b' }, as('a'))).toMatch(/belongs to tenant "b".*tenant "a"/);
    expect(secretRefusal({ [TENANT]: 'b', [TLS_TENANTS_LABEL]: 'ab,c' }, as('a'))).toMatch(/tenant "b"/);
    expect(secretRefusal({}, as('a'))).toMatch(/has no tenant/);
    expect(secretRefusal({ [TENANT]: 'b' }, as(''))).toMatch(/service without a tenant/);
  });

  it('never lets an empty grant entry admit a service without a tenant', () => {
    expect(secretRefusal({ [TENANT]: 'b', [TLS_TENANTS_LABEL]: 'a,,' }, as(''))).toMatch(/tenant "b"/);
  });
});

describe('ssl_cert and ssl_key through buildRoutes', () => {
  const snapshotWith = (
    serviceLabels: Record<string, string>,
    secrets: Record<string, Record<string, string>>,
  ) => {
    const json = buildEngineSnapshot([
      {
        name: 'a_shop',
        networks: ['front'],
        labels: { 'com.docker.lb.hosts': 'shop.example.org', 'com.docker.lb.port': '80', ...serviceLabels },
      },
    ]);
    json.secrets = Object.entries(secrets).map(([name, labels]) => ({
      ID: `sec-${name}`,
      Spec: { Name: name, Labels: labels },
    }));
    return parseSnapshot(json).snapshot;
  };

  it('rejects a service naming the agent token secret, naming service, label and secret', () => {
    const snapshot = snapshotWith(
      { 'com.docker.lb.ssl_cert': 'cert', 'com.docker.lb.ssl_key': 'signalbox-agent-token-abc' },
      { cert: {}, 'signalbox-agent-token-abc': managed },
    );
    const { routes, rejected } = buildRoutes(snapshot);
    expect(routes).toEqual([]);
    const [error, ...more] = rejected[0]?.errors ?? [];
    expect(more).toEqual([]);
    expect(error).toBeInstanceOf(SecretForbiddenError);
    expect(error?.code).toBe('SECRET_FORBIDDEN');
    expect(error?.details).toMatchObject({
      service: 'a_shop',
      label: 'com.docker.lb.ssl_key',
      secret: 'signalbox-agent-token-abc',
    });
    expect(error?.message).toMatch(/a_shop.*ssl_key.*signalbox-agent-token-abc/);
  });

  it("with a tenant label rejects another tenant's key and routes with a granted one", () => {
    const labels = { [TENANT]: 'a', 'com.docker.lb.ssl_cert': 'b_cert', 'com.docker.lb.ssl_key': 'b_key' };
    const foreign = snapshotWith(labels, { b_cert: { [TENANT]: 'b' }, b_key: { [TENANT]: 'b' } });
    const refused = buildRoutes(foreign, TENANT);
    expect(refused.routes).toEqual([]);
    expect(refused.rejected[0]?.errors.map((e) => e.details.label)).toEqual([
      'com.docker.lb.ssl_cert',
      'com.docker.lb.ssl_key',
    ]);
    const grant = { [TENANT]: 'b', [TLS_TENANTS_LABEL]: 'a' };
    const granted = buildRoutes(snapshotWith(labels, { b_cert: grant, b_key: grant }), TENANT);
    expect(granted.rejected).toEqual([]);
    expect(granted.routes.map((r) => r.service)).toEqual(['a_shop']);
  });
});
