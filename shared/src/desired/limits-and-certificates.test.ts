import { describe, expect, it } from 'vitest';
import { buildEngineSnapshot, type FixtureService } from '../../../testing/engine-fixtures.js';
import { loadConfig } from '../config/index.js';
import { LabelKey, STACK_NAMESPACE_LABEL } from '../labels/index.js';
import { parseSnapshot } from '../swarm/index.js';
import { type CertificateVerdicts, certificatePairKey } from './certificate-admission.js';
import { buildDesiredState } from './desired-state.js';

const TENANCY = `[Tenancy]\nTenantLabel = "${STACK_NAMESPACE_LABEL}"\n`;

const svc = (
  stack: string,
  name: string,
  hosts: string,
  extra: Record<string, string> = {},
): FixtureService => ({
  name: `${stack}_${name}`,
  networks: [`${stack}_net`],
  replicas: 1,
  labels: { [STACK_NAMESPACE_LABEL]: stack, [LabelKey.hosts]: hosts, [LabelKey.port]: '8080', ...extra },
});

const snapshotOf = (services: FixtureService[], secrets: string[] = []) =>
  parseSnapshot(JSON.parse(JSON.stringify(buildEngineSnapshot(services, { secrets })))).snapshot;

const routed = (state: ReturnType<typeof buildDesiredState>) =>
  state.clusters.flatMap((c) => c.model.services).sort();

describe('[Limits] ServicesPerTenant', () => {
  const config = loadConfig(`${TENANCY}[Limits]\nServicesPerTenant = 2\n`).config;
  // Fixture services are created in list order, so later ones are younger.
  const services = [
    svc('blog', 'a', 'a.blog.test'),
    svc('evil', 'e1', 'e1.evil.test'),
    svc('evil', 'e2', 'e2.evil.test'),
    svc('blog', 'b', 'b.blog.test'),
    svc('evil', 'e3', 'e3.evil.test'),
    svc('evil', 'e4', 'e4.evil.test'),
  ];

  it("turns away a tenant's youngest services over the quota, by name, and no other tenant's", () => {
    const state = buildDesiredState(snapshotOf(services), config);
    expect(routed(state)).toEqual(['blog_a', 'blog_b', 'evil_e1', 'evil_e2']);
    const limited = state.rejections.filter((r) => r.code === 'TENANT_LIMIT');
    expect(limited.map((r) => [r.service, r.tenant, r.stage])).toEqual([
      ['evil_e3', 'evil', 'limits'],
      ['evil_e4', 'evil', 'limits'],
    ]);
    expect(limited[0]?.message).toMatch(/evil_e3.*"evil".*2 older services.*ServicesPerTenant/);
  });

  it('counts nothing without [Tenancy]: there are no tenants to bound', () => {
    const plain = loadConfig('[Limits]\nServicesPerTenant = 2\n').config;
    expect(routed(buildDesiredState(snapshotOf(services), plain))).toHaveLength(6);
  });
});

describe('[Limits] LocationsPerCluster', () => {
  it('keeps the older services of a full cluster and turns the younger away by name', () => {
    const config = loadConfig('[Limits]\nLocationsPerCluster = 64\n').config;
    const hosts = (p: string, n: number) => Array.from({ length: n }, (_, i) => `h${i}.${p}.test`).join(',');
    const state = buildDesiredState(
      snapshotOf([
        svc('a', 'old', hosts('old', 40)),
        svc('b', 'big', hosts('big', 30)),
        svc('c', 'small', hosts('small', 20)),
      ]),
      config,
    );
    // 40 + 30 > 64, 40 + 20 fits: the younger small service still fits after the big one is turned away.
    expect(routed(state)).toEqual(['a_old', 'c_small']);
    const over = state.rejections.filter((r) => r.code === 'CLUSTER_LIMIT');
    expect(over.map((r) => r.service)).toEqual(['b_big']);
    expect(over[0]?.message).toMatch(/30 locations.*40 of the 64.*LocationsPerCluster/);
  });
});

describe('certificate verdicts', () => {
  const tls = (cert: string) => ({ [LabelKey.sslCert]: cert, [LabelKey.sslKey]: `${cert}.key` });
  const services = [
    svc('blog', 'web', 'blog.test', tls('blog')),
    svc('shop', 'web', 'shop.test', tls('shop')),
    svc('evil', 'web', 'evil.test', tls('evil')),
    svc('news', 'web', 'news.test'),
  ];
  const secrets = ['blog', 'blog.key', 'shop', 'shop.key', 'evil', 'evil.key'];
  // Without [Tenancy]: the fixture's secrets carry no tenant label, which tenancy would refuse first.
  const config = loadConfig('').config;

  it('refuses the service whose pair nginx refused, holds back one not checked yet, routes the rest', () => {
    const asked: string[] = [];
    const verdicts: CertificateVerdicts = (pair) => {
      asked.push(`${pair.cert}+${pair.key}`);
      if (pair.cert === 'evil') return { usable: false, reason: 'PEM_read_bio_X509_AUX() failed' };
      if (pair.cert === 'shop') return undefined;
      return { usable: true };
    };
    const state = buildDesiredState(snapshotOf(services, secrets), config, { certificates: verdicts });
    expect(routed(state)).toEqual(['blog_web', 'news_web']);
    expect(asked.sort()).toEqual(['blog+blog.key', 'evil+evil.key', 'shop+shop.key']);
    const certs = state.rejections.filter((r) => r.stage === 'certificate');
    expect(certs.map((r) => [r.service, r.code])).toEqual([
      ['shop_web', 'CERTIFICATE_PENDING'],
      ['evil_web', 'CERTIFICATE_UNUSABLE'],
    ]);
    expect(certs[1]?.message).toBe(
      'service evil_web: ssl_cert=evil and ssl_key=evil.key is not a usable certificate and key: PEM_read_bio_X509_AUX() failed',
    );
  });

  it('names pairs by secret IDs, which change when a secret is replaced', () => {
    const keys: string[] = [];
    buildDesiredState(snapshotOf(services, secrets), config, {
      certificates: (pair) => {
        keys.push(certificatePairKey(pair));
        return { usable: true };
      },
    });
    expect(keys).toContain('sec-blog:sec-blog.key');
  });

  it('without verdicts (offline rendering) takes every certificate as it is', () => {
    expect(routed(buildDesiredState(snapshotOf(services, secrets), config))).toHaveLength(4);
  });
});

describe('rejections', () => {
  it('collects every stage in one list with the tenant of each service', () => {
    const config = loadConfig(TENANCY).config;
    const state = buildDesiredState(
      snapshotOf([
        svc('blog', 'web', 'blog.test'),
        svc('evil', 'hijack', 'blog.test'),
        svc('evil', 'broken', 'x.test', { [LabelKey.port]: 'eighty' }),
        svc('evil', 'lost', 'lost.test', { [LabelKey.serviceCluster]: 'nowhere' }),
      ]),
      config,
    );
    expect(state.rejections.map((r) => [r.service, r.tenant, r.stage, r.code])).toEqual([
      ['evil_broken', 'evil', 'labels', 'LABEL_INVALID'],
      ['evil_hijack', 'evil', 'tenancy', 'HOST_CLAIM_REJECTED'],
      ['evil_lost', 'evil', 'placement', 'SERVICE_UNPLACED'],
    ]);
    expect(routed(state)).toEqual(['blog_web']);
  });
});
