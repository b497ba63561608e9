// Goal: a pidmap never hands out a PID twice while it is allocated or
// reserved, allocates cyclically as Linux does, and round-trips through its
// image. Method: direct cases, then a seeded model test against a Set.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  PID_RESERVED_LOW,
  PidBusy,
  PidNotAllocated,
  Pidmap,
  PidmapExhausted,
  PidmapImageInvalid,
} from './index.js';

describe('Pidmap.alloc', () => {
  test('starts after init and counts up', () => {
    const map = new Pidmap(3);
    expect([map.alloc(), map.alloc(), map.alloc()]).toEqual([2, 3, 4]);
    expect(map.count).toBe(3);
  });

  test('does not reuse a freed PID at once, and wraps to the reserved low range', () => {
    const map = new Pidmap(0, { pidMax: PID_RESERVED_LOW + 3 });
    const first = [];
    for (let i = 0; i < PID_RESERVED_LOW; i++) first.push(map.alloc());
    expect(first.at(-1)).toBe(PID_RESERVED_LOW + 1);
    map.free(2);
    map.free(PID_RESERVED_LOW);
    // Next is pid_max − 1, then the scan wraps to PID_RESERVED_LOW.
    expect(map.alloc()).toBe(PID_RESERVED_LOW + 2);
    expect(map.alloc()).toBe(PID_RESERVED_LOW);
    // PID 2 lies below the wrap point: only reservation can take it back.
    expect(() => map.alloc()).toThrow(PidmapExhausted);
    map.reserve(2);
    expect(map.isAllocated(2)).toBe(true);
  });

  test('skips reserved PIDs', () => {
    const map = new Pidmap(0);
    map.reserve(2);
    map.reserve(4);
    expect([map.alloc(), map.alloc()]).toEqual([3, 5]);
  });
});

describe('Pidmap.reserve and free', () => {
  test('reserve of a busy PID or of init is refused and changes nothing', () => {
    const map = new Pidmap(0);
    const pid = map.alloc();
    expect(() => map.reserve(pid)).toThrow(PidBusy);
    expect(() => map.reserve(1)).toThrow(PidBusy);
    expect(map.count).toBe(1);
  });

  test('a PID above pid_max can be reserved (a restarted process keeps its number)', () => {
    const map = new Pidmap(0, { pidMax: 400 });
    map.reserve(100_000);
    expect(map.allocated()).toEqual([100_000]);
  });

  test('free of a PID not held is an error', () => {
    const map = new Pidmap(0);
    expect(() => map.free(7)).toThrow(PidNotAllocated);
  });
});

describe('Pidmap images', () => {
  test('round-trip keeps allocation state and the cyclic position', () => {
    const map = new Pidmap(9);
    for (let i = 0; i < 10; i++) map.alloc();
    map.free(5);
    map.reserve(70_000);
    const copy = Pidmap.fromImage(structuredClone(map.toImage()));
    expect(copy.allocated()).toEqual(map.allocated());
    expect(copy.alloc()).toBe(map.alloc());
  });

  test.each([
    ['not an object', 42],
    ['bad node', { node: 300, pidMax: 32768, lastPid: 2, allocated: [] }],
    ['bad pidMax', { node: 1, pidMax: 10, lastPid: 2, allocated: [] }],
    ['bad lastPid', { node: 1, pidMax: 32768, lastPid: 0, allocated: [] }],
    ['unsorted', { node: 1, pidMax: 32768, lastPid: 2, allocated: [5, 3] }],
    ['init in the list', { node: 1, pidMax: 32768, lastPid: 2, allocated: [1] }],
    ['not a list', { node: 1, pidMax: 32768, lastPid: 2, allocated: 'x' }],
    ['out of range', { node: 1, pidMax: 32768, lastPid: 2, allocated: [1 << 21] }],
  ])('a malformed image (%s) is rejected', (_name, image) => {
    expect(() => Pidmap.fromImage(image)).toThrow(PidmapImageInvalid);
  });
});

describe('Pidmap against a model (property)', () => {
  test('never hands out a PID that is allocated or reserved', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'alloc' as const }),
      fc.record({ kind: fc.constant('free' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('reserve' as const), pid: fc.integer({ min: 2, max: 700 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const map = new Pidmap(1, { pidMax: 512 });
        const model = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'alloc') {
            if (model.size >= 512 - PID_RESERVED_LOW) continue;
            let pid: number;
            try {
              pid = map.alloc();
            } catch (e) {
              expect(e).toBeInstanceOf(PidmapExhausted);
              continue;
            }
            expect(model.has(pid)).toBe(false);
            model.add(pid);
          } else if (o.kind === 'free') {
            const held = [...model];
            if (held.length === 0) continue;
            const pid = held[o.index % held.length]!;
            map.free(pid);
            model.delete(pid);
          } else if (model.has(o.pid)) {
            expect(() => map.reserve(o.pid)).toThrow(PidBusy);
          } else {
            map.reserve(o.pid);
            model.add(o.pid);
          }
          expect(map.count).toBe(model.size);
        }
        expect(map.allocated()).toEqual([...model].sort((a, b) => a - b));
      }),
      { seed: Number(process.env.KRG_SEED ?? 20261125), numRuns: 200 },
    );
  });
});
