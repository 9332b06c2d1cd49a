import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Assignment, buildProblem, evaluate, plan, type Topology } from '#shared/planner/index.js';
import { multiTenant, perturb, powerLaw, regionOrg, TARGET_INSTANCE, toHmetis } from './generators/index.js';

/**
 * `npm run bench:plan [-- --quick] [-- --write-hgr PATH]`: the planner against the three baselines on every
 * generator, size and k, the target instance over five seeds, and the incremental re-plan scenario.
 * Baselines respect pins but ignore host groups and capacity, as a hand-written rule would.
 */
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'write-hgr': { type: 'string' } },
  strict: true,
});
const quick = values.quick ?? false;

interface Row {
  name: string;
  max: number;
  total: number;
  lowerBoundMax: number;
  lowerBoundTotal: number;
  moves: number | string;
  millis: number | string;
}

function measure(name: string, topology: Topology, assignment: Assignment, millis: number | string): Row {
  const problem = buildProblem(topology);
  const index = new Map(problem.clusterNames.map((c, b) => [c, b]));
  const clusterOfApp = Int32Array.from(topology.apps, (a) => index.get(assignment[a.id] as string) ?? 0);
  const e = evaluate(problem, clusterOfApp);
  return {
    name,
    max: e.maxNetworksPerProxy,
    total: e.totalAttachments,
    lowerBoundMax: e.lowerBoundMax,
    lowerBoundTotal: e.lowerBoundTotal,
    moves: '-',
    millis,
  };
}

const fnv1a = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

function baseline(
  topology: Topology,
  choose: (appIndex: number, id: string, auto: string[]) => string,
): Assignment {
  const auto = topology.clusters.filter((c) => c.auto).map((c) => c.name);
  return Object.fromEntries(topology.apps.map((a, i) => [a.id, a.cluster ?? choose(i, a.id, auto)]));
}

function compare(topology: Topology, seed = 1): Row[] {
  const result = plan(topology, undefined, { seed });
  const first = topology.clusters[0]?.name ?? '';
  return [
    {
      name: 'signalbox',
      max: result.metrics.maxNetworksPerProxy,
      total: result.metrics.totalAttachments,
      lowerBoundMax: result.metrics.lowerBoundMax,
      lowerBoundTotal: result.metrics.lowerBoundTotal,
      moves: result.metrics.moves,
      millis: result.metrics.millis,
    },
    measure('one proxy', topology, Object.fromEntries(topology.apps.map((a) => [a.id, first])), '-'),
    measure(
      'round-robin',
      topology,
      baseline(topology, (i, _id, auto) => auto[i % auto.length] as string),
      '-',
    ),
    measure(
      'hash(name)',
      topology,
      baseline(topology, (_i, id, auto) => auto[fnv1a(id) % auto.length] as string),
      '-',
    ),
  ];
}

function table(title: string, rows: Row[]): void {
  const header = ['', 'max nets/proxy', 'total attach.', 'LB max', 'LB total', 'moves', 'ms'];
  const cells = rows.map((r) =>
    [r.name, r.max, r.total, r.lowerBoundMax, r.lowerBoundTotal, r.moves, r.millis].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i] as number) : x.padStart(widths[i] as number))).join('  ');
  console.log(`\n${title}\n${line(header)}`);
  for (const c of cells) console.log(line(c));
}

const generators: [string, (apps: number, k: number) => Topology][] = [
  [
    'multi-tenant',
    (apps, k) =>
      multiTenant({
        ...TARGET_INSTANCE,
        apps,
        privateNetworks: Math.round(apps * 0.196),
        clusters: k,
        canaryRate: 0.02,
      }),
  ],
  ['region/org (pinned)', (apps, k) => regionOrg({ apps, clusters: k, balance: 0.1, seed: 1 })],
  ['power-law', (apps, k) => powerLaw({ apps, clusters: k, balance: 0.1, seed: 1 })],
];
const sizes = quick ? [100, 2000] : [100, 2000, 10_000];
const ks = quick ? [4, 8] : [4, 8, 16, 64];

// One small plan first, so the first measured run does not pay for JIT compilation.
plan(multiTenant({ ...TARGET_INSTANCE, apps: 200, privateNetworks: 40 }));

const started = performance.now();
const target = multiTenant(TARGET_INSTANCE);
if (values['write-hgr']) {
  const { hgr, fix } = toHmetis(target);
  writeFileSync(values['write-hgr'], hgr);
  writeFileSync(`${values['write-hgr']}.fix`, fix);
  console.log(`wrote ${values['write-hgr']} (+ .fix): the target instance in hMETIS format`);
}
const targetRows = [1, 2, 3, 4, 5].map((seed) => ({
  ...(compare(target, seed)[0] as Row),
  name: `seed ${seed}`,
}));
table(
  'Target instance: multi-tenant, 2,000 apps, 392 private + 8 shared networks, k = 8, balance 0.03 (targets: total ≤ 440, max ≤ 70, ≤ 1 s)',
  [...targetRows, ...compare(target).slice(1)],
);

for (const [name, generate] of generators)
  for (const apps of sizes)
    for (const k of ks) {
      if (k * 2 > apps) continue;
      table(`${name}: ${apps} apps, k = ${k}`, compare(generate(apps, k)));
    }

function replan(title: string, topology: Topology): void {
  const first = plan(topology);
  const later = perturb(topology, { addApps: 100, rewireRate: 0.05, seed: 7 });
  const again = plan(later, first.assignment);
  const fresh = plan(later);
  const row = (name: string, p: typeof first): Row => ({
    name,
    max: p.metrics.maxNetworksPerProxy,
    total: p.metrics.totalAttachments,
    lowerBoundMax: p.metrics.lowerBoundMax,
    lowerBoundTotal: p.metrics.lowerBoundTotal,
    moves: p.metrics.moves,
    millis: p.metrics.millis,
  });
  table(title, [row('before', first), row('re-plan', again), row('fresh plan', fresh)]);
  const ratio = ((again.metrics.totalAttachments / fresh.metrics.totalAttachments - 1) * 100).toFixed(1);
  console.log(
    `re-plan: ${again.metrics.moves} moves, total attachments ${ratio} % vs a fresh plan (targets: ≤ 150, ≤ 2 %)`,
  );
}

replan('Re-plan after +100 apps and 5 % rewired memberships (target instance)', target);
if (!quick)
  replan(
    'Re-plan after +100 apps and 5 % rewired memberships (multi-tenant, 10,000 apps, k = 64)',
    multiTenant({ ...TARGET_INSTANCE, apps: 10_000, privateNetworks: 1960, clusters: 64 }),
  );
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
