import { describe, expect, it } from 'vitest';
import { parsePlanInput, parsePreviousAssignment } from './plan-input-schema.js';

describe('parsePlanInput', () => {
  it('accepts the documented example, with optional fields left out', () => {
    const topology = parsePlanInput({
      balance: 0.1,
      clusters: [{ name: 'east', auto: true, capacity: 300 }],
      apps: [
        {
          id: 'shop-web',
          networks: ['shop-net', 'platform'],
          cluster: null,
          weight: 1,
          hosts: ['shop.example.org'],
        },
      ],
    });
    expect(topology.apps[0]?.id).toBe('shop-web');
    expect(
      parsePlanInput({ clusters: [{ name: '' }], apps: [{ id: 'a', networks: [] }] }).clusters[0],
    ).toEqual({
      name: '',
      auto: true,
    });
  });

  it.each([
    [{ clusters: [], apps: [] }, /^plan input: clusters: /],
    [{ clusters: [{ name: 'east', capcity: 3 }], apps: [] }, /^plan input: clusters\.0: .*capcity/],
    [
      { clusters: [{ name: 'east' }], apps: [{ id: 'a', networks: ['n'], weight: 0 }] },
      /^plan input: apps\.0\.weight: /,
    ],
    [{ clusters: [{ name: 'east' }] }, /^plan input: apps: /],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parsePlanInput(input)).toThrow(message);
  });
});

describe('parsePreviousAssignment', () => {
  it('takes a whole plan or a bare assignment', () => {
    expect(parsePreviousAssignment({ assignment: { a: 'east' }, metrics: {} })).toEqual({ a: 'east' });
    expect(parsePreviousAssignment({ a: 'east', assignment: 'west' })).toEqual({
      a: 'east',
      assignment: 'west',
    });
    expect(() => parsePreviousAssignment({ a: 3 })).toThrow(/^previous plan: /);
  });
});
