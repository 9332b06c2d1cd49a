import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { assembleCluster } from '../routing/assemble-cluster.js';
import { buildRoutes } from '../routing/build-routes.js';
import { parseSnapshot } from '../swarm/index.js';
import { SecretForbiddenError } from './label-error.js';
import { LabelKey } from './label-keys.js';
import { MANAGED_LABEL, MANAGED_VALUE, TLS_TENANTS_LABEL } from './signalbox-labels.js';

/** `com.docker.lb.ssl_backend`, `ssl_backend_tls_verify` and Signalbox's CA and name labels. */
const TENANT = 'com.docker.stack.namespace';

const service = (
  name: string,
  labels: Record<string, string>,
  createdAt = '2026-01-01T00:00:00Z',
): FixtureService => ({
  name,
  createdAt,
  networks: ['front'],
  labels: { [LabelKey.hosts]: 'vault.example.org', [LabelKey.port]: '8200', ...labels },
});

function routesOf(
  services: FixtureService[],
  secrets: Record<string, Record<string, string>> = {},
  tenantLabel?: string,
) {
  const json = buildEngineSnapshot(services);
  json.secrets = Object.entries(secrets).map(([name, labels]) => ({
    ID: `sec-${name}`,
    Spec: { Name: name, Labels: labels },
  }));
  return buildRoutes(parseSnapshot(json).snapshot, tenantLabel);
}

const errorsOf = (labels: Record<string, string>, secrets: Record<string, Record<string, string>> = {}) =>
  (routesOf([service('vault', labels)], secrets).rejected[0]?.errors ?? []).map((e) => ({
    label: e.details.label,
    value: e.details.value,
    message: e.message,
  }));

describe('ssl_backend labels', () => {
  it('reads Interlock 3.0 ssl_backend with verification off, as Interlock defaulted', () => {
    for (const verify of [{}, { [LabelKey.sslBackendTlsVerify]: 'none' }] as Record<string, string>[]) {
      const { routes, rejected, warnings } = routesOf([
        service('vault', { [LabelKey.sslBackend]: 'true', ...verify }),
      ]);
      expect(rejected).toEqual([]);
      expect(warnings).toEqual([]);
      expect(routes[0]?.sslBackend).toEqual({});
    }
  });

  it('verifies against the CA secret, with the name to expect', () => {
    const { routes, rejected } = routesOf(
      [
        service('vault', {
          [LabelKey.sslBackend]: 'true',
          [LabelKey.sslBackendTlsVerify]: ' Required ',
          [LabelKey.sslBackendCa]: 'internal-ca',
          [LabelKey.sslBackendName]: 'Vault.Internal',
        }),
      ],
      { 'internal-ca': {} },
    );
    expect(rejected).toEqual([]);
    expect(routes[0]?.sslBackend).toEqual({ ca: 'internal-ca', name: 'vault.internal' });
  });

  it('leaves a service without ssl_backend as plain HTTP, and ssl_backend=false with verify none alone', () => {
    const { routes } = routesOf([
      service('plain', {}),
      service(
        'off',
        { [LabelKey.sslBackend]: 'false', [LabelKey.sslBackendTlsVerify]: 'none' },
        '2026-02-01',
      ),
    ]);
    expect(routes.map((r) => r.sslBackend)).toEqual([undefined, undefined]);
  });

  it.each([
    [
      'a value that is not a boolean',
      { [LabelKey.sslBackend]: 'yes please' },
      LabelKey.sslBackend,
      /not a boolean/,
    ],
    [
      'a verify mode Interlock did not have',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslBackendTlsVerify]: 'optional' },
      LabelKey.sslBackendTlsVerify,
      /not none or required/,
    ],
    [
      'a directive smuggled into the verify mode',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslBackendTlsVerify]: 'none; return 200 x' },
      LabelKey.sslBackendTlsVerify,
      /not none or required/,
    ],
    [
      'verification without a CA',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslBackendTlsVerify]: 'required' },
      LabelKey.sslBackendTlsVerify,
      /needs io\.signalbox\.ssl_backend_ca/,
    ],
    [
      'verification without ssl_backend',
      { [LabelKey.sslBackendTlsVerify]: 'required', [LabelKey.sslBackendCa]: 'internal-ca' },
      LabelKey.sslBackendTlsVerify,
      /needs com\.docker\.lb\.ssl_backend=true/,
    ],
    [
      'a CA without verification',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslBackendCa]: 'internal-ca' },
      LabelKey.sslBackendCa,
      /needs com\.docker\.lb\.ssl_backend_tls_verify=required/,
    ],
    [
      'a CA path instead of a secret name',
      {
        [LabelKey.sslBackend]: 'true',
        [LabelKey.sslBackendTlsVerify]: 'required',
        [LabelKey.sslBackendCa]: '../../etc/ssl/ca.pem',
      },
      LabelKey.sslBackendCa,
      /not a Docker secret name/,
    ],
    [
      'a name with a variable in it',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslBackendName]: '$http_host' },
      LabelKey.sslBackendName,
      /not an RFC 1123 host name/,
    ],
    [
      'a wildcard name',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslBackendName]: '*.internal' },
      LabelKey.sslBackendName,
      /wildcard/,
    ],
    [
      'a name without ssl_backend',
      { [LabelKey.sslBackendName]: 'vault.internal' },
      LabelKey.sslBackendName,
      /needs com\.docker\.lb\.ssl_backend=true/,
    ],
    [
      'ssl_backend with passthrough',
      { [LabelKey.sslBackend]: 'true', [LabelKey.sslPassthrough]: 'true', [LabelKey.network]: 'front' },
      LabelKey.sslBackend,
      /cannot be combined with com\.docker\.lb\.ssl_passthrough/,
    ],
  ])('rejects %s, naming service, label and value', (_case, labels, label, reason) => {
    const errors = errorsOf(labels, { 'internal-ca': {} });
    expect(errors.map((e) => e.label)).toEqual([label]);
    expect(errors[0]?.message).toMatch(reason);
    expect(errors[0]?.message).toContain(`service vault: label ${label}=`);
    expect(errors[0]?.value).toBe(labels[label as keyof typeof labels] ?? '');
  });

  it('needs the CA secret to exist', () => {
    const labels = {
      [LabelKey.sslBackend]: 'true',
      [LabelKey.sslBackendTlsVerify]: 'required',
      [LabelKey.sslBackendCa]: 'gone-ca',
    };
    expect(errorsOf(labels, { 'internal-ca': {} })).toEqual([
      expect.objectContaining({
        label: LabelKey.sslBackendCa,
        message: expect.stringMatching(/no existing Docker secret/),
      }),
    ]);
  });

  it('never mounts a Signalbox secret as a CA, and with tenancy only a CA the tenant may use', () => {
    const verify = (ca: string, tenant: string) =>
      service('a_vault', {
        [TENANT]: tenant,
        [LabelKey.sslBackend]: 'true',
        [LabelKey.sslBackendTlsVerify]: 'required',
        [LabelKey.sslBackendCa]: ca,
      });
    const secrets = {
      'signalbox-agent-token': { [MANAGED_LABEL]: MANAGED_VALUE },
      b_ca: { [TENANT]: 'b' },
      shared_ca: { [TENANT]: 'ops', [TLS_TENANTS_LABEL]: 'a' },
    };
    const token = routesOf([verify('signalbox-agent-token', 'a')], secrets);
    const [error] = token.rejected[0]?.errors ?? [];
    expect(error).toBeInstanceOf(SecretForbiddenError);
    expect(error?.details).toMatchObject({ service: 'a_vault', label: LabelKey.sslBackendCa });
    const foreign = routesOf([verify('b_ca', 'a')], secrets, TENANT);
    expect(foreign.rejected[0]?.errors.map((e) => [e.code, e.details.label])).toEqual([
      ['SECRET_FORBIDDEN', LabelKey.sslBackendCa],
    ]);
    const granted = routesOf([verify('shared_ca', 'a')], secrets, TENANT);
    expect(granted.rejected).toEqual([]);
    expect(granted.routes[0]?.sslBackend?.ca).toBe('shared_ca');
  });
});

describe('ssl_backend in the cluster model', () => {
  const verified = {
    [LabelKey.sslBackend]: 'true',
    [LabelKey.sslBackendTlsVerify]: 'required',
    [LabelKey.sslBackendCa]: 'internal-ca',
  };

  it('marks the pool and mounts the CA into the proxy', () => {
    const { routes } = routesOf([service('vault', verified)], { 'internal-ca': {} });
    const model = assembleCluster('', routes);
    expect(model.httpPools[0]?.sslBackend).toEqual({ ca: 'internal-ca' });
    expect(model.secrets).toEqual(['internal-ca']);
  });

  it('settles a pool whose services disagree on ssl_backend by seniority', () => {
    for (const [older, newer] of [
      [verified, {}],
      [{}, verified],
      [verified, { ...verified, [LabelKey.sslBackendName]: 'other.internal' }],
    ]) {
      const { routes } = routesOf(
        [service('first', older ?? {}), service('second', newer ?? {}, '2026-02-01T00:00:00Z')],
        { 'internal-ca': {} },
      );
      const model = assembleCluster('', routes);
      expect(model.conflicts).toEqual([
        expect.objectContaining({ kind: 'pool', kept: 'first', dropped: 'second' }),
      ]);
      expect(model.conflicts[0]?.reason).toMatch(/ssl_backend/);
      expect(model.httpPools[0]?.services).toEqual(['first']);
      expect(model.httpPools[0]?.sslBackend).toEqual(older === verified ? { ca: 'internal-ca' } : undefined);
      // A CA only the dropped service asked for is not mounted.
      expect(model.secrets).toEqual(older === verified ? ['internal-ca'] : []);
    }
  });

  it('pools services that agree, canary style', () => {
    const { routes } = routesOf([service('v1', verified), service('v2', verified, '2026-02-01T00:00:00Z')], {
      'internal-ca': {},
    });
    const model = assembleCluster('', routes);
    expect(model.conflicts).toEqual([]);
    expect(model.httpPools[0]?.services).toEqual(['v1', 'v2']);
  });
});
