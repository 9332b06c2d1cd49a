import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { isSignalboxError } from '#shared/errors/index.js';
import {
  findProxyConfig,
  ProxyConfigConflictError,
  proxyConfigName,
  storeProxyConfig,
} from './proxy-configs.js';
import { CLUSTER_LABEL, MANAGED_LABEL, MANAGED_VALUE } from './proxy-service-spec.js';

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

describe('proxyConfigName', () => {
  it('is the full sha256 of cluster and text in base32, within Docker’s 64 characters', () => {
    const name = proxyConfigName('a-very-long-cluster-name-that-would-not-fit-in-a-docker-name', 'events {}');
    expect(name).toMatch(/^signalbox-[a-z2-7]{52}$/);
    expect(name.length).toBeLessThanOrEqual(64);
    const digest = createHash('sha256').update('blue\nevents {}').digest();
    // 52 base32 digits carry 260 bits: every bit of the digest, then four zero bits.
    const bits = [...digest].map((b) => b.toString(2).padStart(8, '0')).join('');
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const expected = `${bits}0000`
      .match(/.{5}/g)
      ?.map((g) => alphabet[Number.parseInt(g, 2)])
      .join('');
    expect(proxyConfigName('blue', 'events {}')).toBe(`signalbox-${expected}`);
  });

  it('differs between clusters for the same text', () => {
    expect(proxyConfigName('blue', 'x')).not.toBe(proxyConfigName('green', 'x'));
  });
});

describe('storeProxyConfig', () => {
  it('creates once, then reuses the same object', async () => {
    const docker = fakeDocker();
    const first = await storeProxyConfig(docker, 'blue', 'events {}');
    const again = await storeProxyConfig(docker, 'blue', 'events {}');
    expect(first.created).toBe(true);
    expect(again).toEqual({ name: first.name, id: first.id, created: false });
    expect(docker.configs[0]?.Spec.Labels).toEqual(ours('blue'));
  });

  it('refuses an object a tenant created under the predicted name with other text, or without our labels', async () => {
    const text = 'events {}';
    const name = proxyConfigName('blue', text);
    const foreignText = fakeDocker([
      { ID: 'x', Spec: { Name: name, Labels: ours('blue'), Data: b64('evil') } },
    ]);
    const unlabelled = fakeDocker([{ ID: 'x', Spec: { Name: name, Labels: {}, Data: b64(text) } }]);
    const otherCluster = fakeDocker([
      { ID: 'x', Spec: { Name: name, Labels: ours('green'), Data: b64(text) } },
    ]);
    for (const docker of [foreignText, unlabelled, otherCluster]) {
      const error = await storeProxyConfig(docker, 'blue', text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProxyConfigConflictError);
      expect(isSignalboxError(error, 'PROXY_CONFIG_CONFLICT')).toBe(true);
      expect((error as ProxyConfigConflictError).details).toEqual({ cluster: 'blue', config: name });
      await expect(findProxyConfig(docker, 'blue', name)).rejects.toThrow(ProxyConfigConflictError);
    }
  });

  it('checks the object another writer created first', async () => {
    const text = 'events {}';
    const configs: Stored[] = [];
    // The first lookup misses; by the create, a tenant has taken the name.
    const docker = fakeDocker(configs, () =>
      configs.push({
        ID: 'x',
        Spec: { Name: proxyConfigName('blue', text), Labels: ours('blue'), Data: b64('evil') },
      }),
    );
    await expect(storeProxyConfig(docker, 'blue', text)).rejects.toThrow(ProxyConfigConflictError);
  });
});
