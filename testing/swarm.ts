import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';

/** Every Docker object a test creates carries this label, so cleanup finds exactly what the run made. */
export const TEST_LABEL = 'io.signalbox.test-run';
export const APP_IMAGE = process.env.SIGNALBOX_APP_IMAGE ?? 'signalbox/app:local';

export const docker = (): Docker => new Docker();

export const testPrefix = (): string => `sbtest-${randomBytes(3).toString('hex')}`;

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Removes the run's services, then its networks and secrets once no task holds them any more. */
export const removeTestObjects = (client: Docker, prefix: string): Promise<void> =>
  removeLabelledObjects(client, `${TEST_LABEL}=${prefix}`);

/**
 * Removes the services, secrets and configs carrying `label` (`key=value`), then its networks and volumes
 * (proxies' state volumes) once no task holds them any more; what is still in use is left, never an error.
 */
export async function removeLabelledObjects(client: Docker, label: string): Promise<void> {
  const filters = JSON.stringify({ label: [label] });
  for (const s of await client.listServices({ filters }))
    await client
      .getService(s.ID)
      .remove()
      .catch(() => undefined);
  for (const s of await client.listSecrets({ filters }))
    await client
      .getSecret(s.ID)
      .remove()
      .catch(() => undefined);
  for (const c of await client.listConfigs({ filters } as object))
    await client
      .getConfig(c.ID)
      .remove()
      .catch(() => undefined);
  await waitFor(
    `networks and volumes labelled ${label} to be removed`,
    async () => {
      const left = await client.listNetworks({ filters });
      for (const n of left)
        await client
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined);
      const volumes = (await client.listVolumes({ filters })).Volumes ?? [];
      for (const v of volumes)
        await client
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined);
      return left.length === 0 && volumes.length === 0 ? true : undefined;
    },
    30_000,
  ).catch(() => undefined);
}

export interface TestServiceSpec {
  name: string;
  networks: string[];
  labels: Record<string, string>;
  replicas: number;
}

/** A replicated service of the local app image; Engine API shape, as `docker service create` sends it. */
export async function createTestService(
  client: Docker,
  prefix: string,
  spec: TestServiceSpec,
): Promise<string> {
  const created = await client.createService({
    Name: spec.name,
    Labels: { ...spec.labels, [TEST_LABEL]: prefix },
    TaskTemplate: {
      ContainerSpec: { Image: APP_IMAGE },
      Networks: spec.networks.map((Target) => ({ Target })),
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: spec.replicas } },
    EndpointSpec: { Mode: 'vip' },
  });
  return (created as { id?: string; ID?: string }).id ?? (created as { ID: string }).ID;
}

export async function createTestNetwork(client: Docker, prefix: string, name: string): Promise<string> {
  const net = await client.createNetwork({
    Name: name,
    Driver: 'overlay',
    Attachable: true,
    Labels: { [TEST_LABEL]: prefix },
  });
  return net.id;
}

/** Tasks of `service` that Swarm means to keep running (whatever state they have reached). */
export async function tasksMeantToRun(client: Docker, service: string): ReturnType<Docker['listTasks']> {
  return client.listTasks({
    filters: JSON.stringify({ service: [service], 'desired-state': ['running'] }),
  } as object);
}

/**
 * The hostnames (short container IDs) of the tasks of `service` that Swarm means to keep running: what an
 * app or proxy answers with (`x-proxy-id` for proxies). A task without a container yet gives ''.
 */
export async function taskHostnames(client: Docker, service: string): Promise<string[]> {
  return (await tasksMeantToRun(client, service)).map(
    (t) =>
      (
        t.Status as { ContainerStatus?: { ContainerID?: string } } | undefined
      )?.ContainerStatus?.ContainerID?.slice(0, 12) ?? '',
  );
}

/**
 * The host reaches a task through its docker_gwbridge address (this kernel has no IPVS, so published
 * ingress ports do not forward); the address of the first running task of `service`.
 */
export async function gwbridgeAddressOf(client: Docker, service: string): Promise<string | undefined> {
  const tasks = await tasksMeantToRun(client, service);
  const running = tasks.find((t) => t.Status?.State === 'running');
  const containerId = (running?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)
    ?.ContainerStatus?.ContainerID;
  if (!containerId) return undefined;
  const bridge = await client.getNetwork('docker_gwbridge').inspect();
  const entry = (bridge.Containers as Record<string, { IPv4Address: string }> | undefined)?.[containerId];
  return entry?.IPv4Address.split('/')[0];
}

/**
 * The host's address on docker_gwbridge, where containers on overlay networks reach this machine (e.g. a
 * front door's agent reaching a coordinator that runs in the test process). The bridge exists once a task
 * on an overlay network has run on this node.
 */
export async function gwbridgeGateway(client: Docker): Promise<string> {
  const bridge = await client.getNetwork('docker_gwbridge').inspect();
  const gateway = (bridge.IPAM?.Config as { Gateway?: string }[] | undefined)?.[0]?.Gateway;
  if (!gateway) throw new Error('docker_gwbridge has no gateway address');
  return gateway;
}

/** A service update that changes only what `change` returns, as `docker service update` would. */
export async function updateService(
  client: Docker,
  name: string,
  change: (spec: Docker.ServiceSpec) => Partial<Docker.ServiceSpec>,
): Promise<void> {
  const svc = client.getService(name);
  const current = await svc.inspect();
  await svc.update({ ...current.Spec, ...change(current.Spec), version: current.Version.Index });
}

/**
 * The pids of nginx worker processes in the running tasks of `service`. A reload replaces the workers and
 * keeps the master, so equal lists mean no reload happened in between.
 */
export async function nginxWorkerPids(client: Docker, service: string): Promise<string[]> {
  const pids: string[] = [];
  for (const t of await tasksMeantToRun(client, service)) {
    const id = (t.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)?.ContainerStatus
      ?.ContainerID;
    if (t.Status?.State !== 'running' || !id) continue;
    const top = (await client.getContainer(id).top()) as { Processes: string[][] };
    for (const p of top.Processes) if (p.at(-1)?.includes('nginx: worker process')) pids.push(p[1] ?? '');
  }
  return pids.sort();
}
