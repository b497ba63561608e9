// Any corruption of a valid executable either parses into a description that
// keeps the loader's invariants or throws one of the two typed ELF errors —
// never a RangeError from reading past the end, never a half-valid image.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElfInvalid, ElfNotSupported } from '../errors.js';
import { USER_ADDRESS_END, USER_ADDRESS_MIN } from '../limits.js';
import { guestPath } from '../test-support/guests.test-util.js';
import { parseElf } from './parse-elf.js';

const original = new Uint8Array(readFileSync(guestPath('arith')));
// The headers are where corruption matters: bias the edits to the first 512 bytes.
const edit = fc.record({
  at: fc.oneof(fc.nat({ max: 511 }), fc.nat({ max: original.length - 1 })),
  value: fc.integer({ min: 0, max: 255 }),
});

function checkOutcome(file: Uint8Array): void {
  let image;
  try {
    image = parseElf(file);
  } catch (error) {
    expect(error instanceof ElfInvalid || error instanceof ElfNotSupported, String(error)).toBe(
      true,
    );
    return;
  }
  let previousEnd = 0;
  for (const segment of image.segments) {
    expect(segment.vaddr).toBeGreaterThanOrEqual(Math.max(USER_ADDRESS_MIN, previousEnd));
    expect(segment.vaddr + segment.memsz).toBeLessThanOrEqual(USER_ADDRESS_END);
    expect(segment.fileBytes.length).toBeLessThanOrEqual(segment.memsz);
    previousEnd = segment.vaddr + segment.memsz;
  }
  expect(image.brkStart).toBeGreaterThanOrEqual(previousEnd);
  expect(
    image.segments.some(
      (s) => s.isExecutable && s.vaddr <= image.entry && image.entry < s.vaddr + s.memsz,
    ),
  ).toBe(true);
}

describe('parseElf on corrupted executables', () => {
  it('byte edits give a valid image or a typed error', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const file = original.slice();
        for (const { at, value } of edits) file[at] = value;
        checkOutcome(file);
      }),
      { numRuns: 2000 },
    );
  });

  it('truncation at any length gives a valid image or a typed error', () => {
    fc.assert(
      fc.property(fc.nat({ max: original.length - 1 }), (length) => {
        checkOutcome(original.subarray(0, length));
      }),
      { numRuns: 300 },
    );
  });
});
