import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../testing/certificates.js';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { longHostName as longHost } from '../../../testing/host-names.js';
import { nginxTest } from '../../../testing/nginx-process.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import { LabelKey } from '../labels/index.js';

/**
 * Issue 14: a valid host name of 111–253 characters, or a long sticky cookie name, used to overflow one of
 * nginx's fixed hash buckets and fail `nginx -t` for every service of the cluster. Real nginx checks that
 * every name the validators accept now fits.
 */

const svc = (name: string, labels: Record<string, string>): FixtureService => ({
  name,
  networks: ['front'],
  replicas: 2,
  labels: { [LabelKey.port]: '80', ...labels },
});

describe('names that fill a hash bucket', () => {
  it('renders 253-character hosts (plain, TLS, passthrough, wildcard) and a 256-character cookie that nginx -t accepts', async () => {
    const [plain = '', tls = '', passthrough = '', wild = ''] = [1, 2, 3, 4].map((seed) => longHost(seed));
    const { config, routes } = renderFixture({
      secrets: ['long.cert'],
      services: [
        svc('plain', { [LabelKey.hosts]: plain, [LabelKey.stickySessionCookie]: 'c'.repeat(256) }),
        svc('tls', { [LabelKey.hosts]: tls, [LabelKey.sslCert]: 'long.cert' }),
        svc('passthrough', { [LabelKey.hosts]: passthrough, [LabelKey.sslPassthrough]: 'true' }),
        svc('wild', { [LabelKey.hosts]: `*.${wild.slice(2)}` }),
      ],
    });
    expect(routes.rejected).toEqual([]);
    const pem = await selfSignedCertificate('long.test');
    const secrets = { 'long.cert': `${pem.cert}${pem.key}` };
    const check = await nginxTest(config, secrets);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
    expect(config).toMatch(/server_names_hash_bucket_size 1024;/);

    // The fixed sizes this replaces: each alone fails the whole cluster.
    for (const [fixed, hash] of [
      [
        config.replace(/server_names_hash_bucket_size \d+;/, 'server_names_hash_bucket_size 128;'),
        'server_names_hash',
      ],
      [config.replace(/map_hash_bucket_size \d+;/, 'map_hash_bucket_size 64;'), 'map_hash'],
      [config.replace(/variables_hash_bucket_size \d+;/, 'variables_hash_bucket_size 64;'), 'variables_hash'],
    ] as const) {
      const old = await nginxTest(fixed, secrets);
      expect(old.ok).toBe(false);
      expect(old.output).toMatch(new RegExp(`could not build ${hash}`));
    }
  });

  it('keeps a configured bucket size larger than needed as the floor', () => {
    const { config } = renderFixture({
      settings: { ServerNamesHashBucketSize: 4096 },
      services: [svc('plain', { [LabelKey.hosts]: longHost(9) })],
    });
    expect(config).toMatch(/server_names_hash_bucket_size 4096;/);
  });

  it('fits 960 random 253-character hosts without nginx warning that the hash is not optimal', async () => {
    const services = Array.from({ length: 64 }, (_, s) =>
      svc(`s${s}`, {
        [LabelKey.hosts]: Array.from({ length: 15 }, (_, h) => longHost(100 + s * 15 + h)).join(','),
      }),
    );
    const { config, model } = renderFixture({ services });
    expect(model.virtualHosts).toHaveLength(960);
    const check = await nginxTest(config);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('fits 300 sticky cookies of 256 characters, one variable each, without nginx warning', async () => {
    const services = Array.from({ length: 300 }, (_, i) =>
      svc(`s${i}`, {
        [LabelKey.hosts]: `h${i}.example`,
        [LabelKey.stickySessionCookie]: `${i}`.padEnd(256, 'c'),
      }),
    );
    const { config } = renderFixture({ services });
    expect(config).toMatch(/variables_hash_bucket_size 2048;\n\s*variables_hash_max_size 2048;/);
    const check = await nginxTest(config);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('passes nginx -t for any mix of valid host lengths and counts (property)', async () => {
    const host = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 63 }), fc.nat())
      .map(([labels, width, seed]) =>
        Array.from({ length: labels }, (_, i) => longHost(seed + i).slice(0, width)).join('.'),
      )
      .filter((h) => !/^[0-9.]+$/.test(h));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uniqueArray(host, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (hostsPerService, passthrough) => {
          const services = hostsPerService.map((hosts, i) =>
            svc(`s${i}`, {
              [LabelKey.hosts]: hosts.join(','),
              ...(passthrough && i === 0 ? { [LabelKey.sslPassthrough]: 'true' } : {}),
            }),
          );
          const { config } = renderFixture({ services });
          const check = await nginxTest(config);
          expect(check.output).toBe('');
          expect(check.ok).toBe(true);
        },
      ),
      { numRuns: 20, seed: 14 },
    );
  }, 60_000);
});
