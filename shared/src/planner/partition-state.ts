import type { Objective } from './objective.js';
import { PartitionCounts } from './partition-counts.js';

const EPS = 1e-9;

/** A partition that prices moves under an Objective: the scores, deltas and candidates of every local search. */
export class PartitionState extends PartitionCounts {
  private readonly benefit = new Int32Array(this.k);
  private readonly touched = new Int32Array(this.k);

  score(obj: Objective): number {
    return (
      obj.overloadPenalty * this.overload() +
      obj.excessPenalty * this.excess(obj.maxTarget) +
      this.total +
      obj.moveCost * this.moved
    );
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
