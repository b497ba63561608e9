// Differential tests against qemu-riscv64: every committed guest program runs
// under qemu and on the hart (with the test syscall shim); stdout must be
// byte-identical and the exit status equal.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeElf } from '../test-support/elf-writer.test-util.js';
import { guestPath } from '../test-support/guests.test-util.js';
import { runBytesUnderQemu, runUnderQemu } from '../test-support/qemu.test-util.js';
import * as E from '../test-support/rv-encoder.test-util.js';
import { describeRun, runOnHart } from '../test-support/run-on-hart.test-util.js';

interface CompareOptions {
  readonly sliceInsns?: number;
  readonly argv?: readonly string[];
  readonly envp?: readonly string[];
  readonly stdin?: string;
}

function compare(name: string, options: CompareOptions = {}): void {
  const path = guestPath(name);
  const argv = options.argv ?? [name];
  const envp = options.envp ?? [];
  const stdin = options.stdin === undefined ? undefined : new TextEncoder().encode(options.stdin);
  const expected = runUnderQemu(path, argv, envp, stdin);
  const actual = runOnHart(new Uint8Array(readFileSync(path)), {
    argv,
    envp,
    ...(stdin === undefined ? {} : { stdin }),
    ...(options.sliceInsns === undefined ? {} : { sliceInsns: options.sliceInsns }),
  });
  const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  // the first differing line says more than a whole-output diff
  const want = text(expected.stdout).split('\n');
  const got = text(actual.stdout).split('\n');
  const line = want.findIndex((w, i) => w !== got[i]);
  expect(
    line === -1 && want.length === got.length
      ? ''
      : `line ${line + 1}: expected ${JSON.stringify(want[line])}, got ${JSON.stringify(got[line])} (${describeRun(actual)})`,
  ).toBe('');
  expect(actual.stdout).toEqual(expected.stdout);
  expect(actual.exitCode, describeRun(actual)).toBe(expected.exitCode);
}

describe('freestanding guests: hart vs qemu-riscv64', () => {
  it.each(['arith', 'muldiv', 'atomics', 'compressed', 'misaligned'])('%s', (name) => {
    compare(name);
  });
});

describe('freestanding F and D guests: hart vs qemu-riscv64', () => {
  // every rounding mode (rm field and frm), fflags, conversions at the
  // integer limits, fma corners, NaN payloads and boxing (nbody, the
  // benchmark's guest, is compared by the benchmark itself)
  it.each(['fp-double', 'fp-single'])('%s', (name) => {
    compare(name);
  });
});

describe('the initial stack: hart (buildInitialStack) vs qemu-riscv64', () => {
  it('gives argc, argv, envp and the same auxiliary vector', () => {
    compare('initial-stack', {
      argv: ['initial-stack', 'a', 'b c', ''],
      envp: ['X=1', 'Y=22', 'EMPTY='],
    });
  });
});

describe('stopped every few instructions, the hart still prints what qemu prints', () => {
  // run() returns after 7 (or 1) instructions and is called again: a stop at
  // any instruction boundary must be invisible to the program
  it.each([
    ['compressed', 7],
    ['atomics', 7],
    ['misaligned', 1],
    ['hello', 3],
  ] as const)('%s in slices of %i', (name, slice) => {
    compare(name, { sliceInsns: slice });
  });
});

describe('glibc static guests: hart vs qemu-riscv64', () => {
  // fp-libm: printf of floats, strtod/strtof, libm, under every fesetround mode
  it.each(['hello', 'printf-int', 'sort', 'checksum', 'fp-libm'])('%s', (name) => {
    compare(name);
  });
});

describe('a static-pie (ET_DYN) image: hart vs qemu-riscv64', () => {
  it('runs position-independent code wherever it is placed', () => {
    // auipc-relative addressing only: the output is the same at any load base
    const message = new TextEncoder().encode('static-pie ok\n');
    const code = [
      E.auipc(11, 0),
      E.iOp('addi', 11, 11, 4 * 9), // the message follows the 9 instructions
      E.iOp('addi', 10, 0, 1),
      E.iOp('addi', 12, 0, message.length),
      E.iOp('addi', 17, 0, 64),
      E.ecall(),
      E.iOp('addi', 10, 0, 7),
      E.iOp('addi', 17, 0, 93),
      E.ecall(),
    ];
    const text = new Uint8Array([...E.emit(code), ...message]);
    const elf = writeElf({
      type: 3,
      entry: 0x1000,
      headersAt: 0,
      segments: [{ vaddr: 0x1000, bytes: text, flags: 5 }],
    });
    const expected = runBytesUnderQemu(elf);
    expect(new TextDecoder().decode(expected.stdout)).toBe('static-pie ok\n');
    const actual = runOnHart(elf);
    expect(actual.stdout).toEqual(expected.stdout);
    expect(actual.exitCode, describeRun(actual)).toBe(7);
  });
});

describe('single-process guests of the kernel (tools/guests/proc): hart vs qemu-riscv64', () => {
  // what the shim can run: no fork, exec or signal handlers; deaths by a CPU
  // fault come back as the hart's stop and map to the same 128 + signal
  it.each([
    ['argv-echo', ['argv-echo', 'a', 'b c', ''], ''],
    ['stdin-filter', ['stdin-filter'], 'first line\nsecond, longer line\n\nno newline at the end'],
    ['die-fault', ['die-fault', 'segv'], ''],
    ['die-fault', ['die-fault', 'ill'], ''],
    ['die-fault', ['die-fault', 'fpe-free'], ''],
  ] as const)('%s %j', (name, argv, stdin) => {
    compare(name, { argv, envp: ['HOME=/', 'LANG=C'], stdin });
  });
});

// 215 million instructions: under a second since hot code runs as compiled
// traces (it was 5-15 s and sat behind a script), so it is in the suite.
describe('long guests: hart vs qemu-riscv64', () => {
  it('malloc-heavy (brk, mmap, mremap, munmap)', () => {
    compare('malloc-heavy', { argv: ['malloc-heavy'], envp: ['HOME=/'] });
  }, 120_000);
});
