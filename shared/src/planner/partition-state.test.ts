import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomTopology, topologyShape } from '../../../testing/planner-arbitraries.js';
import { clusterByRating, contract, groupIdentical, projectDown } from './coarsen.js';
import { unitHypergraph } from './hypergraph.js';
import { objectiveFor } from './objective.js';
import { PartitionState } from './partition-state.js';
import { mulberry32, randomInt } from './prng.js';
import { buildProblem } from './problem.js';

const shapes = topologyShape({ apps: 40, clusters: 5, networks: 12 });

function randomState(seed: number, shape: Parameters<typeof randomTopology>[0]) {
  const problem = buildProblem(randomTopology({ ...shape, explicitCapacity: true }));
  const hg = unitHypergraph(problem);
  const random = mulberry32(seed);
  const k = problem.clusterNames.length;
  const part = Int32Array.from(hg.fixed, (f) => (f >= 0 ? f : randomInt(random, k)));
  return { problem, hg, state: new PartitionState(hg, k, problem.capacity, problem.auto, part), random };
}

describe('PartitionState', () => {
  it('keeps its incremental counters equal to a rebuild, and deltas equal to the score change', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
        const { hg, state, random } = randomState(seed, shape);
        if (hg.n === 0) return;
        const obj = objectiveFor(hg, state.k, randomInt(random, 6) + 1, 0.3, Infinity);
        for (let step = 0; step < 30; step++) {
          const v = randomInt(random, hg.n);
          const t = randomInt(random, state.k);
          if (t === state.part[v]) continue;
          const before = state.score(obj);
          const predicted = state.delta(v, t, obj);
          state.move(v, t);
          expect(state.score(obj) - before).toBeCloseTo(predicted, 6);
        }
        const fresh = new PartitionState(hg, state.k, state.capacity, state.auto, state.part);
        expect([...state.deg]).toEqual([...fresh.deg]);
        expect([...state.lambda]).toEqual([...fresh.lambda]);
        expect(state.total).toBe(fresh.total);
        expect(state.moved).toBeCloseTo(fresh.moved, 9);
      }),
      { numRuns: 60, seed: 1 },
    );
  });

  it('bestTarget returns an allowed block whose delta is the true minimum over allowed blocks', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
        const { hg, state } = randomState(seed, shape);
        const obj = objectiveFor(hg, state.k, 3, 0, Infinity);
        const out = new Float64Array(1);
        for (let v = 0; v < hg.n; v++) {
          const t = state.bestTarget(v, obj, out);
          const allowed = [...Array(state.k).keys()].filter(
            (b) =>
              b !== state.part[v] &&
              hg.fixed[v] === -1 &&
              state.auto[b] === 1 &&
              (state.load[b] as number) + (hg.weight[v] as number) <= (state.capacity[b] as number),
          );
          if (allowed.length === 0) {
            expect(t).toBe(-1);
            continue;
          }
          const best = Math.min(...allowed.map((b) => state.delta(v, b, obj)));
          expect(allowed).toContain(t);
          expect(out[0]).toBeCloseTo(best, 6);
        }
      }),
      { numRuns: 40, seed: 2 },
    );
  });
});

describe('contraction', () => {
  it('preserves networks per block and total attachments of a projected partition', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
        const { hg, problem } = randomState(seed, shape);
        const random = mulberry32(seed);
        const k = problem.clusterNames.length;
        let fine = hg;
        for (const clustering of [groupIdentical(fine, 4), undefined]) {
          const c = clustering ?? clusterByRating(fine, 6, random);
          const coarse = contract(fine, c);
          const coarsePart = Int32Array.from({ length: coarse.n }, () => randomInt(random, k));
          const a = new PartitionState(coarse, k, problem.capacity, problem.auto, coarsePart);
          const b = new PartitionState(
            fine,
            k,
            problem.capacity,
            problem.auto,
            projectDown(coarsePart, c.clusterOf),
          );
          expect([...a.deg]).toEqual([...b.deg]);
          expect(a.total).toBe(b.total);
          expect([...a.load]).toEqual([...b.load]);
          fine = coarse;
        }
      }),
      { numRuns: 60, seed: 3 },
    );
  });
});
