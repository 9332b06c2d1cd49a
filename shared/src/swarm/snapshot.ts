import { z } from 'zod';
import { SignalboxError } from '../errors/index.js';
import { EngineNetwork, EngineNode, EngineSecret, EngineService, EngineTask } from './engine-schemas.js';

/** Docker objects converted to the few fields routing needs; Docker's JSON stops here. */
export interface SwarmService {
  id: string;
  name: string;
  createdAt: string;
  labels: Readonly<Record<string, string>>;
  /** Network IDs the service's tasks attach to. */
  networkIds: string[];
  endpointMode: 'vip' | 'dnsrr';
  /** Virtual IP per network ID, without the prefix length. */
  vips: ReadonlyMap<string, string>;
  hasHealthcheck: boolean;
  /**
   * TCP target ports the service publishes in host mode (`--publish mode=host,target=8080`): each task's port
   * is reached at its node's address and the port the node published (`SwarmTask.hostPorts`). Absent: none.
   */
  hostModePorts?: readonly number[];
}

export interface SwarmTask {
  id: string;
  serviceId: string;
  state: string;
  desiredState: string;
  /** Task IP per network ID, without the prefix length. */
  addresses: ReadonlyMap<string, string>;
  /** The node Swarm scheduled the task on ('' before it is scheduled). */
  nodeId?: string;
  /** Host-mode published port per TCP target port, as the task's node published it. Absent: none. */
  hostPorts?: ReadonlyMap<number, number>;
}

export interface SwarmNetwork {
  id: string;
  name: string;
  driver: string;
  /** The network's address ranges (IPAM), where the Engine API lists them. */
  subnets?: string[];
  /** The network's gateways (IPAM), where the Engine API lists them. */
  gateways?: string[];
}

export interface SwarmNode {
  id: string;
  hostname: string;
  /** The address the node's host-mode published ports answer on ('' when the Engine gave none). */
  address: string;
  state: string;
}

export interface SwarmSnapshot {
  services: SwarmService[];
  tasks: SwarmTask[];
  networks: SwarmNetwork[];
  /** Secret name → ID, when the snapshot lists secrets; `undefined` means "unknown", not "none". */
  secrets?: ReadonlyMap<string, string>;
  /** Secret name → its labels (who may mount it); listed with `secrets`. */
  secretLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The swarm's nodes, when the snapshot lists them (`GET /nodes`). */
  nodes?: SwarmNode[];
}

const RawSnapshot = z.object({
  services: z.array(z.unknown()),
  tasks: z.array(z.unknown()).default([]),
  networks: z.array(z.unknown()).default([]),
  secrets: z.array(z.unknown()).optional(),
  nodes: z.array(z.unknown()).optional(),
});

/** A Docker object the snapshot held but that could not be read; the rest of the snapshot still routes. */
export interface SkippedObject {
  kind: 'service' | 'task' | 'network' | 'secret' | 'node';
  index: number;
  id?: string;
  reason: string;
}

const stripPrefixLength = (addr: string): string => addr.split('/')[0] ?? addr;

type PortConfig = NonNullable<NonNullable<EngineService['Endpoint']>['Ports']>[number];
const isHostTcp = (p: PortConfig): boolean =>
  p.PublishMode === 'host' && (p.Protocol ?? 'tcp') === 'tcp' && typeof p.TargetPort === 'number';

function toService(raw: EngineService): SwarmService {
  const spec = raw.Spec;
  const attached = spec.TaskTemplate?.Networks ?? spec.Networks ?? [];
  const vips = new Map<string, string>();
  for (const vip of raw.Endpoint?.VirtualIPs ?? []) {
    if (vip.Addr) vips.set(vip.NetworkID, stripPrefixLength(vip.Addr));
  }
  const test = spec.TaskTemplate?.ContainerSpec?.Healthcheck?.Test ?? [];
  const published = [...(spec.EndpointSpec?.Ports ?? []), ...(raw.Endpoint?.Ports ?? [])].filter(isHostTcp);
  return {
    id: raw.ID,
    name: spec.Name,
    createdAt: raw.CreatedAt ?? '',
    labels: spec.Labels ?? {},
    networkIds: [...new Set(attached.map((n) => n.Target))],
    endpointMode: spec.EndpointSpec?.Mode === 'dnsrr' ? 'dnsrr' : 'vip',
    vips,
    hasHealthcheck: test.length > 0 && test[0] !== 'NONE',
    hostModePorts: [...new Set(published.map((p) => p.TargetPort as number))].sort((a, b) => a - b),
  };
}

function toTask(raw: EngineTask): SwarmTask {
  const addresses = new Map<string, string>();
  for (const att of raw.NetworksAttachments ?? []) {
    const first = att.Addresses?.[0];
    if (first) addresses.set(att.Network.ID, stripPrefixLength(first));
  }
  const hostPorts = new Map<number, number>();
  for (const p of raw.Status?.PortStatus?.Ports ?? []) {
    if (isHostTcp(p) && p.PublishedPort) hostPorts.set(p.TargetPort as number, p.PublishedPort);
  }
  return {
    id: raw.ID,
    serviceId: raw.ServiceID,
    state: raw.Status?.State ?? 'unknown',
    desiredState: raw.DesiredState ?? 'unknown',
    addresses,
    nodeId: raw.NodeID ?? '',
    hostPorts,
  };
}

function parseEach<S extends z.ZodType, T>(
  items: unknown[],
  schema: S,
  kind: SkippedObject['kind'],
  convert: (v: z.infer<S>) => T,
  skipped: SkippedObject[],
): T[] {
  const out: T[] = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      out.push(convert(parsed.data));
      return;
    }
    const id = typeof item === 'object' && item !== null ? (item as { ID?: unknown; Id?: unknown }) : {};
    const rawId = id.ID ?? id.Id;
    const issue = parsed.error.issues[0];
    skipped.push({
      kind,
      index,
      ...(typeof rawId === 'string' ? { id: rawId } : {}),
      reason: issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid',
    });
  });
  return out;
}

/**
 * Reads `{"services": [...], "tasks": [...], "networks": [...], "secrets"?: [...], "nodes"?: [...]}`, each as
 * the Engine API lists them. A malformed object is
 * skipped and reported; only a snapshot without a services array is unusable.
 */
export function parseSnapshot(input: unknown): { snapshot: SwarmSnapshot; skipped: SkippedObject[] } {
  const top = RawSnapshot.safeParse(input);
  if (!top.success) {
    const issue = top.error.issues[0];
    throw new SignalboxError(
      'SNAPSHOT_INVALID',
      `snapshot: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const skipped: SkippedObject[] = [];
  const services = parseEach(top.data.services, EngineService, 'service', toService, skipped);
  const tasks = parseEach(top.data.tasks, EngineTask, 'task', toTask, skipped);
  const networks = parseEach(
    top.data.networks,
    EngineNetwork,
    'network',
    (n) => {
      const network: SwarmNetwork = {
        id: n.Id,
        name: n.Name,
        driver: n.Driver ?? '',
        subnets: (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
      };
      const gateways = (n.IPAM?.Config ?? []).flatMap((c) => (c.Gateway ? [c.Gateway] : []));
      if (gateways.length > 0) network.gateways = gateways;
      return network;
    },
    skipped,
  );
  const snapshot: SwarmSnapshot = { services, tasks, networks };
  if (top.data.secrets) {
    const secrets = parseEach(top.data.secrets, EngineSecret, 'secret', (s) => s, skipped);
    snapshot.secrets = new Map(secrets.map((s) => [s.Spec.Name, s.ID]));
    snapshot.secretLabels = new Map(secrets.map((s) => [s.Spec.Name, s.Spec.Labels ?? {}]));
  }
  if (top.data.nodes) {
    snapshot.nodes = parseEach(
      top.data.nodes,
      EngineNode,
      'node',
      (n) => ({
        id: n.ID,
        hostname: n.Description?.Hostname ?? '',
        address: n.Status?.Addr ?? '',
        state: n.Status?.State ?? 'unknown',
      }),
      skipped,
    );
  }
  return { snapshot, skipped };
}
