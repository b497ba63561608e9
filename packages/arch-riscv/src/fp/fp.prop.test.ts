// Property tests: every fast path agrees bit for bit and flag for flag with
// the exact BigInt reference, on operands from the interesting classes in all
// five rounding modes; and the reference agrees with the host's own IEEE
// binary64 arithmetic (round to nearest-even) wherever that is defined.
// Replay a failure with KRG_SEED=<seed printed by fast-check>.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  fdivD,
  fmaddD,
  fmsubD,
  fmulD,
  fnmaddD,
  fnmsubD,
  faddD,
  fsqrtD,
  fsubD,
} from './binary64.js';
import {
  fdivS,
  fmaddS,
  fmsubS,
  fmulS,
  fnmaddS,
  fnmsubS,
  faddS,
  fsqrtS,
  fsubS,
} from './binary32.js';
import {
  fcvtDFromInt64,
  fcvtDS,
  fcvtSD,
  fcvtSFromInt32,
  fcvtSFromInt64,
  toInt32,
  toInt64,
} from './convert.js';
import {
  BINARY32,
  BINARY64,
  exactAdd,
  exactConvertFloat,
  exactDiv,
  exactFma,
  exactFromInteger,
  exactMul,
  exactSqrt,
  exactToInteger,
} from './exact.js';
import { RM_RNE, type FlagSink } from './fcsr.js';
import {
  arbBits64,
  arbBoxed32,
  arbRoundingMode,
  bitsOfDouble,
  doubleOfBits,
  hex,
  propParams,
  runOp,
} from './fp-cases.test-util.js';

// The fuzz script raises this (KRG_FP_RUNS) for a long run.
const RUNS = Number(process.env.KRG_FP_RUNS ?? 3000);

function ref(fn: (sink: FlagSink) => bigint): { bits: bigint; fflags: number } {
  const sink = { fflags: 0 };
  const bits = fn(sink);
  return { bits, fflags: sink.fflags };
}

function show(x: { bits: bigint; fflags: number }): string {
  return `${hex(x.bits)} flags=${x.fflags.toString(2)}`;
}

/** Single operand as the reference sees it (improper boxing → canonical NaN). */
function unbox(b: bigint): bigint {
  return b >> 32n === 0xffffffffn ? b & 0xffffffffn : 0x7fc00000n;
}
const box = (b: bigint): bigint => 0xffffffff00000000n | b;

type Binary = (
  r: import('./fp-registers.js').FpRegisterFile,
  rd: number,
  a: number,
  b: number,
  rm: number,
) => void;
type Ternary = (
  r: import('./fp-registers.js').FpRegisterFile,
  rd: number,
  a: number,
  b: number,
  c: number,
  rm: number,
) => void;

describe('binary64 fast paths agree with the exact reference', () => {
  const binary: [string, Binary, (a: bigint, b: bigint, rm: number, s: FlagSink) => bigint][] = [
    ['fadd.d', faddD, (a, b, rm, s) => exactAdd(BINARY64, a, b, rm, s)],
    ['fsub.d', fsubD, (a, b, rm, s) => exactAdd(BINARY64, a, b, rm, s, true)],
    ['fmul.d', fmulD, (a, b, rm, s) => exactMul(BINARY64, a, b, rm, s)],
    ['fdiv.d', fdivD, (a, b, rm, s) => exactDiv(BINARY64, a, b, rm, s)],
  ];
  for (const [name, fast, slow] of binary) {
    it(name, () => {
      fc.assert(
        fc.property(arbBits64(), arbBits64(), arbRoundingMode(), (a, b, rm) => {
          const got = runOp([a, b], (r) => fast(r, 0, 2, 4, rm));
          const want = ref((s) => slow(a, b, rm, s));
          expect(show(got), `${name} ${hex(a)} ${hex(b)} rm=${rm}`).toBe(show(want));
        }),
        propParams(RUNS),
      );
    });
  }

  it('fsqrt.d', () => {
    fc.assert(
      fc.property(arbBits64(), arbRoundingMode(), (a, rm) => {
        const got = runOp([a], (r) => fsqrtD(r, 0, 2, rm));
        const want = ref((s) => exactSqrt(BINARY64, a, rm, s));
        expect(show(got), `fsqrt.d ${hex(a)} rm=${rm}`).toBe(show(want));
      }),
      propParams(RUNS),
    );
  });

  const fmas: [string, Ternary, boolean, boolean][] = [
    ['fmadd.d', fmaddD, false, false],
    ['fmsub.d', fmsubD, false, true],
    ['fnmsub.d', fnmsubD, true, false],
    ['fnmadd.d', fnmaddD, true, true],
  ];
  for (const [name, fast, np, na] of fmas) {
    it(name, () => {
      fc.assert(
        fc.property(arbBits64(), arbBits64(), arbBits64(), arbRoundingMode(), (a, b, c, rm) => {
          const got = runOp([a, b, c], (r) => fast(r, 0, 2, 4, 6, rm));
          const want = ref((s) => exactFma(BINARY64, a, b, c, rm, s, np, na));
          expect(show(got), `${name} ${hex(a)} ${hex(b)} ${hex(c)} rm=${rm}`).toBe(show(want));
        }),
        propParams(RUNS),
      );
    });
  }

  it('fmadd.d on operands whose product nearly cancels the addend', () => {
    // The hard case for an emulated FMA: c ≈ −a·b, so the result is the tail.
    fc.assert(
      fc.property(
        fc.double({ min: 1e-100, max: 1e100, noNaN: true }),
        fc.double({ min: 1e-100, max: 1e100, noNaN: true }),
        fc.integer({ min: -3, max: 3 }),
        arbRoundingMode(),
        (x, y, d, rm) => {
          const c = bitsOfDouble(-(x * y)) + BigInt(d);
          const a = bitsOfDouble(x);
          const b = bitsOfDouble(y);
          const got = runOp([a, b, c], (r) => fmaddD(r, 0, 2, 4, 6, rm));
          const want = ref((s) => exactFma(BINARY64, a, b, c, rm, s));
          expect(show(got), `fmadd.d ${hex(a)} ${hex(b)} ${hex(c)} rm=${rm}`).toBe(show(want));
        },
      ),
      propParams(RUNS),
    );
  });
});

describe('binary32 fast paths agree with the exact reference', () => {
  const binary: [string, Binary, (a: bigint, b: bigint, rm: number, s: FlagSink) => bigint][] = [
    ['fadd.s', faddS, (a, b, rm, s) => exactAdd(BINARY32, a, b, rm, s)],
    ['fsub.s', fsubS, (a, b, rm, s) => exactAdd(BINARY32, a, b, rm, s, true)],
    ['fmul.s', fmulS, (a, b, rm, s) => exactMul(BINARY32, a, b, rm, s)],
    ['fdiv.s', fdivS, (a, b, rm, s) => exactDiv(BINARY32, a, b, rm, s)],
  ];
  for (const [name, fast, slow] of binary) {
    it(name, () => {
      fc.assert(
        fc.property(arbBoxed32(), arbBoxed32(), arbRoundingMode(), (a, b, rm) => {
          const got = runOp([a, b], (r) => fast(r, 0, 2, 4, rm));
          const want = ref((s) => box(slow(unbox(a), unbox(b), rm, s)));
          expect(show(got), `${name} ${hex(a)} ${hex(b)} rm=${rm}`).toBe(show(want));
        }),
        propParams(RUNS),
      );
    });
  }

  it('fsqrt.s', () => {
    fc.assert(
      fc.property(arbBoxed32(), arbRoundingMode(), (a, rm) => {
        const got = runOp([a], (r) => fsqrtS(r, 0, 2, rm));
        const want = ref((s) => box(exactSqrt(BINARY32, unbox(a), rm, s)));
        expect(show(got), `fsqrt.s ${hex(a)} rm=${rm}`).toBe(show(want));
      }),
      propParams(RUNS),
    );
  });

  const fmas: [string, Ternary, boolean, boolean][] = [
    ['fmadd.s', fmaddS, false, false],
    ['fmsub.s', fmsubS, false, true],
    ['fnmsub.s', fnmsubS, true, false],
    ['fnmadd.s', fnmaddS, true, true],
  ];
  for (const [name, fast, np, na] of fmas) {
    it(name, () => {
      fc.assert(
        fc.property(arbBoxed32(), arbBoxed32(), arbBoxed32(), arbRoundingMode(), (a, b, c, rm) => {
          const got = runOp([a, b, c], (r) => fast(r, 0, 2, 4, 6, rm));
          const want = ref((s) =>
            box(exactFma(BINARY32, unbox(a), unbox(b), unbox(c), rm, s, np, na)),
          );
          expect(show(got), `${name} ${hex(a)} ${hex(b)} ${hex(c)} rm=${rm}`).toBe(show(want));
        }),
        propParams(RUNS),
      );
    });
  }
});

describe('with flags already accrued, the fast paths still agree with the reference', () => {
  // Once NX is set an RNE fast path skips finding NX again: the result and
  // the other flags must not change.
  const ops: [
    string,
    Ternary,
    (a: bigint, b: bigint, c: bigint, rm: number, s: FlagSink) => bigint,
    boolean,
  ][] = [
    [
      'fadd.d',
      (r, rd, a, b, _c, rm) => faddD(r, rd, a, b, rm),
      (a, b, _c, rm, s) => exactAdd(BINARY64, a, b, rm, s),
      true,
    ],
    [
      'fmul.d',
      (r, rd, a, b, _c, rm) => fmulD(r, rd, a, b, rm),
      (a, b, _c, rm, s) => exactMul(BINARY64, a, b, rm, s),
      true,
    ],
    [
      'fdiv.d',
      (r, rd, a, b, _c, rm) => fdivD(r, rd, a, b, rm),
      (a, b, _c, rm, s) => exactDiv(BINARY64, a, b, rm, s),
      true,
    ],
    [
      'fsqrt.d',
      (r, rd, a, _b, _c, rm) => fsqrtD(r, rd, a, rm),
      (a, _b, _c, rm, s) => exactSqrt(BINARY64, a, rm, s),
      true,
    ],
    ['fmadd.d', fmaddD, (a, b, c, rm, s) => exactFma(BINARY64, a, b, c, rm, s), true],
    [
      'fadd.s',
      (r, rd, a, b, _c, rm) => faddS(r, rd, a, b, rm),
      (a, b, _c, rm, s) => exactAdd(BINARY32, a, b, rm, s),
      false,
    ],
    [
      'fmul.s',
      (r, rd, a, b, _c, rm) => fmulS(r, rd, a, b, rm),
      (a, b, _c, rm, s) => exactMul(BINARY32, a, b, rm, s),
      false,
    ],
    [
      'fdiv.s',
      (r, rd, a, b, _c, rm) => fdivS(r, rd, a, b, rm),
      (a, b, _c, rm, s) => exactDiv(BINARY32, a, b, rm, s),
      false,
    ],
    [
      'fsqrt.s',
      (r, rd, a, _b, _c, rm) => fsqrtS(r, rd, a, rm),
      (a, _b, _c, rm, s) => exactSqrt(BINARY32, a, rm, s),
      false,
    ],
    ['fmadd.s', fmaddS, (a, b, c, rm, s) => exactFma(BINARY32, a, b, c, rm, s), false],
  ];
  for (const [name, fast, slow, isDouble] of ops) {
    it(name, () => {
      const operand = isDouble ? arbBits64() : arbBoxed32();
      fc.assert(
        fc.property(
          operand,
          operand,
          operand,
          arbRoundingMode(),
          fc.constantFrom(1, 3, 5, 0x11, 0x1f),
          (a, b, c, rm, flags) => {
            const got = runOp([a, b, c], (r) => fast(r, 0, 2, 4, 6, rm), flags);
            const want = ref((s) => {
              s.fflags = flags;
              const bits = isDouble
                ? slow(a, b, c, rm, s)
                : box(slow(unbox(a), unbox(b), unbox(c), rm, s));
              return bits;
            });
            expect(show(got), `${name} ${hex(a)} ${hex(b)} ${hex(c)} rm=${rm} flags=${flags}`).toBe(
              show(want),
            );
          },
        ),
        propParams(RUNS),
      );
    });
  }
});

describe('conversions agree with the exact reference', () => {
  it('fcvt.s.d and fcvt.d.s', () => {
    fc.assert(
      fc.property(arbBits64(), arbBoxed32(), arbRoundingMode(), (a, s32, rm) => {
        const got = runOp([a], (r) => fcvtSD(r, 0, 2, rm));
        const want = ref((s) => box(exactConvertFloat(BINARY64, BINARY32, a, rm, s)));
        expect(show(got), `fcvt.s.d ${hex(a)} rm=${rm}`).toBe(show(want));
        const got2 = runOp([s32], (r) => fcvtDS(r, 0, 2));
        const want2 = ref((s) => exactConvertFloat(BINARY32, BINARY64, unbox(s32), rm, s));
        expect(show(got2), `fcvt.d.s ${hex(s32)}`).toBe(show(want2));
      }),
      propParams(RUNS),
    );
  });

  it('float → integer, every width and signedness', () => {
    fc.assert(
      fc.property(arbBits64(), arbBoxed32(), arbRoundingMode(), (d, s32, rm) => {
        for (const [fmt, bits, value] of [
          [BINARY64, d, doubleOfBits(d)],
          [BINARY32, unbox(s32), singleValue(s32)],
        ] as const) {
          for (const isSigned of [true, false]) {
            const sink32 = { fflags: 0 };
            const got32 = toInt32(value, rm, isSigned, sink32);
            const want32 = ref((s) => exactToInteger(fmt, bits, rm, 32, isSigned, s));
            expect(
              `${BigInt.asIntN(32, BigInt(got32))} ${sink32.fflags}`,
              `fcvt.w${isSigned ? '' : 'u'} ${hex(bits)} rm=${rm}`,
            ).toBe(`${BigInt.asIntN(32, want32.bits)} ${want32.fflags}`);
            const sink64 = { fflags: 0 };
            const out = new Int32Array(2);
            toInt64(value, rm, isSigned, sink64, out, 0);
            const got64 = (BigInt(out[1]! >>> 0) << 32n) | BigInt(out[0]! >>> 0);
            const want64 = ref((s) => exactToInteger(fmt, bits, rm, 64, isSigned, s));
            expect(
              `${hex(got64)} ${sink64.fflags}`,
              `fcvt.l${isSigned ? '' : 'u'} ${hex(bits)} rm=${rm}`,
            ).toBe(`${hex(BigInt.asUintN(64, want64.bits))} ${want64.fflags}`);
          }
        }
      }),
      propParams(RUNS),
    );
  });

  it('integer → float, every width and signedness', () => {
    const arbInt64 = fc.oneof(
      fc.bigInt(-(1n << 63n), (1n << 63n) - 1n),
      fc.bigInt(-(1n << 40n), 1n << 40n),
      fc.constantFrom(
        0n,
        -1n,
        1n,
        1n << 63n,
        (1n << 63n) - 1n,
        (1n << 53n) + 1n,
        (1n << 24n) + 1n,
        0x7fffffffn,
      ),
    );
    fc.assert(
      fc.property(arbInt64, arbRoundingMode(), (v, rm) => {
        const bits = BigInt.asUintN(64, v);
        const lo = Number(bits & 0xffffffffn) | 0;
        const hi = Number(bits >> 32n) | 0;
        for (const isSigned of [true, false]) {
          const v64 = isSigned ? BigInt.asIntN(64, bits) : bits;
          const v32 = isSigned ? BigInt.asIntN(32, bits) : BigInt.asUintN(32, bits);
          const cases: [
            string,
            (r: import('./fp-registers.js').FpRegisterFile) => void,
            () => { bits: bigint; fflags: number },
          ][] = [
            [
              'fcvt.d.l',
              (r) => fcvtDFromInt64(r, 0, lo, hi, isSigned, rm),
              () => ref((s) => exactFromInteger(BINARY64, v64, rm, s)),
            ],
            [
              'fcvt.s.l',
              (r) => fcvtSFromInt64(r, 0, lo, hi, isSigned, rm),
              () => ref((s) => box(exactFromInteger(BINARY32, v64, rm, s))),
            ],
            [
              'fcvt.s.w',
              (r) => fcvtSFromInt32(r, 0, lo, isSigned, rm),
              () => ref((s) => box(exactFromInteger(BINARY32, v32, rm, s))),
            ],
          ];
          for (const [name, fast, slow] of cases) {
            expect(show(runOp([], fast)), `${name}${isSigned ? '' : 'u'} ${v} rm=${rm}`).toBe(
              show(slow()),
            );
          }
        }
      }),
      propParams(RUNS),
    );
  });
});

function singleValue(boxed: bigint): number {
  if (boxed >> 32n !== 0xffffffffn) return NaN;
  const f = new Float32Array(new Uint32Array([Number(boxed & 0xffffffffn)]).buffer);
  return f[0]!;
}

describe('the exact reference agrees with the host in round-to-nearest-even', () => {
  it('binary64 +, ×, ÷, √ and narrowing', () => {
    fc.assert(
      fc.property(arbBits64(), arbBits64(), (a, b) => {
        const x = doubleOfBits(a);
        const y = doubleOfBits(b);
        const sink = { fflags: 0 };
        const check = (got: bigint, native: number, what: string) => {
          if (native !== native) expect(hex(got), what).toBe(hex(BINARY64.canonicalNaN));
          else expect(hex(got), what).toBe(hex(bitsOfDouble(native)));
        };
        check(exactAdd(BINARY64, a, b, RM_RNE, sink), x + y, `${x} + ${y}`);
        check(exactMul(BINARY64, a, b, RM_RNE, sink), x * y, `${x} * ${y}`);
        check(exactDiv(BINARY64, a, b, RM_RNE, sink), x / y, `${x} / ${y}`);
        check(exactSqrt(BINARY64, a, RM_RNE, sink), Math.sqrt(x), `sqrt ${x}`);
        const narrowed = exactConvertFloat(BINARY64, BINARY32, a, RM_RNE, sink);
        const f = Math.fround(x);
        if (f !== f) expect(narrowed).toBe(BINARY32.canonicalNaN);
        else
          expect(hex(narrowed, 32)).toBe(
            hex(BigInt(new Uint32Array(new Float32Array([f]).buffer)[0]!), 32),
          );
      }),
      propParams(RUNS),
    );
  });
});
