import { afterAll, describe, expect, it } from 'vitest';
import { CLUSTER_LABEL, ENCODING_LABEL } from '#shared/labels/index.js';
import { get } from '../../../../testing/http-client.js';
import {
  docker,
  removeLabelledObjects,
  removeTestObjects,
  TEST_LABEL,
  testPrefix,
  waitFor,
} from '../../../../testing/swarm.js';
import { freePort } from '../../../../testing/upstreams.js';
import { configNameKey, storeProxyConfig } from './proxy-configs.js';
import { DEFAULT_PROXY_IMAGE } from './proxy-service-spec.js';

/**
 * Issue 14, item 4 on the real swarm: a config over Swarm's 1000 KiB limit is stored gzipped, and the proxy
 * image's entry point unpacks it, so a large cluster is compressed rather than cut or refused.
 */
const client = docker();
const prefix = testPrefix();
const cluster = `${prefix}-large`;
const KEY = configNameKey(`${prefix}-api-token`);

afterAll(async () => {
  await removeTestObjects(client, prefix);
  await removeLabelledObjects(client, `${CLUSTER_LABEL}=${cluster}`);
}, 90_000);

describe('a config over 1000 KiB', () => {
  it('is stored gzipped and served by a proxy that mounts it', async () => {
    const port = await freePort();
    const servers = Array.from(
      { length: 12_000 },
      (_, i) =>
        `  server { listen ${port}; server_name host-${i}.${prefix}.test; return 200 "host ${i}\\n"; }\n`,
    ).join('');
    const text = `worker_processes 1;\nevents {}\nhttp {\n  server_names_hash_bucket_size 128;\n  server_names_hash_max_size 32768;\n${servers}}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(1000 * 1024);
    const stored = await storeProxyConfig(client, cluster, text, KEY);
    const config = await client.getConfig(stored.id).inspect();
    expect(config.Spec?.Labels?.[ENCODING_LABEL]).toBe('gzip');
    await client.createService({
      Name: `${prefix}-proxy`,
      Labels: { [TEST_LABEL]: prefix },
      TaskTemplate: {
        ContainerSpec: {
          Image: process.env.SIGNALBOX_PROXY_IMAGE ?? DEFAULT_PROXY_IMAGE,
          Configs: [
            {
              ConfigID: stored.id,
              ConfigName: stored.name,
              File: { Name: '/etc/nginx/nginx.conf', UID: '0', GID: '0', Mode: 0o444 },
            },
          ],
        },
      },
      Mode: { Replicated: { Replicas: 1 } },
      EndpointSpec: {
        Ports: [{ Protocol: 'tcp', TargetPort: port, PublishedPort: port, PublishMode: 'host' }],
      },
    } as object);
    const reply = await waitFor(
      'the proxy answers for the last host',
      async () => {
        const r = await get(port, `host-11999.${prefix}.test`, '/').catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      60_000,
    );
    expect(reply.body).toBe('host 11999\n');
  }, 120_000);
});
