import { parseArgs } from 'node:util';
import { type Plan, plan, type Topology } from '#shared/planner/index.js';
import { mulberry32, randomInt } from '#shared/planner/prng.js';
import { fixNetworks, multiTenant, TARGET_INSTANCE, withNetworkChoices } from './generators/index.js';

/**
 * `npm run bench:plan-networks [-- --quick]`: the planner choosing networks (`[Planner] ChooseNetworks`)
 * against fixing them. The multi-tenant generator's apps are each reached on one network, except 30 % that
 * are on 2–3 networks with no label (`withNetworkChoices`). Without the choice those apps either carry a
 * label fixing one network (first by name, or uniformly random: an operator without the planner's view) or,
 * as in Interlock, are rejected. Same planner, seed and budget in every row.
 */
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, strict: true });
const quick = values.quick ?? false;
const RATE = 0.3;
/** Re-planning each choice plan against itself: moves and changed networks (0 and 0 when stable). */
const replans: string[] = [];

interface Row {
  name: string;
  max: number;
  total: number;
  routed: number;
  millis: number;
}

const row = (name: string, p: Plan, topology: Topology): Row => ({
  name,
  max: p.metrics.maxNetworksPerProxy,
  total: p.metrics.totalAttachments,
  routed: topology.apps.length,
  millis: p.metrics.millis,
});

function compare(topology: Topology, seed: number): Row[] {
  const random = mulberry32(seed);
  const count = new Map<string, number>();
  for (const app of topology.apps) for (const n of app.networks) count.set(n, (count.get(n) ?? 0) + 1);
  const first = fixNetworks(topology, (options) => options[0] as string);
  const uniform = fixNetworks(topology, (options) => options[randomInt(random, options.length)] as string);
  const common = fixNetworks(
    topology,
    (options) =>
      [...options].sort((x, y) => (count.get(y) ?? 0) - (count.get(x) ?? 0) || (x < y ? -1 : 1))[0] as string,
  );
  const rejected = { ...topology, apps: topology.apps.filter((a) => !a.networkChoices?.length) };
  const choice = plan(topology, undefined, { seed });
  const again = plan(topology, choice.assignment, { seed });
  const flipped = Object.keys(choice.networks).filter((id) => again.networks[id] !== choice.networks[id]);
  replans.push(`seed ${seed}: ${again.metrics.moves} moves, ${flipped.length} networks changed`);
  return [
    row('choice (ChooseNetworks)', choice, topology),
    row('fixed: first by name', plan(first, undefined, { seed }), first),
    row('fixed: random', plan(uniform, undefined, { seed }), uniform),
    row('fixed: most common', plan(common, undefined, { seed }), common),
    row('rejected (Interlock)', plan(rejected, undefined, { seed }), rejected),
  ];
}

function table(title: string, rows: Row[]): void {
  const header = ['', 'max nets/proxy', 'total attach.', 'apps routed', 'ms'];
  const cells = rows.map((r) => [r.name, r.max, r.total, r.routed, r.millis].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i] as number) : x.padStart(widths[i] as number))).join('  ');
  console.log(`\n${title}\n${line(header)}`);
  for (const c of cells) console.log(line(c));
}

// One small plan first, so the first measured run does not pay for JIT compilation.
plan(
  withNetworkChoices(multiTenant({ ...TARGET_INSTANCE, apps: 200, privateNetworks: 40 }), {
    rate: RATE,
    seed: 1,
  }),
);

const started = performance.now();
const seeds = quick ? [1] : [1, 2, 3, 4, 5];
for (const seed of seeds) {
  const topology = withNetworkChoices(multiTenant({ ...TARGET_INSTANCE, seed }), { rate: RATE, seed });
  table(
    `multi-tenant, 2,000 apps (600 on 2–3 networks), 392 private + 8 shared networks, k = 8, balance 0.03, seed ${seed}`,
    compare(topology, seed),
  );
}
if (!quick) {
  const big = withNetworkChoices(
    multiTenant({ ...TARGET_INSTANCE, apps: 10_000, privateNetworks: 1960, clusters: 64 }),
    { rate: RATE, seed: 1 },
  );
  table(
    'multi-tenant, 10,000 apps (3,000 on 2–3 networks), 1,960 + 8 networks, k = 64, seed 1',
    compare(big, 1),
  );
}
console.log(`\nRe-plan of an unchanged input, choice on: ${replans.join('; ')}`);
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
