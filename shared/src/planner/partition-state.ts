import type { Hypergraph } from './hypergraph.js';

/**
 * What the local searches minimise, as one scalar per move:
 *   overloadPenalty·overload + excessPenalty·Σ_b max(0, deg_b − maxTarget) + total + moveCost·moved.
 * `excessPenalty` exceeds any change of `total` one move can make, so with `maxTarget` just under the current
 * maximum this is the lexicographic objective (max first, then total) in a form local search can climb.
 */
export interface Objective {
  readonly maxTarget: number;
  readonly excessPenalty: number;
  readonly overloadPenalty: number;
  readonly moveCost: number;
  readonly maxMoves: number;
}

const EPS = 1e-9;

export function objectiveFor(
  hg: Hypergraph,
  k: number,
  maxTarget: number,
  moveCost: number,
  maxMoves: number,
): Objective {
  let netSum = 0;
  for (let e = 0; e < hg.m; e++) netSum += hg.netWeight[e] as number;
  for (let v = 0; v < hg.n; v++) netSum += hg.inner[v] as number;
  const excessPenalty = netSum + 1;
  return {
    maxTarget,
    excessPenalty,
    overloadPenalty: excessPenalty * (netSum * k + 1),
    moveCost,
    maxMoves,
  };
}

/**
 * A k-way partition of one level with the pin counts Φ(e, b) that make every move O(nets of v).
 * deg[b] counts the (weighted) networks proxy b joins; total = Σ_e ω(e)·λ(e) plus the inner nets.
 */
export class PartitionState {
  readonly part: Int32Array;
  readonly phi: Int32Array;
  readonly lambda: Int32Array;
  readonly deg: Int32Array;
  readonly load: Float64Array;
  total = 0;
  /** Apps away from their home block (the stability cost). */
  moved = 0;
  /** The blocks net e spans are blocksOf[e·k .. e·k + λ(e)), and block b sits at slotOf[e·k + b]. */
  private readonly blocksOf: Int32Array;
  private readonly slotOf: Int32Array;
  private readonly benefit: Int32Array;
  private readonly touched: Int32Array;

  constructor(
    readonly hg: Hypergraph,
    readonly k: number,
    readonly capacity: Float64Array,
    readonly auto: Uint8Array,
    part: Int32Array,
  ) {
    this.part = part.slice();
    this.phi = new Int32Array(hg.m * k);
    this.lambda = new Int32Array(hg.m);
    this.deg = new Int32Array(k);
    this.load = new Float64Array(k);
    this.blocksOf = new Int32Array(hg.m * k);
    this.slotOf = new Int32Array(hg.m * k);
    this.benefit = new Int32Array(k);
    this.touched = new Int32Array(k);
    this.rebuild();
  }

  /** Recomputes every counter from `part`. */
  rebuild(): void {
    const { hg, k } = this;
    this.phi.fill(0);
    this.lambda.fill(0);
    this.deg.fill(0);
    this.load.fill(0);
    this.total = 0;
    this.moved = 0;
    for (let v = 0; v < hg.n; v++) {
      const b = this.part[v] as number;
      this.load[b] = (this.load[b] as number) + (hg.weight[v] as number);
      this.deg[b] = (this.deg[b] as number) + (hg.inner[v] as number);
      this.total += hg.inner[v] as number;
      if ((hg.home[v] as number) >= 0 && hg.home[v] !== b) this.moved += hg.homeApps[v] as number;
      for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
        const e = hg.vNets[i] as number;
        const slot = e * k + b;
        if (this.phi[slot] === 0) {
          const w = hg.netWeight[e] as number;
          this.join(e, b);
          this.deg[b] = (this.deg[b] as number) + w;
          this.total += w;
        }
        this.phi[slot] = (this.phi[slot] as number) + 1;
      }
    }
  }

  private join(e: number, b: number): void {
    const n = this.lambda[e] as number;
    this.blocksOf[e * this.k + n] = b;
    this.slotOf[e * this.k + b] = n;
    this.lambda[e] = n + 1;
  }

  private leave(e: number, b: number): void {
    const base = e * this.k;
    const last = (this.lambda[e] as number) - 1;
    const slot = this.slotOf[base + b] as number;
    const moved = this.blocksOf[base + last] as number;
    this.blocksOf[base + slot] = moved;
    this.slotOf[base + moved] = slot;
    this.lambda[e] = last;
  }

  assign(part: Int32Array): void {
    this.part.set(part);
    this.rebuild();
  }

  move(v: number, t: number): void {
    const { hg, k } = this;
    const s = this.part[v] as number;
    if (s === t) return;
    const inner = hg.inner[v] as number;
    const weight = hg.weight[v] as number;
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      const w = hg.netWeight[e] as number;
      const from = e * k + s;
      const to = e * k + t;
      this.phi[from] = (this.phi[from] as number) - 1;
      if (this.phi[from] === 0) {
        this.leave(e, s);
        this.deg[s] = (this.deg[s] as number) - w;
        this.total -= w;
      }
      if (this.phi[to] === 0) {
        this.join(e, t);
        this.deg[t] = (this.deg[t] as number) + w;
        this.total += w;
      }
      this.phi[to] = (this.phi[to] as number) + 1;
    }
    this.deg[s] = (this.deg[s] as number) - inner;
    this.deg[t] = (this.deg[t] as number) + inner;
    this.load[s] = (this.load[s] as number) - weight;
    this.load[t] = (this.load[t] as number) + weight;
    this.moved += this.movedDelta(v, s, t);
    this.part[v] = t;
  }

  maxDeg(): number {
    let max = 0;
    for (let b = 0; b < this.k; b++) if ((this.deg[b] as number) > max) max = this.deg[b] as number;
    return max;
  }

  overload(): number {
    let over = 0;
    for (let b = 0; b < this.k; b++)
      over += Math.max(0, (this.load[b] as number) - (this.capacity[b] as number));
    return over;
  }

  excess(maxTarget: number): number {
    let ex = 0;
    for (let b = 0; b < this.k; b++) ex += Math.max(0, (this.deg[b] as number) - maxTarget);
    return ex;
  }

  score(obj: Objective): number {
    return (
      obj.overloadPenalty * this.overload() +
      obj.excessPenalty * this.excess(obj.maxTarget) +
      this.total +
      obj.moveCost * this.moved
    );
  }

  movedDelta(v: number, s: number, t: number): number {
    const home = this.hg.home[v] as number;
    if (home < 0) return 0;
    return (this.hg.homeApps[v] as number) * ((t !== home ? 1 : 0) - (s !== home ? 1 : 0));
  }

  /** Networks proxy `part[v]` stops joining if v leaves (including v's inner nets). */
  sourceLoss(v: number): number {
    const { hg, k } = this;
    const s = this.part[v] as number;
    let a = hg.inner[v] as number;
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      if (this.phi[e * k + s] === 1) a += hg.netWeight[e] as number;
    }
    return a;
  }

  /** Networks proxy t starts joining if v arrives. */
  targetCost(v: number, t: number): number {
    const { hg, k } = this;
    let c = hg.inner[v] as number;
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      if (this.phi[e * k + t] === 0) c += hg.netWeight[e] as number;
    }
    return c;
  }

  /** Change of `score(obj)` if v moved to t, given a = sourceLoss(v) and c = targetCost(v, t). */
  deltaWith(v: number, t: number, a: number, c: number, obj: Objective): number {
    const s = this.part[v] as number;
    const T = obj.maxTarget;
    const ds = this.deg[s] as number;
    const dt = this.deg[t] as number;
    const dExcess =
      Math.max(0, ds - a - T) - Math.max(0, ds - T) + Math.max(0, dt + c - T) - Math.max(0, dt - T);
    const w = this.hg.weight[v] as number;
    const ls = this.load[s] as number;
    const lt = this.load[t] as number;
    const cs = this.capacity[s] as number;
    const ct = this.capacity[t] as number;
    const dOver =
      Math.max(0, ls - w - cs) - Math.max(0, ls - cs) + Math.max(0, lt + w - ct) - Math.max(0, lt - ct);
    return (
      obj.overloadPenalty * dOver +
      obj.excessPenalty * dExcess +
      (c - a) +
      obj.moveCost * this.movedDelta(v, s, t)
    );
  }

  delta(v: number, t: number, obj: Objective): number {
    return this.deltaWith(v, t, this.sourceLoss(v), this.targetCost(v, t), obj);
  }

  /**
   * The allowed target with the lowest delta, or -1; writes the delta to `out[0]`. Only blocks that share a
   * net with v can save attachments, so besides those it scores v's home and one other block: the one whose
   * proxy joins the fewest networks (then the lightest). The hot loop of every local search.
   */
  bestTarget(v: number, obj: Objective, out: Float64Array): number {
    const { hg, k, benefit, touched, phi, deg, load, capacity, auto, blocksOf } = this;
    if ((hg.fixed[v] as number) >= 0) return -1;
    const s = this.part[v] as number;
    const inner = hg.inner[v] as number;
    let netSum = 0;
    let a = inner;
    let touchedCount = 0;
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++) {
      const e = hg.vNets[i] as number;
      const w = hg.netWeight[e] as number;
      const base = e * k;
      netSum += w;
      if (phi[base + s] === 1) a += w;
      const span = this.lambda[e] as number;
      for (let j = 0; j < span; j++) {
        const b = blocksOf[base + j] as number;
        if (benefit[b] === 0) touched[touchedCount++] = b;
        benefit[b] = (benefit[b] as number) + w;
      }
    }
    const w = hg.weight[v] as number;
    let other = -1;
    for (let t = 0; t < k; t++) {
      if (t === s || benefit[t] !== 0 || !auto[t] || (load[t] as number) + w > (capacity[t] as number) + EPS)
        continue;
      if (
        other < 0 ||
        (deg[t] as number) < (deg[other] as number) ||
        (deg[t] === deg[other] && (load[t] as number) < (load[other] as number))
      )
        other = t;
    }
    const T = obj.maxTarget;
    const ds = deg[s] as number;
    const sourceExcess = Math.max(0, ds - a - T) - Math.max(0, ds - T);
    const ls = load[s] as number;
    const cs = capacity[s] as number;
    const sourceOver = Math.max(0, ls - w - cs) - Math.max(0, ls - cs);
    const home = hg.home[v] as number;
    const homeApps = hg.homeApps[v] as number;
    const leaving = home >= 0 && s === home ? homeApps : 0;
    // The move cap never blocks emptying an overloaded block.
    const capped = this.moved + leaving > obj.maxMoves + EPS && ls <= cs + EPS;
    let best = -1;
    let bestDelta = Infinity;
    // Candidates: the touched blocks, then `other`, then home (returning home saves the move cost).
    for (let i = 0; i <= touchedCount + 1; i++) {
      const t = i < touchedCount ? (touched[i] as number) : i === touchedCount ? other : home;
      if (t < 0 || t === s || !auto[t] || (i > touchedCount && (benefit[t] !== 0 || t === other))) continue;
      const lt = load[t] as number;
      const ct = capacity[t] as number;
      if (lt + w > ct + EPS) continue;
      const dMoved = home < 0 ? 0 : t === home ? (s !== home ? -homeApps : 0) : leaving;
      if (dMoved > 0 && capped) continue;
      const c = inner + netSum - (benefit[t] as number);
      const dt = deg[t] as number;
      const dExcess = sourceExcess + Math.max(0, dt + c - T) - Math.max(0, dt - T);
      const dOver = sourceOver + Math.max(0, lt + w - ct) - Math.max(0, lt - ct);
      const d = obj.overloadPenalty * dOver + obj.excessPenalty * dExcess + (c - a) + obj.moveCost * dMoved;
      if (
        d < bestDelta - EPS ||
        (d < bestDelta + EPS &&
          (lt < (load[best] as number) - EPS || (lt < (load[best] as number) + EPS && t < best)))
      ) {
        best = t;
        bestDelta = d;
      }
    }
    for (let i = 0; i < touchedCount; i++) benefit[touched[i] as number] = 0;
    out[0] = bestDelta;
    return best;
  }

  /**
   * Whether moving v could lower the objective at all: it is the last pin of some net in its block (only
   * then can total attachments drop), its block is over the target or over capacity, or it is away from
   * home. Any other move only adds networks somewhere; FM still reaches such vertices through their nets.
   */
  isCandidate(v: number, obj: Objective): boolean {
    const { hg, k } = this;
    if ((hg.fixed[v] as number) >= 0) return false;
    const s = this.part[v] as number;
    if (
      (this.deg[s] as number) > obj.maxTarget ||
      (this.load[s] as number) > (this.capacity[s] as number) + EPS
    )
      return true;
    if ((hg.home[v] as number) >= 0 && hg.home[v] !== s) return true;
    for (let i = hg.vStart[v] as number; i < (hg.vStart[v + 1] as number); i++)
      if (this.phi[(hg.vNets[i] as number) * k + s] === 1) return true;
    return false;
  }
}

/** Lexicographic quality of a state: overload (must be 0), then the maximum, then total plus move cost. */
export interface Quality {
  readonly overload: number;
  readonly max: number;
  readonly cost: number;
}

export const qualityOf = (state: PartitionState, moveCost: number): Quality => ({
  overload: state.overload(),
  max: state.maxDeg(),
  cost: state.total + moveCost * state.moved,
});

export function isBetter(a: Quality, b: Quality): boolean {
  if (Math.abs(a.overload - b.overload) > EPS) return a.overload < b.overload;
  if (a.max !== b.max) return a.max < b.max;
  return a.cost < b.cost - EPS;
}
