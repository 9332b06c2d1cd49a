import { afterAll, describe, expect, it } from 'vitest';
import { CLUSTER_LABEL } from '#shared/labels/index.js';
import { docker, removeTestObjects, TEST_LABEL, testPrefix } from '../../../../testing/swarm.js';
import {
  configNameKey,
  ProxyConfigConflictError,
  proxyConfigName,
  pruneProxyConfigs,
  storeProxyConfig,
} from './proxy-configs.js';

/** Issue 14, item 6 against the real swarm: a config pre-created under a predicted name is never used. */
const client = docker();
const prefix = testPrefix();
// As long as Docker allows a name to be: the config's name must still fit.
const cluster = `${prefix}-${'x'.repeat(64 - prefix.length - 1)}`;
const KEY = configNameKey(`${prefix}-api-token`);

afterAll(async () => {
  const filters = JSON.stringify({ label: [`${CLUSTER_LABEL}=${cluster}`] });
  for (const c of await client.listConfigs({ filters } as object))
    await client
      .getConfig(c.ID)
      .remove()
      .catch(() => undefined);
  await removeTestObjects(client, prefix);
}, 60_000);

describe('stored proxy configs on a real swarm', () => {
  it('refuses a config someone created under the name, stores and prunes its own', async () => {
    const text = `# ${prefix}\nevents {}\n`;
    const name = proxyConfigName(cluster, text, KEY);
    await client.createConfig({
      Name: name,
      Labels: { [TEST_LABEL]: prefix },
      Data: Buffer.from('# foreign\n').toString('base64'),
    });
    const error = await storeProxyConfig(client, cluster, text, KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyConfigConflictError);
    expect((error as ProxyConfigConflictError).code).toBe('PROXY_CONFIG_CONFLICT');

    const stored = [];
    for (const n of [1, 2, 3]) stored.push(await storeProxyConfig(client, cluster, `${text}# ${n}\n`, KEY));
    expect(stored.map((s) => s.created)).toEqual([true, true, true]);
    expect((await storeProxyConfig(client, cluster, `${text}# 3\n`, KEY)).created).toBe(false);
    // The newest is kept, and the oldest, which agents run in place (only a label names it): the caller
    // protects it.
    const removed = await pruneProxyConfigs(client, cluster, new Set([stored[0]?.name ?? '']), 1);
    expect(removed).toEqual([stored[1]?.name]);
    const again = await storeProxyConfig(client, cluster, `${text}# 2\n`, KEY);
    expect(again.created).toBe(true);
    expect(again.id).not.toBe(stored[1]?.id);
  }, 60_000);
});
