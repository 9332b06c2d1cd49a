import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { desiredFixture, routedApp } from '../../../../testing/desired-fixture.js';
import { MoveTracker } from './move-tracker.js';

/** A logger whose lines the test reads. */
function capturingLog() {
  const lines: { msg: string; service?: string; from?: string; to?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('apps moving between clusters', () => {
  it('logs a move as it starts and ends, and asks for a look every 500 ms, every 5 s after a minute', () => {
    let now = 0;
    const { log, lines } = capturingLog();
    const moves = new MoveTracker(log, () => now);
    expect(moves.note(new Map(), {})).toBeUndefined();
    expect(moves.active).toBe(false);
    const keep = new Map([['web', new Set(['east'])]]);
    expect(moves.note(keep, { web: 'west' })).toBe(500);
    expect(moves.active).toBe(true);
    expect(moves.keeps('web', 'east')).toBe(true);
    expect(moves.keeps('web', 'west')).toBe(false);
    now = 60_001;
    expect(moves.note(new Map(keep), { web: 'west' })).toBe(5_000);
    expect(moves.note(new Map(), { web: 'west' })).toBeUndefined();
    expect(moves.keeps('web', 'east')).toBe(false);
    // Once started and once ended: a pass that finds the same move says nothing new.
    expect(lines.map((l) => [l.msg.split(';')[0], l.service, l.from, l.to])).toEqual([
      ['app moves to another cluster', 'web', 'east', 'west'],
      ['app moved', 'web', 'east', 'west'],
    ]);
    // A later move starts its own clock.
    expect(moves.note(keep, { web: 'west' })).toBe(500);
  });

  it('knows which hosts each remembered desired version of a cluster routes', () => {
    const { desired } = desiredFixture([routedApp('web', 'web.example.org,www.example.org')]);
    const [c] = desired.clusters;
    if (!c) throw new Error('the fixture plans one cluster');
    const moves = new MoveTracker(capturingLog().log);
    expect(moves.routes(c.cluster, c.version, 'web.example.org')).toBe(false);
    moves.rememberHosts(c);
    expect(moves.routes(c.cluster, c.version, 'www.example.org')).toBe(true);
    expect(moves.routes(c.cluster, c.version, 'api.example.org')).toBe(false);
    expect(moves.routes(c.cluster, 'another-version', 'web.example.org')).toBe(false);
  });
});
