/**
 * Builds Engine API 1.41 JSON (the shape `GET /services`, `/tasks`, `/networks` return) for tests, golden
 * files and benchmarks, so they exercise the same parsing path as the coordinator's real snapshots.
 */
export interface FixtureService {
  name: string;
  labels?: Record<string, string>;
  networks?: string[];
  /** Running tasks; each gets an address on every network of the service. */
  replicas?: number;
  /** Extra tasks that are not serving (starting, or shutting down). */
  extraTasks?: { state: string; desiredState: string }[];
  createdAt?: string;
  /** Task IPs to use instead of generated ones, one per running task, on every network. */
  taskAddresses?: string[];
  healthcheck?: boolean;
  endpointMode?: 'vip' | 'dnsrr';
  /**
   * Ports published in host mode (`--publish mode=host,target=…`). Without `published` each task gets its own
   * port, as Docker allocates one per task: 30000 + 100 × the service's index + the task's index.
   */
  hostPorts?: { target: number; published?: number }[];
  /** Names of the nodes (`opts.nodes`) the tasks run on, in turn; default one node with ID `node-1`. */
  nodes?: string[];
}

export interface FixtureNode {
  name: string;
  /** `Status.Addr`: where the node's host-mode published ports answer. */
  address: string;
  state?: string;
}

export interface EngineSnapshotJson {
  services: unknown[];
  tasks: unknown[];
  networks: unknown[];
  secrets?: unknown[];
  nodes?: unknown[];
}

const netId = (name: string): string => `net-${name}`;
export const fixtureNodeId = (name: string): string => `node-${name}`;

export function buildEngineSnapshot(
  services: FixtureService[],
  opts: { secrets?: string[]; extraNetworks?: string[]; nodes?: FixtureNode[] } = {},
): EngineSnapshotJson {
  const networkNames = new Set<string>(opts.extraNetworks ?? []);
  for (const s of services) for (const n of s.networks ?? []) networkNames.add(n);
  const netIndex = new Map([...networkNames].map((n, i) => [n, i]));
  const out: EngineSnapshotJson = {
    services: [],
    tasks: [],
    networks: [...networkNames].map((name) => ({
      Name: name,
      Id: netId(name),
      Driver: 'overlay',
      Scope: 'swarm',
    })),
  };
  services.forEach((svc, si) => {
    const id = `svc-${svc.name}`;
    const nets = svc.networks ?? [];
    const ip = (net: string, n: number): string => {
      const ni = netIndex.get(net) ?? 0;
      return `10.${ni % 250}.${(Math.floor(n / 250) + si * 8) % 250}.${(n % 250) + 2}`;
    };
    const hostPorts = (svc.hostPorts ?? []).map((p) => ({
      Protocol: 'tcp',
      TargetPort: p.target,
      ...(p.published !== undefined ? { PublishedPort: p.published } : {}),
      PublishMode: 'host',
    }));
    out.services.push({
      ID: id,
      Version: { Index: 10 + si },
      CreatedAt:
        svc.createdAt ??
        `2026-01-01T00:00:${String(si % 60).padStart(2, '0')}.${String(si).padStart(6, '0')}Z`,
      UpdatedAt: '2026-01-02T00:00:00Z',
      Spec: {
        Name: svc.name,
        Labels: svc.labels ?? {},
        TaskTemplate: {
          ContainerSpec: {
            Image: 'app:1',
            ...(svc.healthcheck ? { Healthcheck: { Test: ['CMD', 'true'] } } : {}),
          },
          Networks: nets.map((n) => ({ Target: netId(n) })),
        },
        Mode: { Replicated: { Replicas: svc.replicas ?? 1 } },
        EndpointSpec: {
          Mode: svc.endpointMode ?? 'vip',
          ...(hostPorts.length > 0 ? { Ports: hostPorts } : {}),
        },
      },
      Endpoint: {
        Spec: { Mode: svc.endpointMode ?? 'vip' },
        ...(hostPorts.length > 0 ? { Ports: hostPorts } : {}),
        VirtualIPs:
          svc.endpointMode === 'dnsrr'
            ? []
            : nets.map((n) => ({ NetworkID: netId(n), Addr: `${ip(n, 240).replace(/\.\d+$/, '.250')}/24` })),
      },
    });
    const tasks = [
      ...Array.from({ length: svc.replicas ?? 1 }, () => ({ state: 'running', desiredState: 'running' })),
      ...(svc.extraTasks ?? []),
    ];
    tasks.forEach((t, ti) => {
      out.tasks.push({
        ID: `task-${svc.name}-${ti}`,
        ServiceID: id,
        Slot: ti + 1,
        NodeID: svc.nodes?.length ? fixtureNodeId(svc.nodes[ti % svc.nodes.length] ?? '') : 'node-1',
        DesiredState: t.desiredState,
        Status: {
          Timestamp: '2026-01-02T00:00:00Z',
          State: t.state,
          Message: t.state,
          ...(hostPorts.length > 0
            ? {
                PortStatus: {
                  Ports: hostPorts.map((p) => ({
                    ...p,
                    PublishedPort: p.PublishedPort ?? 30000 + si * 100 + ti,
                  })),
                },
              }
            : {}),
        },
        NetworksAttachments: nets.map((n) => ({
          Network: { ID: netId(n), Spec: { Name: n } },
          Addresses: [`${svc.taskAddresses?.[ti] ?? ip(n, ti)}/24`],
        })),
      });
    });
  });
  if (opts.nodes)
    out.nodes = opts.nodes.map((n) => ({
      ID: fixtureNodeId(n.name),
      Description: { Hostname: n.name },
      Spec: { Role: 'worker', Availability: 'active' },
      Status: { State: n.state ?? 'ready', Addr: n.address },
    }));
  if (opts.secrets) out.secrets = opts.secrets.map((name) => ({ ID: `sec-${name}`, Spec: { Name: name } }));
  return out;
}
