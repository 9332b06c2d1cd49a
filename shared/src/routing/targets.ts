import type { BackendMode } from '../model/index.js';
import type { SwarmNetwork, SwarmNode, SwarmService, SwarmTask } from '../swarm/snapshot.js';
import { byString } from '../util/compare.js';

/**
 * A task is a target only while Swarm runs it and means to keep it running: a task whose desired state turned
 * to shutdown is dropped before it stops, so the app's stop grace period drains it. Swarm holds a task with a
 * health check in `starting` until the check passes, and replaces it when it fails, so `running` implies
 * healthy for those tasks.
 */
export const isServing = (task: SwarmTask): boolean =>
  task.state === 'running' && task.desiredState === 'running';

export interface TargetResult {
  targets: string[];
  warning?: string;
}

/** Serving tasks grouped by service, built once per snapshot so target lookup stays linear. */
export function servingTasksByService(tasks: readonly SwarmTask[]): Map<string, SwarmTask[]> {
  const out = new Map<string, SwarmTask[]>();
  for (const task of tasks) {
    if (!isServing(task)) continue;
    const list = out.get(task.serviceId);
    if (list) list.push(task);
    else out.set(task.serviceId, [task]);
  }
  return out;
}

/** Docker's bridge for a node's containers to reach outside their overlays: its gateway is the node itself. */
export const GATEWAY_BRIDGE = 'docker_gwbridge';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Node ID → the address proxies reach the node's host-mode published ports at: its `Status.Addr`, when that
 * is an IPv4 address (nodes with another are left out, and their tasks with them). A swarm advertised on
 * loopback (`--advertise-addr 127.0.0.1`) can have no other node, and a proxy, being a container, reaches
 * that node's host at the gateway of its `docker_gwbridge`, which the snapshot lists for the node the
 * coordinator reads. `undefined` when the snapshot lists no nodes.
 */
export function nodeAddresses(
  nodes: readonly SwarmNode[] | undefined,
  networks: readonly SwarmNetwork[],
): ReadonlyMap<string, string> | undefined {
  if (!nodes) return undefined;
  const bridgeGateway = networks
    .find((n) => n.name === GATEWAY_BRIDGE)
    ?.gateways?.find((g) => IPV4.test(g) && !g.startsWith('127.'));
  const out = new Map<string, string>();
  for (const node of nodes) {
    if (!IPV4.test(node.address)) continue;
    out.set(node.id, node.address.startsWith('127.') && bridgeGateway ? bridgeGateway : node.address);
  }
  return out;
}

/** Where a task's host-mode published `port` answers, or why it cannot be reached there. */
export function hostEndpoint(
  task: SwarmTask,
  port: number,
  nodes: ReadonlyMap<string, string> | undefined,
): { target: string } | { missing: 'port' | 'node' } {
  const published = task.hostPorts?.get(port);
  if (published === undefined) return { missing: 'port' };
  const address = nodes?.get(task.nodeId ?? '');
  if (address === undefined) return { missing: 'node' };
  return { target: `${address}:${published}` };
}

function hostModeTargets(
  service: SwarmService,
  serving: readonly SwarmTask[],
  port: number,
  nodes: ReadonlyMap<string, string> | undefined,
): TargetResult {
  if (serving.length > 0 && nodes === undefined)
    return {
      targets: [],
      warning: `service ${service.name}: publishes port ${port} in host mode but the snapshot lists no nodes to reach it at`,
    };
  const targets = new Set<string>();
  const missing = { port: 0, node: 0 };
  for (const task of serving) {
    const found = hostEndpoint(task, port, nodes);
    if ('target' in found) targets.add(found.target);
    else missing[found.missing] += 1;
  }
  const problems = [
    missing.port > 0 ? `${missing.port} running task(s) have no host-mode published port ${port}` : '',
    missing.node > 0 ? `${missing.node} running task(s) are on nodes without a known IPv4 address` : '',
  ].filter((p) => p !== '');
  const result: TargetResult = { targets: [...targets].sort(byString) };
  if (problems.length > 0) result.warning = `service ${service.name}: ${problems.join('; ')}`;
  return result;
}

/**
 * A route's targets: in task mode each serving task's IP on `networkId`, or with `networkId` null (a host-mode
 * app) its node's address and published port (`nodes`, from `nodeAddresses`); in VIP mode the service's VIP.
 */
export function targetsFor(
  service: SwarmService,
  serving: readonly SwarmTask[],
  networkId: string | null,
  port: number,
  mode: BackendMode,
  nodes?: ReadonlyMap<string, string>,
): TargetResult {
  if (networkId === null) return hostModeTargets(service, serving, port, nodes);
  if (mode === 'vip') {
    if (serving.length === 0) return { targets: [] };
    const vip = service.vips.get(networkId);
    if (vip === undefined) {
      return { targets: [], warning: `service ${service.name}: has no VIP on network ${networkId}` };
    }
    return { targets: [`${vip}:${port}`] };
  }
  const addresses = new Set<string>();
  let missing = 0;
  for (const task of serving) {
    const ip = task.addresses.get(networkId);
    if (ip === undefined) missing += 1;
    else addresses.add(`${ip}:${port}`);
  }
  const targets = [...addresses].sort(byString);
  return missing > 0
    ? {
        targets,
        warning: `service ${service.name}: ${missing} running task(s) have no address on network ${networkId}`,
      }
    : { targets };
}
