import type { Hypergraph } from './hypergraph.js';

/**
 * A k-way partition of one level with the pin counts Φ(e, b) that make every move O(nets of v).
 * deg[b] counts the (weighted) networks proxy b joins; total = Σ_e ω(e)·λ(e) plus the inner nets.
 */
export class PartitionCounts {
  readonly part: Int32Array;
  readonly phi: Int32Array;
  readonly lambda: Int32Array;
  readonly deg: Int32Array;
  readonly load: Float64Array;
  total = 0;
  /** Apps away from their home block (the stability cost). */
  moved = 0;
  /** The blocks net e spans are blocksOf[e·k .. e·k + λ(e)), and block b sits at slotOf[e·k + b]. */
  protected readonly blocksOf: Int32Array;
  private readonly slotOf: Int32Array;

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

  movedDelta(v: number, s: number, t: number): number {
    const home = this.hg.home[v] as number;
    if (home < 0) return 0;
    return (this.hg.homeApps[v] as number) * ((t !== home ? 1 : 0) - (s !== home ? 1 : 0));
  }
}
