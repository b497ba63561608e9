// The generator of the random-instruction differential test, checked on its
// own: deterministic for a seed, and every program it makes is one that the
// oracle runs to completion (so a difference later is the hart's, not a
// malformed program's).
import { describe, expect, it } from 'vitest';
import { runBytesUnderQemu } from './qemu.test-util.js';
import { BUFFER_BYTES, randomProgram } from './random-program.test-util.js';

describe('randomProgram', () => {
  it('is a function of its seed', () => {
    expect(randomProgram(7, 100).elf).toEqual(randomProgram(7, 100).elf);
    expect(randomProgram(7, 100).elf).not.toEqual(randomProgram(8, 100).elf);
  });

  it('makes programs that qemu-riscv64 runs to the final dump', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const run = runBytesUnderQemu(randomProgram(seed, 300).elf);
      expect(run.exitCode, `seed ${seed}`).toBe(0);
      expect(run.stdout.length, `seed ${seed}`).toBe(BUFFER_BYTES);
    }
  });
});
