import type { Problem } from './problem.js';

/**
 * One level of the multilevel hierarchy in typed arrays. Vertices are units (level 0) or contracted groups of
 * them. A net whose pins all fell into one vertex is kept as that vertex's `inner` weight, because it still
 * counts once towards the networks of whichever proxy holds the vertex. Nets with identical pin sets are
 * merged into one net of higher weight.
 */
export interface Hypergraph {
  readonly n: number;
  readonly m: number;
  readonly weight: Float64Array;
  readonly inner: Int32Array;
  /** Block the vertex is pinned to, or -1. */
  readonly fixed: Int32Array;
  /** Block of the previous plan (-1 for none); only vertices with one home are contracted together. */
  readonly home: Int32Array;
  /** Apps inside the vertex that live in `home`: what moving the vertex away costs in stability. */
  readonly homeApps: Float64Array;
  readonly vStart: Int32Array;
  readonly vNets: Int32Array;
  readonly netWeight: Int32Array;
  readonly eStart: Int32Array;
  readonly ePins: Int32Array;
}

export interface VertexData {
  weight: Float64Array;
  inner: Int32Array;
  fixed: Int32Array;
  home: Int32Array;
  homeApps: Float64Array;
}

/** Builds a level from per-net pin lists, which may repeat pins; `inner` is extended in place. */
export function buildHypergraph(
  vertices: VertexData,
  netPins: readonly (readonly number[])[],
  netWeights: readonly number[],
): Hypergraph {
  const n = vertices.weight.length;
  const inner = vertices.inner;
  const seen = new Int32Array(n).fill(-1);
  const byPins = new Map<string, number>();
  const pinLists: number[][] = [];
  const weights: number[] = [];
  netPins.forEach((raw, e) => {
    const pins: number[] = [];
    for (const v of raw) {
      if (seen[v] === e) continue;
      seen[v] = e;
      pins.push(v);
    }
    const w = netWeights[e] as number;
    if (pins.length === 0) return;
    if (pins.length === 1) {
      const v = pins[0] as number;
      inner[v] = (inner[v] as number) + w;
      return;
    }
    pins.sort((a, b) => a - b);
    const key = pins.join(',');
    const existing = byPins.get(key);
    if (existing !== undefined) {
      weights[existing] = (weights[existing] as number) + w;
      return;
    }
    byPins.set(key, pinLists.length);
    pinLists.push(pins);
    weights.push(w);
  });
  const m = pinLists.length;
  const eStart = new Int32Array(m + 1);
  pinLists.forEach((pins, e) => {
    eStart[e + 1] = (eStart[e] as number) + pins.length;
  });
  const ePins = new Int32Array(eStart[m] as number);
  const vStart = new Int32Array(n + 1);
  pinLists.forEach((pins, e) => {
    ePins.set(pins, eStart[e] as number);
    for (const v of pins) vStart[v + 1] = (vStart[v + 1] as number) + 1;
  });
  for (let v = 0; v < n; v++) vStart[v + 1] = (vStart[v + 1] as number) + (vStart[v] as number);
  const fill = vStart.slice(0, n);
  const vNets = new Int32Array(vStart[n] as number);
  pinLists.forEach((pins, e) => {
    for (const v of pins) vNets[(fill[v] as number)++] = e;
  });
  return {
    n,
    m,
    ...vertices,
    inner,
    vStart,
    vNets,
    netWeight: Int32Array.from(weights),
    eStart,
    ePins,
  };
}

/**
 * Level 0: one vertex per unit (host group). `home` and `homeApps` say where each unit's apps were in the
 * previous plan; without one they are -1 and 0.
 */
export function unitHypergraph(problem: Problem, home?: Int32Array, homeApps?: Float64Array): Hypergraph {
  const units = problem.unitWeight.length;
  const netPins: number[][] = problem.netNames.map(() => []);
  for (let a = 0; a < problem.appUnit.length; a++) {
    const u = problem.appUnit[a] as number;
    for (let i = problem.appNetStart[a] as number; i < (problem.appNetStart[a + 1] as number); i++)
      netPins[problem.appNets[i] as number]?.push(u);
  }
  return buildHypergraph(
    {
      weight: problem.unitWeight.slice(),
      inner: new Int32Array(units),
      fixed: problem.unitPin.slice(),
      home: home ?? new Int32Array(units).fill(-1),
      homeApps: homeApps ?? new Float64Array(units),
    },
    netPins,
    netPins.map(() => 1),
  );
}
