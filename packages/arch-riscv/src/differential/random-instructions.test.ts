// The seeded random-instruction differential test: blocks of random valid
// RV64IMAC instructions (see random-program.test-util.ts) run under qemu and
// on the hart; the final registers and data buffer, dumped through write,
// must be identical. A failure prints the seed; replay it alone with
//   KRG_SEED=<seed> KRG_DIFF_PROGRAMS=1 pnpm exec vitest run packages/arch-riscv/src/differential
// The long lane is `pnpm run fuzz:diff` (KRG_DIFF_PROGRAMS programs).
import { describe, expect, it } from 'vitest';
import { seedFromEnv } from '../test-support/prng.test-util.js';
import { runBytesUnderQemu } from '../test-support/qemu.test-util.js';
import { describeDifference, randomProgram } from '../test-support/random-program.test-util.js';
import {
  describeFpDifference,
  randomFpProgram,
} from '../test-support/random-fp-program.test-util.js';
import { describeRun, runOnHart } from '../test-support/run-on-hart.test-util.js';

const BASE_SEED = seedFromEnv(0x5eed_0001);
const PROGRAMS = Number(process.env['KRG_DIFF_PROGRAMS'] ?? '40');
const ITEMS = 300;
const FP_INSNS = 128;

describe('random instructions: hart vs qemu-riscv64', () => {
  it(
    `${PROGRAMS} programs of ${ITEMS} items from seed ${BASE_SEED}`,
    () => {
      expect(Number.isInteger(PROGRAMS) && PROGRAMS > 0, 'KRG_DIFF_PROGRAMS').toBe(true);
      for (let i = 0; i < PROGRAMS; i++) {
        const seed = (BASE_SEED + i) >>> 0;
        const program = randomProgram(seed, ITEMS);
        const expected = runBytesUnderQemu(program.elf);
        const actual = runOnHart(program.elf, { maxInsns: 1_000_000 });
        const same =
          actual.exitCode === expected.exitCode &&
          actual.stdout.length === expected.stdout.length &&
          actual.stdout.every((byte, at) => byte === expected.stdout[at]);
        if (!same) {
          const report = [
            `seed ${seed} differs (replay: KRG_SEED=${seed} KRG_DIFF_PROGRAMS=1)`,
            `hart: ${describeRun(actual)}; qemu exit ${expected.exitCode}`,
            describeDifference(expected.stdout, actual.stdout),
            'program:',
            ...program.listing,
          ].join('\n');
          expect.fail(report);
        }
      }
    },
    Math.max(60_000, PROGRAMS * 2_000),
  ); // the long lane runs thousands of programs, on a machine that may be loaded
});

describe('random F and D instructions: hart vs qemu-riscv64', () => {
  // random-fp-program.test-util.ts: every F/D operation with random static or
  // dynamic rounding modes over operands from the interesting classes; x, f,
  // fcsr, every result and the fflags of every 4 instructions are compared
  it(`${PROGRAMS} programs of ${FP_INSNS} instructions from seed ${BASE_SEED}`, () => {
    for (let i = 0; i < PROGRAMS; i++) {
      const seed = (BASE_SEED + i) >>> 0;
      const program = randomFpProgram(seed, FP_INSNS);
      const expected = runBytesUnderQemu(program.elf);
      const actual = runOnHart(program.elf, { maxInsns: 1_000_000 });
      const same =
        actual.exitCode === expected.exitCode &&
        actual.stdout.length === expected.stdout.length &&
        actual.stdout.every((byte, at) => byte === expected.stdout[at]);
      if (!same) {
        const report = [
          `seed ${seed} differs (replay: KRG_SEED=${seed} KRG_DIFF_PROGRAMS=1)`,
          `hart: ${describeRun(actual)}; qemu exit ${expected.exitCode}`,
          describeFpDifference(expected.stdout, actual.stdout),
          'program:',
          ...program.listing,
        ].join('\n');
        expect.fail(report);
      }
    }
  });
});
