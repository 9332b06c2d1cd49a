import { listNames, type Problem } from './problem.js';
import type { Assignment } from './types.js';

function hostGroupNote(problem: Problem, a: number): string {
  const u = problem.appUnit[a] as number;
  const start = problem.unitAppStart[u] as number;
  const end = problem.unitAppStart[u + 1] as number;
  if (end - start < 2) return '';
  const others: string[] = [];
  for (let i = start; i < end; i++)
    if (problem.unitApps[i] !== a)
      others.push(problem.topology.apps[problem.unitApps[i] as number]?.id ?? '');
  return `; shares a host with ${listNames(others, 3)}`;
}

function placementReason(problem: Problem, a: number, cluster: number, appsInNet: Int32Array): string {
  const k = problem.clusterNames.length;
  const name = problem.clusterNames[cluster] as string;
  const app = problem.topology.apps[a];
  if (app?.cluster != null) return `pinned to ${name} (com.docker.lb.service_cluster)`;
  const pin = problem.unitPin[problem.appUnit[a] as number] as number;
  if (pin >= 0) return `in ${name} because an app it shares a host with is pinned there`;
  const start = problem.appNetStart[a] as number;
  const end = problem.appNetStart[a + 1] as number;
  if (end === start) return `joins no network; placed in ${name} for balance`;
  let shared = 0;
  let busiest = -1;
  let busiestCount = 0;
  for (let i = start; i < end; i++) {
    const e = problem.appNets[i] as number;
    const count = appsInNet[e * k + cluster] as number;
    if (count > 1) shared++;
    if (count > busiestCount) {
      busiest = e;
      busiestCount = count;
    }
  }
  const nets = end - start;
  if (shared === 0)
    return `no other app in ${name} is on its ${nets === 1 ? 'network' : `${nets} networks`}; placed there for balance`;
  const net = problem.netNames[busiest] as string;
  return `shares ${shared} of ${nets} network${nets === 1 ? '' : 's'} with apps in ${name} (${net} has ${busiestCount} apps there)`;
}

function historyNote(problem: Problem, a: number, cluster: number, previous: Assignment | undefined): string {
  if (!previous) return '';
  const id = problem.topology.apps[a]?.id ?? '';
  if (!Object.hasOwn(previous, id)) return '; new since the previous plan';
  const before = previous[id] as string;
  if (before === problem.clusterNames[cluster]) return '; kept from the previous plan';
  const index = problem.clusterNames.indexOf(before);
  if (index < 0) return `; moved from ${before}, which no longer exists`;
  if ((problem.unitPin[problem.appUnit[a] as number] as number) >= 0)
    return `; moved from ${before} by its pin`;
  if (!problem.auto[index]) return `; moved from ${before}, which only takes pinned apps now`;
  return `; moved from ${before} to cut networks per proxy or respect capacity`;
}

/** One short sentence per app on why it is where it is. */
export function explain(
  problem: Problem,
  clusterOfApp: Int32Array,
  previous?: Assignment,
): Record<string, string> {
  const k = problem.clusterNames.length;
  const appsInNet = new Int32Array(problem.netNames.length * k);
  clusterOfApp.forEach((b, a) => {
    for (let i = problem.appNetStart[a] as number; i < (problem.appNetStart[a + 1] as number); i++) {
      const slot = (problem.appNets[i] as number) * k + b;
      appsInNet[slot] = (appsInNet[slot] as number) + 1;
    }
  });
  return Object.fromEntries(
    problem.topology.apps.map((app, a) => {
      const b = clusterOfApp[a] as number;
      return [
        app.id,
        placementReason(problem, a, b, appsInNet) +
          hostGroupNote(problem, a) +
          historyNote(problem, a, b, previous),
      ];
    }),
  );
}
