import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoutes } from '#shared/routing/index.js';
import {
  createTestNetwork,
  createTestService,
  docker,
  removeTestObjects,
  testPrefix,
  waitFor,
} from '../../../../testing/swarm.js';
import { DockerSwarmSource, DockerUnavailableError } from './swarm-source.js';

/** Against the real dockerd in swarm mode that scripts/test.sh starts. */
const client: Docker = docker();
const prefix = testPrefix();
const source = new DockerSwarmSource(client);
const net = `${prefix}-net`;
const host = `${prefix}.example.org`;

const routesNow = async () => buildRoutes((await source.readSnapshot()).snapshot);

beforeAll(async () => {
  await createTestNetwork(client, prefix, net);
  await createTestService(client, prefix, {
    name: `${prefix}-web`,
    networks: [net],
    replicas: 2,
    labels: { 'com.docker.lb.hosts': host, 'com.docker.lb.port': '8080' },
  });
  await createTestService(client, prefix, {
    name: `${prefix}-vip`,
    networks: [net],
    replicas: 1,
    labels: {
      'com.docker.lb.hosts': `vip.${host}`,
      'com.docker.lb.port': '8080',
      'com.docker.lb.backend_mode': 'vip',
    },
  });
  await createTestService(client, prefix, {
    name: `${prefix}-bad`,
    networks: [net],
    replicas: 0,
    labels: { 'com.docker.lb.hosts': `bad;.${host}`, 'com.docker.lb.port': '8080' },
  });
}, 120_000);

afterAll(async () => {
  await removeTestObjects(client, prefix);
}, 60_000);

describe('DockerSwarmSource on a real swarm', () => {
  it('turns labelled services into routes whose targets are the running tasks on the network', async () => {
    const route = await waitFor('two running tasks', async () => {
      const r = (await routesNow()).routes.find((x) => x.service === `${prefix}-web`);
      return r && r.targets.length === 2 ? r : undefined;
    });
    const inspected = await client.getNetwork(route.network?.id ?? '').inspect();
    const subnet = inspected.IPAM?.Config?.[0]?.Subnet ?? '';
    expect(subnet).toMatch(/^\d+\.\d+\.\d+\.0\/24$/);
    const base = subnet.split('.').slice(0, 3).join('.');
    expect(route.network?.name).toBe(net);
    expect(route.hosts).toEqual([host]);
    for (const t of route.targets)
      expect(t).toMatch(new RegExp(`^${base.replaceAll('.', '\\.')}\\.\\d+:8080$`));
  });

  it('gives a VIP-mode service its virtual IP on the network as the one target', async () => {
    const route = await waitFor('the VIP route', async () => {
      const r = (await routesNow()).routes.find((x) => x.service === `${prefix}-vip`);
      return r && r.targets.length === 1 ? r : undefined;
    });
    const svc = await client.getService(`${prefix}-vip`).inspect();
    const vip = (svc.Endpoint.VirtualIPs as { NetworkID: string; Addr: string }[]).find(
      (v) => v.NetworkID === route.network?.id,
    );
    expect(route.targets).toEqual([`${vip?.Addr.split('/')[0]}:8080`]);
  });

  it('rejects the service with a bad label and names it, while the others route', async () => {
    const routes = await routesNow();
    const bad = routes.rejected.find((r) => r.service === `${prefix}-bad`);
    expect(bad?.errors[0]?.details.label).toBe('com.docker.lb.hosts');
    expect(routes.routes.some((r) => r.service === `${prefix}-web`)).toBe(true);
  });

  it('drops targets when the service is scaled to zero', async () => {
    const svc = client.getService(`${prefix}-web`);
    const spec = await svc.inspect();
    await svc.update({ ...spec.Spec, version: spec.Version.Index, Mode: { Replicated: { Replicas: 0 } } });
    const route = await waitFor('no targets', async () => {
      const r = (await routesNow()).routes.find((x) => x.service === `${prefix}-web`);
      return r && r.targets.length === 0 ? r : undefined;
    });
    expect(route.targets).toEqual([]);
  }, 90_000);

  it("lists the swarm's nodes with the address their host-mode ports answer on", async () => {
    const { snapshot } = await source.readSnapshot();
    const info = (await client.info()) as { Swarm?: { NodeID?: string; NodeAddr?: string } };
    expect(snapshot.nodes?.find((n) => n.id === info.Swarm?.NodeID)).toMatchObject({
      address: info.Swarm?.NodeAddr,
      state: 'ready',
    });
  });

  it('reports an unreachable engine as DockerUnavailableError', async () => {
    const Dockerode = (await import('dockerode')).default;
    const nowhere = new DockerSwarmSource(new Dockerode({ socketPath: '/nonexistent/docker.sock' }));
    await expect(nowhere.readSnapshot()).rejects.toBeInstanceOf(DockerUnavailableError);
  });
});
