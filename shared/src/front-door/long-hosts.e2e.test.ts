import { describe, expect, it } from 'vitest';
import { longHostName as longHost } from '../../../testing/host-names.js';
import { nginxTest } from '../../../testing/nginx-process.js';
import { defaultFrontDoorOptions, type FrontDoorCluster, renderFrontDoorTls } from './render-front-door.js';

/**
 * Issue 14: one TLS host of 120 characters overflowed the front door's fixed `map_hash_bucket_size 128`,
 * and every front door agent then refused every later config. The SNI map is now sized from its hosts.
 */

const cluster = (name: string, tlsHosts: string[]): FrontDoorCluster => ({
  cluster: name,
  proxyService: `${name}-proxy`,
  addresses: ['10.0.0.2'],
  httpPort: 80,
  tlsPort: 443,
  hosts: tlsHosts,
  tlsHosts,
  defaultBackend: false,
});

describe('front door SNI map', () => {
  it('passes nginx -t with 1,000 TLS hosts of 253 characters (and wildcards) over three clusters', async () => {
    const hosts = Array.from({ length: 1000 }, (_, i) =>
      i % 10 === 0 ? `*.${longHost(i).slice(2)}` : longHost(i),
    );
    const config = renderFrontDoorTls(
      [
        cluster('east', hosts.slice(0, 400)),
        cluster('west', hosts.slice(400, 800)),
        cluster('north', hosts.slice(800)),
      ],
      defaultFrontDoorOptions(),
    );
    expect(config).toMatch(/map_hash_bucket_size 1024;/);
    expect(config).toMatch(/map_hash_max_size 2048;/);
    const check = await nginxTest(config);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('fails the way issue 14 found with the old fixed bucket, for a host of 120 characters', async () => {
    const config = renderFrontDoorTls([cluster('east', [longHost(7, 120)])], defaultFrontDoorOptions());
    expect(config).toMatch(/map_hash_bucket_size 512;/);
    expect((await nginxTest(config)).ok).toBe(true);
    const old = await nginxTest(config.replace(/map_hash_bucket_size \d+;/, 'map_hash_bucket_size 128;'));
    expect(old.ok).toBe(false);
    expect(old.output).toMatch(/could not build map_hash/);
  });

  it('keeps the old size for ordinary host names', () => {
    const config = renderFrontDoorTls([cluster('east', ['vault.example.org'])], defaultFrontDoorOptions());
    expect(config).toMatch(/map_hash_bucket_size 128;\n\s*map_hash_max_size 2048;/);
  });
});
