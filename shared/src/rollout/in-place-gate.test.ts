import { describe, expect, it } from 'vitest';
import { InPlaceGate } from './in-place-gate.js';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('InPlaceGate', () => {
  it('lets one replica apply at a time, the next one only after the delay', () => {
    const c = clock();
    const gate = new InPlaceGate(c.now);
    const policy = { parallelism: 1, delayMs: 3_000 };
    for (const t of ['a', 'b', 'c']) gate.report('east', t, 'old', '');
    expect(gate.mayApply('east', 'a', 'new', policy)).toBe(true);
    expect(gate.mayApply('east', 'b', 'new', policy)).toBe(false);
    c.advance(500);
    expect(gate.report('east', 'a', 'new', '')).toBe(true);
    expect(gate.mayApply('east', 'b', 'new', policy)).toBe(false);
    c.advance(3_000);
    expect(gate.mayApply('east', 'b', 'new', policy)).toBe(true);
    expect(gate.mayApply('east', 'c', 'new', policy)).toBe(false);
    gate.report('east', 'b', 'new', '');
    c.advance(3_000);
    expect(gate.mayApply('east', 'c', 'new', policy)).toBe(true);
    gate.report('east', 'c', 'new', '');
    expect(gate.serving('east', 'new', ['a', 'b', 'c', 'gone'])).toBe(3);
  });

  it('makes the next replica wait a full delay after a new leader takes the rollout over', () => {
    const c = clock();
    const gate = new InPlaceGate(c.now);
    const policy = { parallelism: 1, delayMs: 3_000 };
    gate.resume('east', c.now());
    // A new leader: 'a' applied under the old one, 'b' still runs the old config.
    gate.report('east', 'a', 'new', '');
    gate.report('east', 'b', 'old', '');
    expect(gate.mayApply('east', 'b', 'new', policy)).toBe(false);
    c.advance(3_000);
    expect(gate.mayApply('east', 'b', 'new', policy)).toBe(true);
  });

  it('gives a task that never reported the newest config at once, and honours parallelism', () => {
    const c = clock();
    const gate = new InPlaceGate(c.now);
    for (const t of ['a', 'b', 'c']) gate.report('east', t, 'old', '');
    expect(gate.mayApply('east', 'fresh', 'new', { parallelism: 1, delayMs: 0 })).toBe(true);
    expect(gate.mayApply('east', 'a', 'new', { parallelism: 2, delayMs: 0 })).toBe(true);
    expect(gate.mayApply('east', 'b', 'new', { parallelism: 2, delayMs: 0 })).toBe(true);
    expect(gate.mayApply('east', 'c', 'new', { parallelism: 2, delayMs: 0 })).toBe(false);
  });

  it('frees the turn of a task that stopped polling, and starts over for a newer target', () => {
    const c = clock();
    const gate = new InPlaceGate(c.now);
    const policy = { parallelism: 1, delayMs: 0 };
    for (const t of ['a', 'b']) gate.report('east', t, 'old', '');
    expect(gate.mayApply('east', 'a', 'new', policy)).toBe(true);
    c.advance(120_000);
    gate.report('east', 'b', 'old', '');
    expect(gate.mayApply('east', 'b', 'new', policy)).toBe(true);
    expect(gate.mayApply('east', 'b', 'newer', policy)).toBe(true);
    expect(gate.mayApply('east', 'a', 'newer', policy)).toBe(false);
  });

  it('names the task that refused a config', () => {
    const gate = new InPlaceGate();
    gate.report('east', 'a', 'old', 'bad');
    expect(gate.refusedBy('east', 'bad')).toBe('a');
    expect(gate.refusedBy('east', 'good')).toBeUndefined();
  });
});
