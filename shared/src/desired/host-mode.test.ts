import { describe, expect, it } from 'vitest';
import {
  buildEngineSnapshot,
  type FixtureNode,
  type FixtureService,
  fixtureNodeId,
} from '../../../testing/engine-fixtures.js';
import { loadConfig } from '../config/index.js';
import { LabelKey } from '../labels/index.js';
import { assembleCluster, buildRoutes, nodeAddresses } from '../routing/index.js';
import { parseSnapshot, type SwarmSnapshot } from '../swarm/index.js';
import { buildDesiredState } from './desired-state.js';

/**
 * Interlock's host-mode apps (`--publish mode=host,target=8080`, no overlay): each task is reached at its
 * node's `Status.Addr` and the port its node published, and the proxy joins no network for the app.
 */
const NODES: FixtureNode[] = [
  { name: 'n1', address: '10.231.0.11' },
  { name: 'n2', address: '10.231.0.12' },
];

const hostApp = (name: string, extra: Partial<FixtureService> = {}, labels: Record<string, string> = {}) =>
  ({
    name,
    replicas: 2,
    hostPorts: [{ target: 8080 }],
    nodes: ['n1', 'n2'],
    labels: { [LabelKey.hosts]: `${name}.example.org`, [LabelKey.port]: '8080', ...labels },
    ...extra,
  }) satisfies FixtureService;

const snapshotOf = (
  services: FixtureService[],
  nodes: FixtureNode[] | null = NODES,
  mutate: (json: ReturnType<typeof buildEngineSnapshot>) => void = () => {},
): SwarmSnapshot => {
  const json = buildEngineSnapshot(services, nodes ? { nodes } : {});
  mutate(json);
  return parseSnapshot(JSON.parse(JSON.stringify(json))).snapshot;
};

/** A host-mode service and task as Docker 20.10 lists them (`docker service create --publish mode=host,…`). */
const ENGINE_JSON = {
  services: [
    {
      ID: 'svc-demo',
      CreatedAt: '2026-12-04T19:00:00.000000000Z',
      Spec: {
        Name: 'demo',
        Labels: { 'com.docker.lb.hosts': 'demo.local', 'com.docker.lb.port': '8080' },
        TaskTemplate: { ContainerSpec: { Image: 'ehazlett/docker-demo' } },
        EndpointSpec: {
          Mode: 'vip',
          Ports: [
            { Protocol: 'tcp', TargetPort: 8080, PublishMode: 'host' },
            { Protocol: 'udp', TargetPort: 9000, PublishMode: 'host' },
            { Protocol: 'tcp', TargetPort: 9090, PublishedPort: 30090, PublishMode: 'ingress' },
          ],
        },
      },
      Endpoint: {
        Spec: { Mode: 'vip' },
        Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishMode: 'host' }],
        VirtualIPs: [{ NetworkID: 'ingress-id', Addr: '10.0.0.5/24' }],
      },
    },
  ],
  tasks: [
    {
      ID: 'task-demo-1',
      ServiceID: 'svc-demo',
      NodeID: 'node-a',
      DesiredState: 'running',
      Status: {
        State: 'running',
        PortStatus: {
          Ports: [
            { Protocol: 'tcp', TargetPort: 8080, PublishedPort: 32768, PublishMode: 'host' },
            // Docker 20.10 lists the port again for the IPv6 binding (::), with the same number.
            { Protocol: 'tcp', TargetPort: 8080, PublishedPort: 32768, PublishMode: 'host' },
            { Protocol: 'udp', TargetPort: 9000, PublishedPort: 32769, PublishMode: 'host' },
          ],
        },
      },
      NetworksAttachments: [
        { Network: { ID: 'ingress-id', Spec: { Name: 'ingress' } }, Addresses: ['10.0.0.7/24'] },
      ],
    },
  ],
  networks: [{ Id: 'ingress-id', Name: 'ingress', Driver: 'overlay', Scope: 'swarm' }],
  nodes: [{ ID: 'node-a', Description: { Hostname: 'lb1' }, Status: { State: 'ready', Addr: '172.20.0.4' } }],
};

describe('host-mode apps: snapshot', () => {
  it('reads host-mode TCP ports from the service and each task, with the task’s node', () => {
    const { snapshot, skipped } = parseSnapshot(ENGINE_JSON);
    expect(skipped).toEqual([]);
    expect(snapshot.services[0]?.hostModePorts).toEqual([8080]);
    expect(snapshot.tasks[0]?.nodeId).toBe('node-a');
    expect([...(snapshot.tasks[0]?.hostPorts ?? [])]).toEqual([[8080, 32768]]);
    expect(snapshot.nodes).toEqual([
      { id: 'node-a', hostname: 'lb1', address: '172.20.0.4', state: 'ready' },
    ]);
  });

  it('routes Interlock’s documented example to node address : published port (x-upstream-addr 172.20.0.4:32768)', () => {
    const { routes, rejected } = buildRoutes(parseSnapshot(ENGINE_JSON).snapshot);
    expect(rejected).toEqual([]);
    expect(routes[0]).toMatchObject({ service: 'demo', network: null, targets: ['172.20.0.4:32768'] });
  });

  it('the fixture builder writes the same shapes', () => {
    const snapshot = snapshotOf([hostApp('web')]);
    expect(snapshot.services[0]?.hostModePorts).toEqual([8080]);
    expect(snapshot.tasks.map((t) => [t.nodeId, [...(t.hostPorts ?? [])]])).toEqual([
      [fixtureNodeId('n1'), [[8080, 30000]]],
      [fixtureNodeId('n2'), [[8080, 30001]]],
    ]);
  });
});

describe('host-mode apps: routes and targets', () => {
  it('targets each serving task at its node’s address and the port that node published', () => {
    const { routes, warnings } = buildRoutes(
      snapshotOf([hostApp('web', { extraTasks: [{ state: 'running', desiredState: 'shutdown' }] })]),
    );
    expect(warnings).toEqual([]);
    expect(routes[0]?.network).toBeNull();
    expect(routes[0]?.targets).toEqual(['10.231.0.11:30000', '10.231.0.12:30001']);
  });

  it('uses a fixed published port on every node', () => {
    const { routes } = buildRoutes(
      snapshotOf([hostApp('web', { hostPorts: [{ target: 8080, published: 8080 }] })]),
    );
    expect(routes[0]?.targets).toEqual(['10.231.0.11:8080', '10.231.0.12:8080']);
  });

  it('keeps the overlay when the service is on one as well: its tasks stay reached at their task IPs', () => {
    const { routes } = buildRoutes(snapshotOf([hostApp('web', { networks: ['front'] })]));
    expect(routes[0]?.network?.name).toBe('front');
    expect(routes[0]?.targets.every((t) => t.startsWith('10.0.'))).toBe(true);
  });

  it('reaches a loopback-advertised node (a one-node swarm) at its docker_gwbridge gateway', () => {
    const snapshot = snapshotOf(
      [hostApp('web', { replicas: 1, nodes: ['solo'] })],
      [{ name: 'solo', address: '127.0.0.1' }],
      (json) => {
        json.networks.push({
          Id: 'gw',
          Name: 'docker_gwbridge',
          Driver: 'bridge',
          Scope: 'local',
          IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
        });
      },
    );
    expect(buildRoutes(snapshot).routes[0]?.targets).toEqual(['172.18.0.1:30000']);
    expect(nodeAddresses(snapshot.nodes, [])?.get(fixtureNodeId('solo'))).toBe('127.0.0.1');
  });

  it('warns instead of guessing when the snapshot lists no nodes, or a task’s node has no IPv4 address', () => {
    const noNodes = buildRoutes(snapshotOf([hostApp('web')], null));
    expect(noNodes.routes[0]?.targets).toEqual([]);
    expect(noNodes.warnings).toEqual([
      'service web: publishes port 8080 in host mode but the snapshot lists no nodes to reach it at',
    ]);
    const odd = buildRoutes(
      snapshotOf([hostApp('web')], [NODES[0] as FixtureNode, { name: 'n2', address: 'lb2.example' }]),
    );
    expect(odd.routes[0]?.targets).toEqual(['10.231.0.11:30000']);
    expect(odd.warnings).toEqual([
      'service web: 1 running task(s) are on nodes without a known IPv4 address',
    ]);
  });

  it.each([
    [
      'publishes nothing',
      hostApp('web', { hostPorts: [] }),
      LabelKey.network,
      /attached to no network the proxy could join and does not publish com\.docker\.lb\.port 8080 in host mode \(--publish mode=host,target=8080\)/,
    ],
    [
      'publishes another port in host mode',
      hostApp('web', { hostPorts: [{ target: 9090 }] }),
      LabelKey.network,
      /publishes only other target ports in host mode \(9090\), not com\.docker\.lb\.port 8080/,
    ],
    [
      'asks for VIP mode',
      hostApp('web', {}, { [LabelKey.backendMode]: 'vip' }),
      LabelKey.backendMode,
      /is vip but the service is on no network/,
    ],
    [
      'names a network it is not on',
      hostApp('web', {}, { [LabelKey.network]: 'front' }),
      LabelKey.network,
      /is not a network the service is attached to \(attached: none\)/,
    ],
  ])('rejects a service on no network that %s, naming the label', (_case, service, label, message) => {
    const { routes, rejected } = buildRoutes(snapshotOf([service]));
    expect(routes).toEqual([]);
    expect(rejected[0]?.errors.map((e) => e.details.label)).toEqual([label]);
    expect(rejected[0]?.errors[0]?.message).toMatch(message);
  });

  it('reports only the bad port label when a host-mode service names a port that is no number', () => {
    const { rejected } = buildRoutes(snapshotOf([hostApp('web', {}, { [LabelKey.port]: 'http' })]));
    expect(rejected[0]?.errors.map((e) => e.details.label)).toEqual([LabelKey.port]);
  });
});

describe('host-mode apps: clusters and the planner', () => {
  const overlayApp: FixtureService = {
    name: 'blog',
    networks: ['blog-net'],
    labels: { [LabelKey.hosts]: 'blog.example.org', [LabelKey.port]: '2368' },
  };

  it('pools the node targets, and the proxy joins only the networks of its other apps', () => {
    const { routes } = buildRoutes(snapshotOf([hostApp('web'), overlayApp]));
    const model = assembleCluster('', routes);
    expect(model.networks.map((n) => n.name)).toEqual(['blog-net']);
    expect(model.httpPools.find((p) => p.services.includes('web'))?.targets).toEqual([
      '10.231.0.11:30000',
      '10.231.0.12:30001',
    ]);
  });

  it('counts no network for a host-mode app: its cluster joins none and says why it is there', () => {
    const config = loadConfig(
      '[Extensions.east]\nServiceCluster = "east"\nAutoAssign = true\n[Extensions.west]\nServiceCluster = "west"\nAutoAssign = true\n',
    ).config;
    const state = buildDesiredState(snapshotOf([hostApp('web'), hostApp('api'), overlayApp]), config);
    expect(state.rejections).toEqual([]);
    const perCluster = Object.fromEntries(state.plan.metrics.perCluster.map((c) => [c.name, c.networks]));
    expect(perCluster[state.plan.assignment.web ?? '']).toBeLessThanOrEqual(1);
    expect(state.plan.metrics.totalAttachments).toBe(1);
    expect(state.plan.explanations.web).toMatch(/joins no network/);
    const hostOnly = state.clusters.filter((c) => !c.model.services.includes('blog'));
    for (const c of hostOnly) expect(c.model.networks).toEqual([]);
  });
});
