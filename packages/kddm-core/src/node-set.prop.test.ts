// Node sets against a plain sorted array of members (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSetFirst, nodeSetFromArray, nodeSetSize, nodeSetToArray } from './node-set.js';

describe('node sets', () => {
  it('list, count and find the first member of any set of node ids 0..255', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 256 }), (ids) => {
        const sorted = [...ids].sort((a, b) => a - b);
        const s = nodeSetFromArray(ids);
        expect(nodeSetToArray(s)).toEqual(sorted);
        expect(nodeSetSize(s)).toBe(sorted.length);
        expect(nodeSetFirst(s)).toBe(sorted[0]);
      }),
      { numRuns: 300 },
    );
  });
});
