import { createHash, createHmac, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { isSignalboxError } from '#shared/errors/index.js';
import { CLUSTER_LABEL, ENCODING_LABEL, MANAGED_LABEL, MANAGED_VALUE } from '#shared/labels/index.js';
import {
  configNameKey,
  findProxyConfig,
  ProxyConfigConflictError,
  proxyConfigName,
  storeProxyConfig,
} from './proxy-configs.js';

interface Stored {
  ID: string;
  Spec: { Name: string; Labels: Record<string, string>; Data: string };
}

/** Docker's config calls over a list, with its prefix-matching name filter. */
function fakeDocker(configs: Stored[] = [], afterFirstList?: () => void) {
  let lists = 0;
  const docker = {
    configs,
    listConfigs: async (opts: { filters: string }) => {
      const name = (JSON.parse(opts.filters) as { name?: string[] }).name?.[0] ?? '';
      const found = configs.filter((c) => c.Spec.Name.startsWith(name));
      if (lists++ === 0) afterFirstList?.();
      return found;
    },
    getConfig: (id: string) => ({ inspect: async () => configs.find((c) => c.ID === id) }),
    createConfig: async (spec: Stored['Spec']) => {
      if (configs.some((c) => c.Spec.Name === spec.Name)) throw new Error('409 name conflicts');
      configs.push({ ID: `id-${configs.length}`, Spec: spec });
      return { id: `id-${configs.length - 1}` };
    },
  };
  return docker as typeof docker & Pick<Docker, 'listConfigs' | 'getConfig' | 'createConfig'>;
}

const ours = (cluster: string) => ({ [MANAGED_LABEL]: MANAGED_VALUE, [CLUSTER_LABEL]: cluster });
const b64 = (text: string) => Buffer.from(text).toString('base64');

const KEY = configNameKey('an-api-token-of-some-length');

describe('proxyConfigName', () => {
  it('is the full HMAC-SHA256 of cluster and text in base32, within Docker’s 64 characters', () => {
    const name = proxyConfigName(
      'a-very-long-cluster-name-that-would-not-fit-in-a-docker-name',
      'events {}',
      KEY,
    );
    expect(name).toMatch(/^signalbox-[a-z2-7]{52}$/);
    expect(name.length).toBeLessThanOrEqual(64);
    const digest = createHmac('sha256', KEY).update('blue\nevents {}').digest();
    // 52 base32 digits carry 260 bits: every bit of the digest, then four zero bits.
    const bits = [...digest].map((b) => b.toString(2).padStart(8, '0')).join('');
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const expected = `${bits}0000`
      .match(/.{5}/g)
      ?.map((g) => alphabet[Number.parseInt(g, 2)])
      .join('');
    expect(proxyConfigName('blue', 'events {}', KEY)).toBe(`signalbox-${expected}`);
  });

  it('differs between clusters for the same text', () => {
    expect(proxyConfigName('blue', 'x', KEY)).not.toBe(proxyConfigName('green', 'x', KEY));
  });

  it('cannot be predicted without the key: the plain sha256 and another key give other names', () => {
    const plain = createHash('sha256').update('blue\nevents {}').digest('hex');
    const name = proxyConfigName('blue', 'events {}', KEY);
    expect(name).not.toContain(plain.slice(0, 12));
    expect(name).not.toBe(proxyConfigName('blue', 'events {}', configNameKey('another-api-token-here')));
  });
});

describe('storeProxyConfig', () => {
  it('creates once, then reuses the same object', async () => {
    const docker = fakeDocker();
    const first = await storeProxyConfig(docker, 'blue', 'events {}', KEY);
    const again = await storeProxyConfig(docker, 'blue', 'events {}', KEY);
    expect(first.created).toBe(true);
    expect(again).toEqual({ name: first.name, id: first.id, created: false });
    expect(docker.configs[0]?.Spec.Labels).toEqual(ours('blue'));
  });

  it('stores a config over Swarm’s 1000 KiB gzipped, and reads it back as text', async () => {
    const docker = fakeDocker();
    const line = (i: number) => `  server { listen 80; server_name host-${i}.example.com; return 204; }\n`;
    const text = `events {}\nhttp {\n${Array.from({ length: 20_000 }, (_, i) => line(i)).join('')}}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(1000 * 1024);
    const stored = await storeProxyConfig(docker, 'blue', text, KEY);
    const object = docker.configs[0];
    expect(object?.Spec.Labels[ENCODING_LABEL]).toBe('gzip');
    expect(Buffer.from(object?.Spec.Data ?? '', 'base64').length).toBeLessThan(1000 * 1024);
    expect(gunzipSync(Buffer.from(object?.Spec.Data ?? '', 'base64')).toString()).toBe(text);
    expect((await findProxyConfig(docker, 'blue', stored.name, KEY))?.text).toBe(text);
  });

  it('refuses text too large for Swarm even gzipped, naming the limit to lower', async () => {
    const random = randomBytes(1100 * 1024).toString('base64');
    const error = await storeProxyConfig(fakeDocker(), 'blue', random, KEY).catch((e: unknown) => e);
    expect(isSignalboxError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/LocationsPerCluster/);
  });

  it('refuses an object created under the name with other text, or without our labels', async () => {
    // Only someone holding the key (or a copy of the swarm's configs) can know the name.
    const text = 'events {}';
    const name = proxyConfigName('blue', text, KEY);
    const foreignText = fakeDocker([
      { ID: 'x', Spec: { Name: name, Labels: ours('blue'), Data: b64('evil') } },
    ]);
    const unlabelled = fakeDocker([{ ID: 'x', Spec: { Name: name, Labels: {}, Data: b64(text) } }]);
    const otherCluster = fakeDocker([
      { ID: 'x', Spec: { Name: name, Labels: ours('green'), Data: b64(text) } },
    ]);
    const badGzip = fakeDocker([
      {
        ID: 'x',
        Spec: { Name: name, Labels: { ...ours('blue'), [ENCODING_LABEL]: 'gzip' }, Data: b64(text) },
      },
    ]);
    for (const docker of [foreignText, unlabelled, otherCluster, badGzip]) {
      const error = await storeProxyConfig(docker, 'blue', text, KEY).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProxyConfigConflictError);
      expect(isSignalboxError(error, 'PROXY_CONFIG_CONFLICT')).toBe(true);
      expect((error as ProxyConfigConflictError).details).toEqual({ cluster: 'blue', config: name });
      await expect(findProxyConfig(docker, 'blue', name, KEY)).rejects.toThrow(ProxyConfigConflictError);
    }
  });

  it('checks the object another writer created first', async () => {
    const text = 'events {}';
    const configs: Stored[] = [];
    // The first lookup misses; by the create, someone has taken the name.
    const docker = fakeDocker(configs, () =>
      configs.push({
        ID: 'x',
        Spec: { Name: proxyConfigName('blue', text, KEY), Labels: ours('blue'), Data: b64('evil') },
      }),
    );
    await expect(storeProxyConfig(docker, 'blue', text, KEY)).rejects.toThrow(ProxyConfigConflictError);
  });
});
