import { describe, expect, it } from 'vitest';
import { isSignalboxError } from '../errors/index.js';
import { parseHmetis, parsePartitionFile } from './hmetis.js';
import { plan } from './plan.js';

const HGR = `% 4 nets, 7 vertices (hMETIS manual's example shape)
4 7
1 2
1 7 5 6
5 6 4
2 3 4
`;

describe('parseHmetis', () => {
  it('maps vertices to apps, nets to networks and blocks to clusters with KaHyPar capacity', () => {
    const topology = parseHmetis({ hgr: HGR, k: 2, epsilon: 0.03 });
    expect(topology.clusters).toEqual([
      { name: '0', auto: true, capacity: 4 },
      { name: '1', auto: true, capacity: 4 },
    ]);
    expect(topology.apps[0]).toEqual({ id: 'v1', networks: ['e1', 'e2'], cluster: null, weight: 1 });
    expect(topology.apps[4]?.networks).toEqual(['e2', 'e3']);
  });

  it('reads net and vertex weights and a fix file', () => {
    const hgr = '2 3 11\n3 1 2\n1 2 3\n5\n1\n1\n';
    const topology = parseHmetis({ hgr, k: 2, epsilon: 0.5, fix: '-1\n1\n-1\n' });
    expect(topology.apps.map((a) => a.weight)).toEqual([5, 1, 1]);
    expect(topology.apps[0]?.networks).toEqual(['e1', 'e1#2', 'e1#3']);
    expect(topology.apps[1]?.cluster).toBe('1');
    // A net of weight 3 costs 3 attachments per block it spans, as in KaHyPar.
    const result = plan(topology);
    expect(result.assignment).toEqual({ v1: '1', v2: '1', v3: '0' });
    expect(result.metrics.totalAttachments).toBe(5);
  });

  it.each([
    ['missing header', '', /hgr line 1: missing header/],
    ['bad pin', '1 2\n1 3\n', /hgr line 2: expected an integer in \[1, 2\], got "3"/],
    ['too few nets', '2 2\n1 2\n', /expected 2 net lines/],
    ['unknown fmt', '1 2 7\n1 2\n', /unknown fmt "7"/],
  ])('rejects %s with the line', (_case, hgr, message) => {
    let error: unknown;
    try {
      parseHmetis({ hgr, k: 2, epsilon: 0.03 });
    } catch (e) {
      error = e;
    }
    expect(isSignalboxError(error, 'PLAN_INPUT_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects a fix file with the wrong length or block', () => {
    expect(() => parseHmetis({ hgr: HGR, k: 2, epsilon: 0.03, fix: '0\n' })).toThrow(/expected 7 lines/);
    expect(() => parseHmetis({ hgr: HGR, k: 2, epsilon: 0.03, fix: '0\n0\n0\n0\n0\n0\n2\n' })).toThrow(
      /fix file line 7: expected an integer in \[-1, 1\]/,
    );
  });
});

describe('parsePartitionFile', () => {
  it('reads one block per vertex as a previous assignment', () => {
    expect(parsePartitionFile('0\n1\n1\n', 3, 2)).toEqual({ v1: '0', v2: '1', v3: '1' });
  });
});
