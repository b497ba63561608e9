// Goal: the PID layout matches Kerrighed's (reference §7) bit for bit, and
// every malformed input is rejected. Method: the reference's worked examples,
// then a property test of encode/decode over the whole space.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PidInvalid, globalPid, isGlobalPid, origNode, shortPid } from './index.js';

describe('globalPid', () => {
  test('matches the reference examples', () => {
    expect(globalPid(1, 1234)).toBe(6292690);
    expect(globalPid(0, 1234)).toBe(2098386);
    expect(globalPid(255, 1)).toBe((255 << 22) | 0x200000 | 1);
  });

  test('rejects node ids and local PIDs outside their ranges', () => {
    expect(() => globalPid(256, 1)).toThrow(PidInvalid);
    expect(() => globalPid(-1, 1)).toThrow(PidInvalid);
    expect(() => globalPid(0, 0)).toThrow(PidInvalid);
    expect(() => globalPid(0, 1 << 21)).toThrow(PidInvalid);
    expect(() => globalPid(0.5, 1)).toThrow(PidInvalid);
  });

  test('decodes back to its node and local number (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: (1 << 21) - 1 }),
        (node, local) => {
          const pid = globalPid(node, local);
          expect(pid).toBeLessThan(2 ** 30);
          expect(isGlobalPid(pid)).toBe(true);
          expect(origNode(pid)).toBe(node);
          expect(shortPid(pid)).toBe(local);
        },
      ),
    );
  });
});

describe('origNode and shortPid', () => {
  test('reject PIDs without the global flag', () => {
    expect(isGlobalPid(1234)).toBe(false);
    expect(isGlobalPid(0x200000)).toBe(false);
    expect(() => origNode(1)).toThrow(PidInvalid);
    expect(() => shortPid(2 ** 30)).toThrow(PidInvalid);
    expect(() => shortPid(-6292690)).toThrow(PidInvalid);
  });
});
