import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtensionConfig } from '#shared/config/index.js';
import { CLUSTER_LABEL, EPOCH_LABEL, INSTALLATION_LABEL, MANAGED_LABEL } from '#shared/labels/index.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  removeTestObjects,
  TEST_LABEL,
  testPrefix,
  waitFor,
} from '../../../../testing/swarm.js';
import { freePort } from '../../../../testing/upstreams.js';
import { StaleLeaderError } from '../queue/leader-lease.js';
import { ProxyServiceManager } from './proxy-service-manager.js';
import type { ProxyInputs } from './proxy-service-spec.js';

/** Against the real swarm; the proxy image is built by scripts/test.sh (deploy/images/build-proxy-image.sh). */
const client = docker();
const prefix = testPrefix();
// Its own installation: `reconcile([])` removes this run's proxies only, whatever else runs on the swarm.
const manager = new ProxyServiceManager(client, pino({ level: 'silent' }), prefix);
const otherInstallation = new ProxyServiceManager(client, pino({ level: 'silent' }), `${prefix}-other`);
let netA = '';
let netB = '';
let secret = { name: '', id: '' };
let config = { name: '', id: '' };
/** A config whose health check answers, where the image's own answers 503 (deploy/proxy/default-nginx.conf). */
const HEALTHY_CONFIG = `events {}
http {
  server {
    listen 127.0.0.1:10081;
    location = /_signalbox/health { return 200 "ok\\n"; }
  }
  server {
    listen 80 default_server;
    location / { return 503; }
  }
}
`;
let ext: ExtensionConfig;

const inputs = (over: Partial<ProxyInputs> = {}): ProxyInputs => ({
  cluster: `${prefix}-east`,
  ext,
  networkIds: [netA],
  secrets: [],
  ...over,
});
const inspectProxy = () => client.getService(`${prefix}-proxy-east`).inspect();

beforeAll(async () => {
  netA = await createTestNetwork(client, prefix, `${prefix}-a`);
  netB = await createTestNetwork(client, prefix, `${prefix}-b`);
  const created = await client.createSecret({
    Name: `${prefix}.cert`,
    Data: Buffer.from('pem').toString('base64'),
    Labels: { [TEST_LABEL]: prefix },
  });
  secret = { name: `${prefix}.cert`, id: created.id };
  const conf = await client.createConfig({
    Name: `${prefix}-nginx.conf`,
    Labels: { [TEST_LABEL]: prefix },
    Data: Buffer.from(HEALTHY_CONFIG).toString('base64'),
  });
  config = { name: `${prefix}-nginx.conf`, id: (conf as { id: string }).id };
  ext = ExtensionConfig.parse({
    ProxyServiceName: `${prefix}-proxy-east`,
    ProxyReplicas: 1,
    PublishedPort: await freePort(),
    PublishedSSLPort: await freePort(),
    ProxyLabels: { [TEST_LABEL]: prefix },
  });
}, 60_000);

afterAll(async () => {
  await manager.reconcile([]);
  await otherInstallation.reconcile([]);
  await removeTestObjects(client, prefix);
  await client
    .getConfig(config.id)
    .remove()
    .catch(() => undefined);
}, 90_000);

describe('ProxyServiceManager on a real swarm', () => {
  it('creates a labelled proxy service that joins its networks and mounts its secrets, and its task becomes healthy', async () => {
    const result = await manager.reconcile([inputs({ secrets: [secret] })]);
    expect(result.created).toEqual([`${prefix}-proxy-east`, `${prefix}-proxy-east-warm`]);
    // Before its first rendered config the proxy runs no task, so nothing answers 503 in its name.
    expect((await inspectProxy()).Spec.Mode).toEqual({ Replicated: { Replicas: 0 } });
    expect((await manager.reconcile([inputs({ secrets: [secret], config })])).updated).toEqual([
      `${prefix}-proxy-east`,
    ]);
    const svc = await inspectProxy();
    expect(svc.Spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(svc.Spec.Labels[MANAGED_LABEL]).toBe('signalbox');
    expect(svc.Spec.Labels[CLUSTER_LABEL]).toBe(`${prefix}-east`);
    expect(svc.Spec.TaskTemplate.Networks.map((n: { Target: string }) => n.Target)).toEqual([netA]);
    expect(
      svc.Spec.TaskTemplate.ContainerSpec.Secrets.map((s: { SecretName: string }) => s.SecretName),
    ).toEqual([secret.name]);
    await waitFor(
      'a running proxy task',
      async () => {
        const tasks = await client.listTasks({
          filters: JSON.stringify({ service: [`${prefix}-proxy-east`] }),
        } as object);
        return tasks.some((t: { Status: { State: string } }) => t.Status.State === 'running')
          ? true
          : undefined;
      },
      60_000,
    );
  }, 90_000);

  it('leaves an unchanged proxy alone, and updates it when its apps need another network', async () => {
    const before = (await inspectProxy()).Version.Index;
    expect((await manager.reconcile([inputs({ secrets: [secret] })])).unchanged).toEqual([
      `${prefix}-proxy-east`,
      `${prefix}-proxy-east-warm`,
    ]);
    expect((await inspectProxy()).Version.Index).toBe(before);
    const result = await manager.reconcile([inputs({ secrets: [secret], networkIds: [netB, netA] })]);
    expect(result.updated).toEqual([`${prefix}-proxy-east`, `${prefix}-proxy-east-warm`]);
    const svc = await inspectProxy();
    expect(svc.Spec.TaskTemplate.Networks.map((n: { Target: string }) => n.Target).sort()).toEqual(
      [netA, netB].sort(),
    );
  }, 60_000);

  it('a spec Docker refuses fails only its cluster: the others are written, its services stay as they were', async () => {
    const north = {
      cluster: `${prefix}-north`,
      ext: ExtensionConfig.parse({
        ...ext,
        ProxyServiceName: `${prefix}-proxy-north`,
        PublishedPort: await freePort(),
        PublishedSSLPort: await freePort(),
      }),
      networkIds: [netA],
      secrets: [],
    };
    const before = (await inspectProxy()).Version.Index;
    // A secret removed after the snapshot named it: Docker answers 400 for the east spec alone.
    const gone = { name: `${prefix}.gone`, id: 'x'.repeat(25) };
    const result = await manager.reconcile([
      inputs({ secrets: [secret, gone], networkIds: [netB, netA] }),
      north,
    ]);
    expect(result.failed.map((f) => f.cluster)).toEqual([`${prefix}-east`]);
    expect(result.failed[0]?.error).toMatch(/secret/i);
    expect(result.created).toContain(`${prefix}-proxy-north`);
    expect(result.removed).toEqual([]);
    expect((await inspectProxy()).Version.Index).toBe(before);
    const removed = (await manager.reconcile([inputs({ secrets: [secret], networkIds: [netB, netA] })]))
      .removed;
    expect(removed).toContain(`${prefix}-proxy-north`);
  }, 60_000);

  it('keeps the networks warm on proxy nodes with a sleeping placeholder on the same networks', async () => {
    const warm = await client.getService(`${prefix}-proxy-east-warm`).inspect();
    expect(warm.Spec.Mode).toEqual({ Global: {} });
    expect(warm.Spec.TaskTemplate.Networks.map((n: { Target: string }) => n.Target).sort()).toEqual(
      [netA, netB].sort(),
    );
    await waitFor('a running placeholder', async () => {
      const tasks = await client.listTasks({
        filters: JSON.stringify({ service: [`${prefix}-proxy-east-warm`] }),
      } as object);
      return tasks.some((t) => t.Status?.State === 'running') ? true : undefined;
    });
  }, 60_000);

  it('marks every write and each leader term with the epoch, and refuses to write under an older one', async () => {
    const mine = new ProxyServiceManager(client, pino({ level: 'silent' }), `${prefix}-epochs`);
    const south = {
      cluster: `${prefix}-south`,
      ext: ExtensionConfig.parse({
        ...ext,
        ProxyServiceName: `${prefix}-proxy-south`,
        ProxyReplicas: 0,
        WarmNetworks: false,
        PublishedPort: await freePort(),
        PublishedSSLPort: await freePort(),
      }),
      networkIds: [netA],
      secrets: [],
    };
    const epochOn = async () =>
      (await client.getService(`${prefix}-proxy-south`).inspect()).Spec.Labels[EPOCH_LABEL];
    const created = await mine.reconcile([south], [], 7);
    expect([created.created, created.termMarked, await epochOn()]).toEqual([
      [`${prefix}-proxy-south`],
      true,
      '7',
    ]);
    // A new term with nothing to change still writes its epoch on Docker, once.
    const next = await mine.reconcile([south], [], 8);
    expect([next.updated, next.termMarked, await epochOn()]).toEqual([[], true, '8']);
    const version = (await client.getService(`${prefix}-proxy-south`).inspect()).Version?.Index;
    await mine.reconcile([south], [], 8);
    expect((await client.getService(`${prefix}-proxy-south`).inspect()).Version?.Index).toBe(version);
    // A leader of epoch 7 that has not noticed it lost the lease writes nothing.
    await expect(mine.reconcile([{ ...south, networkIds: [netB] }], [], 7)).rejects.toThrow(StaleLeaderError);
    expect((await client.getService(`${prefix}-proxy-south`).inspect()).Version?.Index).toBe(version);
    await mine.reconcile([]);
  }, 60_000);

  it('never touches a service it does not own, even with the proxy name', async () => {
    const foreignName = `${prefix}-proxy-west`;
    await createTestService(client, prefix, { name: foreignName, networks: [], replicas: 0, labels: {} });
    const westExt = ExtensionConfig.parse({ ...ext, ProxyServiceName: foreignName });
    const result = await manager.reconcile([
      inputs({ secrets: [secret], networkIds: [netB, netA] }),
      { cluster: `${prefix}-west`, ext: westExt, networkIds: [], secrets: [] },
    ]);
    expect(result.refused).toEqual([foreignName]);
    const foreign = await client.getService(foreignName).inspect();
    expect(foreign.Spec.Labels[MANAGED_LABEL]).toBeUndefined();
  }, 60_000);

  it("removes the proxy when its cluster goes away, and never another installation's", async () => {
    const northExt = ExtensionConfig.parse({
      ...ext,
      ProxyServiceName: `${prefix}-proxy-north`,
      WarmNetworks: false,
      PublishedPort: await freePort(),
      PublishedSSLPort: await freePort(),
    });
    const north = { cluster: `${prefix}-north`, ext: northExt, networkIds: [netA], secrets: [] };
    expect((await otherInstallation.reconcile([north])).created).toEqual([`${prefix}-proxy-north`]);
    const result = await manager.reconcile([]);
    expect(result.removed.sort()).toEqual([`${prefix}-proxy-east`, `${prefix}-proxy-east-warm`]);
    await expect(inspectProxy()).rejects.toThrow();
    const kept = await client.getService(`${prefix}-proxy-north`).inspect();
    expect(kept.Spec.Labels[INSTALLATION_LABEL]).toBe(`${prefix}-other`);
    // Nor does an installation update a service of another that has the name it wants.
    expect((await manager.reconcile([north])).refused).toEqual([`${prefix}-proxy-north`]);
    expect((await otherInstallation.reconcile([])).removed).toEqual([`${prefix}-proxy-north`]);
  }, 60_000);
});
