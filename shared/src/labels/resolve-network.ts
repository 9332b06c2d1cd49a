import type { SwarmService } from '../swarm/snapshot.js';
import type { LabelContext } from './label-context.js';
import { LabelKey, STACK_NAMESPACE_LABEL } from './label-keys.js';

/**
 * The network to reach the service on; with `ctx.chooseNetworks`, `choices` gets the networks to pick from.
 * `null`: the service is on no network and publishes `port` in host mode (Interlock's host-mode apps), so
 * the proxy reaches each task at its node's address and published port. `undefined`: refused (reported).
 */
export function resolveNetwork(
  service: SwarmService,
  ctx: LabelContext,
  port: number | undefined,
  bad: (label: string, value: string, reason: string) => void,
  choices: { id: string; name: string }[],
): { id: string; name: string } | null | undefined {
  const attached = service.networkIds
    .map((id) => ctx.networksById.get(id) ?? { id, name: id, driver: '' })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = attached.map((n) => n.name).join(', ') || 'none';
  const wanted = service.labels[LabelKey.network];
  if (wanted !== undefined) {
    const text = wanted.trim();
    const ns = service.labels[STACK_NAMESPACE_LABEL];
    const match =
      attached.find((n) => n.name === text || n.id === text) ??
      (ns ? attached.find((n) => n.name === `${ns}_${text}`) : undefined);
    if (match) return { id: match.id, name: match.name };
    bad(LabelKey.network, wanted, `is not a network the service is attached to (attached: ${names})`);
    return undefined;
  }
  const [only, ...more] = attached;
  if (only && more.length === 0) return { id: only.id, name: only.name };
  const hostModePorts = service.hostModePorts ?? [];
  if (!only && port !== undefined && hostModePorts.includes(port)) return null;
  // A bad port label is reported already; a host-mode service would route once it names the right port.
  if (!only && port === undefined && hostModePorts.length > 0) return undefined;
  if (only && ctx.chooseNetworks) {
    choices.push(...attached.map((n) => ({ id: n.id, name: n.name })));
    return { id: only.id, name: only.name };
  }
  bad(
    LabelKey.network,
    '',
    only
      ? `is required because the service is attached to ${attached.length} networks (${names}); or let the planner choose with [Planner] ChooseNetworks = true`
      : `is required: the service is attached to no network the proxy could join${
          port === undefined
            ? ''
            : hostModePorts.length > 0
              ? ` and publishes only other target ports in host mode (${hostModePorts.join(', ')}), not ${LabelKey.port} ${port}`
              : ` and does not publish ${LabelKey.port} ${port} in host mode (--publish mode=host,target=${port})`
        }`,
  );
  return undefined;
}
