// Single instructions that a differential run once found wrong, pinned down
// with their operands: each runs under qemu-riscv64 and on the hart, which
// must end with the same registers.
import { describe, expect, it } from 'vitest';
import { runBytesUnderQemu } from '../test-support/qemu.test-util.js';
import { describeDifference, fixedProgram } from '../test-support/random-program.test-util.js';
import * as E from '../test-support/rv-encoder.test-util.js';
import { describeRun, runOnHart } from '../test-support/run-on-hart.test-util.js';

function expectSameAsQemu(insns: readonly E.Insn[]): void {
  const program = fixedProgram(1, insns);
  const expected = runBytesUnderQemu(program.elf);
  const actual = runOnHart(program.elf, { maxInsns: 100_000 });
  expect(actual.exitCode, describeRun(actual)).toBe(expected.exitCode);
  expect(describeDifference(expected.stdout, actual.stdout)).toBe('');
}

describe('regressions found by the random differential test', () => {
  it('auipc with a negative immediate keeps the low bits of pc (seed 1592590339)', () => {
    // pc + imm is below zero as a number; wrapped to 2^64 - n as a double it lost its low 11 bits
    expectSameAsQemu([
      E.auipc(5, 0xc5a42),
      E.auipc(6, 0x80000),
      E.auipc(7, 0xfffff),
      E.auipc(28, 0x7ffff),
    ]);
  });
});
