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
}

export interface EngineSnapshotJson {
  services: unknown[];
  tasks: unknown[];
  networks: unknown[];
  secrets?: unknown[];
}

const netId = (name: string): string => `net-${name}`;

export function buildEngineSnapshot(
  services: FixtureService[],
  opts: { secrets?: string[]; extraNetworks?: string[] } = {},
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
        EndpointSpec: { Mode: svc.endpointMode ?? 'vip' },
      },
      Endpoint: {
        Spec: { Mode: svc.endpointMode ?? 'vip' },
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
        NodeID: 'node-1',
        DesiredState: t.desiredState,
        Status: { Timestamp: '2026-01-02T00:00:00Z', State: t.state, Message: t.state },
        NetworksAttachments: nets.map((n) => ({
          Network: { ID: netId(n), Spec: { Name: n } },
          Addresses: [`${svc.taskAddresses?.[ti] ?? ip(n, ti)}/24`],
        })),
      });
    });
  });
  if (opts.secrets) out.secrets = opts.secrets.map((name) => ({ ID: `sec-${name}`, Spec: { Name: name } }));
  return out;
}
