// Instruction-level corner cases with their expected result and fflags, in
// every rounding mode where the mode matters. Expected values come from the
// RISC-V F/D chapters and IEEE 754-2008 (tininess detected after rounding).
import { describe, expect, it } from 'vitest';

import * as d64 from './binary64.js';
import * as s32 from './binary32.js';
import * as cmp from './compare.js';
import * as cvt from './convert.js';
import {
  FLAG_DZ,
  FLAG_NV,
  FLAG_NX,
  FLAG_OF,
  FLAG_UF,
  RM_RDN,
  RM_RMM,
  RM_RNE,
  RM_RTZ,
  RM_RUP,
} from './fcsr.js';
import type { FpRegisterFile } from './fp-registers.js';
import { bitsOfDouble, bitsOfSingle, hex, runOp } from './fp-cases.test-util.js';

const D = (x: number): bigint => bitsOfDouble(x);
const S = (x: number): bigint => 0xffffffff00000000n | BigInt(bitsOfSingle(x));
const SB = (bits: number): bigint => 0xffffffff00000000n | BigInt(bits >>> 0);

const QNAN64 = 0x7ff8000000000000n;
const SNAN64 = 0x7ff0000000000001n;
const QNAN64_PAYLOAD = 0xfff8000000abcdefn;
const QNAN32 = SB(0x7fc00000);
const SNAN32 = SB(0x7f800001);
const INF = Infinity;
const MAX = Number.MAX_VALUE;
const MIN_NORMAL = 2 ** -1022;
const MIN_SUB = 2 ** -1074;
const MAX32 = 3.4028234663852886e38;

const RNE = RM_RNE;
const RTZ = RM_RTZ;
const RDN = RM_RDN;
const RUP = RM_RUP;
const RMM = RM_RMM;
const NV = FLAG_NV;
const DZ = FLAG_DZ;
const OF = FLAG_OF;
const UF = FLAG_UF;
const NX = FLAG_NX;

type Op = (r: FpRegisterFile, rm: number) => void;
const ops: Record<string, Op> = {
  'fadd.d': (r, rm) => d64.faddD(r, 0, 2, 4, rm),
  'fsub.d': (r, rm) => d64.fsubD(r, 0, 2, 4, rm),
  'fmul.d': (r, rm) => d64.fmulD(r, 0, 2, 4, rm),
  'fdiv.d': (r, rm) => d64.fdivD(r, 0, 2, 4, rm),
  'fsqrt.d': (r, rm) => d64.fsqrtD(r, 0, 2, rm),
  'fmadd.d': (r, rm) => d64.fmaddD(r, 0, 2, 4, 6, rm),
  'fnmadd.d': (r, rm) => d64.fnmaddD(r, 0, 2, 4, 6, rm),
  'fmsub.d': (r, rm) => d64.fmsubD(r, 0, 2, 4, 6, rm),
  'fnmsub.d': (r, rm) => d64.fnmsubD(r, 0, 2, 4, 6, rm),
  'fadd.s': (r, rm) => s32.faddS(r, 0, 2, 4, rm),
  'fmul.s': (r, rm) => s32.fmulS(r, 0, 2, 4, rm),
  'fdiv.s': (r, rm) => s32.fdivS(r, 0, 2, 4, rm),
  'fsqrt.s': (r, rm) => s32.fsqrtS(r, 0, 2, rm),
  'fmadd.s': (r, rm) => s32.fmaddS(r, 0, 2, 4, 6, rm),
  'fcvt.s.d': (r, rm) => cvt.fcvtSD(r, 0, 2, rm),
  'fcvt.d.s': (r) => cvt.fcvtDS(r, 0, 2),
  'fmin.d': (r) => cmp.fminD(r, 0, 2, 4),
  'fmax.d': (r) => cmp.fmaxD(r, 0, 2, 4),
  'fmin.s': (r) => cmp.fminS(r, 0, 2, 4),
  'fmax.s': (r) => cmp.fmaxS(r, 0, 2, 4),
  'fsgnj.d': (r) => cmp.fsgnjD(r, 0, 2, 4, 0),
  'fsgnjn.d': (r) => cmp.fsgnjD(r, 0, 2, 4, 1),
  'fsgnjx.d': (r) => cmp.fsgnjD(r, 0, 2, 4, 2),
  'fsgnj.s': (r) => cmp.fsgnjS(r, 0, 2, 4, 0),
  'fsgnjn.s': (r) => cmp.fsgnjS(r, 0, 2, 4, 1),
};

/** [op, operands, rm, expected bits, expected fflags] */
type Case = [string, bigint[], number, bigint, number];

const ALL = [RNE, RTZ, RDN, RUP, RMM];

/** The same case in every rounding mode, with one expectation per mode. */
function perMode(op: string, operands: bigint[], expected: [bigint, number][]): Case[] {
  return ALL.map((rm, i) => [op, operands, rm, expected[i]![0], expected[i]![1]]);
}

/** The same expectation in every rounding mode. */
function anyMode(op: string, operands: bigint[], bits: bigint, flags: number): Case[] {
  return ALL.map((rm) => [op, operands, rm, bits, flags]);
}

const ONE_PLUS_ULP = 1 + 2 ** -52;
const cases: Case[] = [
  // Ties and directed rounding of an inexact sum.
  ...perMode(
    'fadd.d',
    [D(1), D(2 ** -53)],
    [
      [D(1), NX],
      [D(1), NX],
      [D(1), NX],
      [D(ONE_PLUS_ULP), NX],
      [D(ONE_PLUS_ULP), NX],
    ],
  ),
  ...perMode(
    'fadd.d',
    [D(-1), D(-(2 ** -53))],
    [
      [D(-1), NX],
      [D(-1), NX],
      [D(-ONE_PLUS_ULP), NX],
      [D(-1), NX],
      [D(-ONE_PLUS_ULP), NX],
    ],
  ),
  // Overflow: the result depends on mode and sign.
  ...perMode(
    'fadd.d',
    [D(MAX), D(MAX)],
    [
      [D(INF), OF | NX],
      [D(MAX), OF | NX],
      [D(MAX), OF | NX],
      [D(INF), OF | NX],
      [D(INF), OF | NX],
    ],
  ),
  ...perMode(
    'fmul.d',
    [D(-MAX), D(2)],
    [
      [D(-INF), OF | NX],
      [D(-MAX), OF | NX],
      [D(-INF), OF | NX],
      [D(-MAX), OF | NX],
      [D(-INF), OF | NX],
    ],
  ),
  // Exact zero sums: +0 except in RDN.
  ...perMode(
    'fsub.d',
    [D(1), D(1)],
    [
      [D(0), 0],
      [D(0), 0],
      [D(-0), 0],
      [D(0), 0],
      [D(0), 0],
    ],
  ),
  ...anyMode('fadd.d', [D(-0), D(-0)], D(-0), 0),
  ...perMode(
    'fadd.d',
    [D(0), D(-0)],
    [
      [D(0), 0],
      [D(0), 0],
      [D(-0), 0],
      [D(0), 0],
      [D(0), 0],
    ],
  ),
  // Invalid operations and NaN propagation: always the canonical NaN.
  ...anyMode('fsub.d', [D(INF), D(INF)], QNAN64, NV),
  ...anyMode('fadd.d', [SNAN64, D(1)], QNAN64, NV),
  ...anyMode('fadd.d', [QNAN64_PAYLOAD, D(1)], QNAN64, 0),
  ...anyMode('fmul.d', [D(INF), D(0)], QNAN64, NV),
  ...anyMode('fdiv.d', [D(0), D(0)], QNAN64, NV),
  ...anyMode('fdiv.d', [D(INF), D(-INF)], QNAN64, NV),
  ...anyMode('fdiv.d', [D(1), D(0)], D(INF), DZ),
  ...anyMode('fdiv.d', [D(1), D(-0)], D(-INF), DZ),
  ...anyMode('fdiv.d', [D(INF), D(0)], D(INF), 0),
  ...anyMode('fsqrt.d', [D(-1)], QNAN64, NV),
  ...anyMode('fsqrt.d', [D(-INF)], QNAN64, NV),
  ...anyMode('fsqrt.d', [D(-0)], D(-0), 0),
  ...anyMode('fsqrt.d', [D(INF)], D(INF), 0),
  // √2 = 1.41421356237309504880…; its nearest double lies above it.
  ...perMode(
    'fsqrt.d',
    [D(2)],
    [
      [D(Math.SQRT2), NX],
      [D(1.4142135623730949), NX],
      [D(1.4142135623730949), NX],
      [D(Math.SQRT2), NX],
      [D(Math.SQRT2), NX],
    ],
  ),
  // Underflow, tininess after rounding: (1 − 2^-53) × 2^-1022 rounds to the
  // smallest normal, but rounded with unbounded exponent it stays below it.
  ...perMode(
    'fmul.d',
    [D(1 - 2 ** -53), D(MIN_NORMAL)],
    [
      [D(MIN_NORMAL), UF | NX],
      [D(MIN_NORMAL - MIN_SUB), UF | NX],
      [D(MIN_NORMAL - MIN_SUB), UF | NX],
      [D(MIN_NORMAL), UF | NX],
      [D(MIN_NORMAL), UF | NX],
    ],
  ),
  // 2^-1022 − 2^-1077 rounds (unbounded) to 2^-1022 in RNE: not tiny, no UF.
  ...perMode(
    'fmadd.d',
    [D(-(2 ** -600)), D(2 ** -477), D(MIN_NORMAL)],
    [
      [D(MIN_NORMAL), NX],
      [D(MIN_NORMAL - MIN_SUB), UF | NX],
      [D(MIN_NORMAL - MIN_SUB), UF | NX],
      [D(MIN_NORMAL), NX],
      [D(MIN_NORMAL), NX],
    ],
  ),
  // Half of the smallest subnormal.
  ...perMode(
    'fmul.d',
    [D(MIN_SUB), D(0.5)],
    [
      [D(0), UF | NX],
      [D(0), UF | NX],
      [D(0), UF | NX],
      [D(MIN_SUB), UF | NX],
      [D(MIN_SUB), UF | NX],
    ],
  ),
  // An exact subnormal result raises nothing.
  ...anyMode('fmul.d', [D(MIN_NORMAL), D(0.5)], D(MIN_NORMAL / 2), 0),
  // Fused multiply-add: one rounding, ∞ × 0 is invalid even with a quiet NaN addend.
  ...anyMode('fmadd.d', [D(INF), D(0), QNAN64], QNAN64, NV),
  ...anyMode('fmadd.d', [D(0), D(INF), D(1)], QNAN64, NV),
  ...anyMode('fmadd.d', [D(INF), D(1), D(-INF)], QNAN64, NV),
  ...anyMode('fmadd.d', [D(1), D(1), SNAN64], QNAN64, NV),
  ...perMode(
    'fmadd.d',
    [D(1), D(1), D(-1)],
    [
      [D(0), 0],
      [D(0), 0],
      [D(-0), 0],
      [D(0), 0],
      [D(0), 0],
    ],
  ),
  ...perMode(
    'fnmadd.d',
    [D(1), D(1), D(-1)],
    [
      [D(0), 0],
      [D(0), 0],
      [D(-0), 0],
      [D(0), 0],
      [D(0), 0],
    ],
  ),
  ...anyMode('fnmadd.d', [D(0), D(1), D(0)], D(-0), 0),
  ...perMode(
    'fnmsub.d',
    [D(0), D(1), D(0)],
    [
      [D(0), 0],
      [D(0), 0],
      [D(-0), 0],
      [D(0), 0],
      [D(0), 0],
    ],
  ),
  ...anyMode('fmsub.d', [D(-0), D(1), D(0)], D(-0), 0),
  // (1 + 2^-52)(1 − 2^-52) − 1 = −2^-104 exactly: a separate multiply and add gives 0.
  ...anyMode('fmadd.d', [D(ONE_PLUS_ULP), D(1 - 2 ** -52), D(-1)], D(-(2 ** -104)), 0),
  // (1 + 2^-52)² − 1 = 2^-51 + 2^-104: a tie at the result's precision.
  ...perMode(
    'fmadd.d',
    [D(ONE_PLUS_ULP), D(ONE_PLUS_ULP), D(-1)],
    [
      [D(2 ** -51), NX],
      [D(2 ** -51), NX],
      [D(2 ** -51), NX],
      [D(2 ** -51 + 2 ** -103), NX],
      [D(2 ** -51 + 2 ** -103), NX],
    ],
  ),
  // (2^-53 − 2^-109) + (1 + 2^-52): just below a midpoint. Summing the
  // product's rounded parts first lands exactly on the midpoint (a tie that
  // rounds the wrong way); only the last error term breaks it correctly.
  ...perMode(
    'fmadd.d',
    [D(2 ** -53 * (1 + 2 ** -28)), D(1 - 2 ** -28), D(ONE_PLUS_ULP)],
    [
      [D(ONE_PLUS_ULP), NX],
      [D(ONE_PLUS_ULP), NX],
      [D(ONE_PLUS_ULP), NX],
      [D(1 + 2 ** -51), NX],
      [D(ONE_PLUS_ULP), NX],
    ],
  ),
  // The same from above the midpoint.
  ...perMode(
    'fmadd.d',
    [D(2 ** -53 * (1 + 2 ** -28)), D(1 + 2 ** -28), D(ONE_PLUS_ULP)],
    [
      [D(1 + 2 ** -51), NX],
      [D(ONE_PLUS_ULP), NX],
      [D(ONE_PLUS_ULP), NX],
      [D(1 + 2 ** -51), NX],
      [D(1 + 2 ** -51), NX],
    ],
  ),
  // Single precision, NaN-boxing included.
  ...perMode(
    'fadd.s',
    [S(1), S(2 ** -24)],
    [
      [S(1), NX],
      [S(1), NX],
      [S(1), NX],
      [S(1 + 2 ** -23), NX],
      [S(1 + 2 ** -23), NX],
    ],
  ),
  ...perMode(
    'fmul.s',
    [S(MAX32), S(2)],
    [
      [S(INF), OF | NX],
      [S(MAX32), OF | NX],
      [S(MAX32), OF | NX],
      [S(INF), OF | NX],
      [S(INF), OF | NX],
    ],
  ),
  ...anyMode('fadd.s', [D(1), S(1)], QNAN32, 0), // f1 holds a double: not boxed
  ...anyMode('fadd.s', [SNAN32, S(1)], QNAN32, NV),
  ...anyMode('fdiv.s', [S(-1), S(0)], S(-INF), DZ),
  ...anyMode('fsqrt.s', [S(-2)], QNAN32, NV),
  ...anyMode('fmadd.s', [S(INF), S(0), QNAN32], QNAN32, NV),
  ...perMode(
    'fmul.s',
    [S(2 ** -149), S(0.5)],
    [
      [S(0), UF | NX],
      [S(0), UF | NX],
      [S(0), UF | NX],
      [S(2 ** -149), UF | NX],
      [S(2 ** -149), UF | NX],
    ],
  ),
  // Format conversions.
  ...perMode(
    'fcvt.s.d',
    [D(1 + 2 ** -24)],
    [
      [S(1), NX],
      [S(1), NX],
      [S(1), NX],
      [S(1 + 2 ** -23), NX],
      [S(1 + 2 ** -23), NX],
    ],
  ),
  ...perMode(
    'fcvt.s.d',
    [D(2 ** 128)],
    [
      [S(INF), OF | NX],
      [S(MAX32), OF | NX],
      [S(MAX32), OF | NX],
      [S(INF), OF | NX],
      [S(INF), OF | NX],
    ],
  ),
  ...perMode(
    'fcvt.s.d',
    [D(2 ** -150)],
    [
      [S(0), UF | NX],
      [S(0), UF | NX],
      [S(0), UF | NX],
      [S(2 ** -149), UF | NX],
      [S(2 ** -149), UF | NX],
    ],
  ),
  ...anyMode('fcvt.s.d', [SNAN64], QNAN32, NV),
  ...anyMode('fcvt.s.d', [QNAN64_PAYLOAD], QNAN32, 0),
  ...anyMode('fcvt.d.s', [SNAN32], QNAN64, NV),
  ...anyMode('fcvt.d.s', [SB(0xffc12345)], QNAN64, 0),
  ...anyMode('fcvt.d.s', [S(2 ** -149)], D(2 ** -149), 0),
  // fmin/fmax (2.2 semantics).
  ...anyMode('fmin.d', [D(0), D(-0)], D(-0), 0),
  ...anyMode('fmax.d', [D(-0), D(0)], D(0), 0),
  ...anyMode('fmin.d', [QNAN64_PAYLOAD, D(3)], D(3), 0),
  ...anyMode('fmax.d', [D(3), SNAN64], D(3), NV),
  ...anyMode('fmin.d', [QNAN64_PAYLOAD, QNAN64_PAYLOAD], QNAN64, 0),
  ...anyMode('fmax.d', [SNAN64, QNAN64], QNAN64, NV),
  ...anyMode('fmin.s', [S(-0), S(0)], S(-0), 0),
  ...anyMode('fmax.s', [SNAN32, S(-5)], S(-5), NV),
  ...anyMode('fmax.s', [D(2), S(-5)], S(-5), 0), // improperly boxed = canonical qNaN
  // Sign injection keeps NaN payloads; singles obey NaN-boxing.
  ...anyMode('fsgnjn.d', [SNAN64, D(1)], SNAN64 | (1n << 63n), 0),
  ...anyMode('fsgnjx.d', [D(-2), D(-3)], D(2), 0),
  ...anyMode('fsgnj.d', [QNAN64_PAYLOAD, D(1)], QNAN64_PAYLOAD & ~(1n << 63n), 0),
  ...anyMode('fsgnj.s', [D(1), S(-1)], SB(0xffc00000), 0),
  ...anyMode('fsgnjn.s', [SB(0x7f800001), S(1)], SB(0xff800001), 0),
];

describe('FP corners with expected fflags', () => {
  it.each(
    cases.map((c) => [`${c[0]} ${c[1].map((b) => hex(b)).join(' ')} rm=${c[2]}`, c] as const),
  )('%s', (_name, [op, operands, rm, bits, flags]) => {
    const got = runOp(operands, (r) => ops[op]!(r, rm));
    expect({ bits: hex(got.bits), flags: got.fflags }).toEqual({ bits: hex(bits), flags });
  });
});

/** [value, rm, fcvt.w, fcvt.wu, fcvt.l, fcvt.lu] as (result, flags) pairs. */
type IntCase = [
  number,
  number,
  [bigint, number],
  [bigint, number],
  [bigint, number],
  [bigint, number],
];
const I32_MAX = 0x7fffffffn;
const I32_MIN = -0x80000000n;
const U32_MAX = 0xffffffffn;
const I64_MAX = 0x7fffffffffffffffn;
const I64_MIN = -0x8000000000000000n;
const U64_MAX = 0xffffffffffffffffn;

const intCases: IntCase[] = [
  [NaN, RNE, [I32_MAX, NV], [U32_MAX, NV], [I64_MAX, NV], [U64_MAX, NV]],
  [INF, RNE, [I32_MAX, NV], [U32_MAX, NV], [I64_MAX, NV], [U64_MAX, NV]],
  [-INF, RNE, [I32_MIN, NV], [0n, NV], [I64_MIN, NV], [0n, NV]],
  [-0, RNE, [0n, 0], [0n, 0], [0n, 0], [0n, 0]],
  [2147483647.5, RNE, [I32_MAX, NV], [2147483648n, NX], [2147483648n, NX], [2147483648n, NX]],
  [2147483647.5, RTZ, [I32_MAX, NX], [2147483647n, NX], [2147483647n, NX], [2147483647n, NX]],
  [-2147483648.5, RNE, [I32_MIN, NX], [0n, NV], [-2147483648n, NX], [0n, NV]],
  [-2147483648.5, RDN, [I32_MIN, NV], [0n, NV], [-2147483649n, NX], [0n, NV]],
  [-2147483648.5, RMM, [I32_MIN, NV], [0n, NV], [-2147483649n, NX], [0n, NV]],
  [-0.5, RTZ, [0n, NX], [0n, NX], [0n, NX], [0n, NX]],
  [-0.5, RNE, [0n, NX], [0n, NX], [0n, NX], [0n, NX]],
  [-0.5, RDN, [-1n, NX], [0n, NV], [-1n, NX], [0n, NV]],
  [-0.5, RMM, [-1n, NX], [0n, NV], [-1n, NX], [0n, NV]],
  [-0.5, RUP, [0n, NX], [0n, NX], [0n, NX], [0n, NX]],
  [2.5, RNE, [2n, NX], [2n, NX], [2n, NX], [2n, NX]],
  [2.5, RMM, [3n, NX], [3n, NX], [3n, NX], [3n, NX]],
  [-2.5, RMM, [-3n, NX], [0n, NV], [-3n, NX], [0n, NV]],
  [0.49999999999999994, RMM, [0n, NX], [0n, NX], [0n, NX], [0n, NX]],
  [4294967295, RNE, [I32_MAX, NV], [U32_MAX, 0], [4294967295n, 0], [4294967295n, 0]],
  [4294967296, RNE, [I32_MAX, NV], [U32_MAX, NV], [4294967296n, 0], [4294967296n, 0]],
  [2 ** 63, RNE, [I32_MAX, NV], [U32_MAX, NV], [I64_MAX, NV], [1n << 63n, 0]],
  [-(2 ** 63), RNE, [I32_MIN, NV], [0n, NV], [I64_MIN, 0], [0n, NV]],
  [2 ** 64, RNE, [I32_MAX, NV], [U32_MAX, NV], [I64_MAX, NV], [U64_MAX, NV]],
  [2 ** 64 - 2048, RNE, [I32_MAX, NV], [U32_MAX, NV], [I64_MAX, NV], [U64_MAX - 2047n, 0]],
];

describe('float → integer at and beyond the limits', () => {
  it.each(intCases.map((c) => [`${c[0]} rm=${c[1]}`, c] as const))(
    '%s',
    (_n, [x, rm, w, wu, l, lu]) => {
      const got: [bigint, number][] = [];
      for (const isSigned of [true, false]) {
        const sink = { fflags: 0 };
        const v = cvt.toInt32(x, rm, isSigned, sink);
        got.push([isSigned ? BigInt(v) : BigInt(v >>> 0), sink.fflags]);
      }
      for (const isSigned of [true, false]) {
        const sink = { fflags: 0 };
        const out = new Int32Array(2);
        cvt.toInt64(x, rm, isSigned, sink, out, 0);
        const bits = (BigInt(out[1]! >>> 0) << 32n) | BigInt(out[0]! >>> 0);
        got.push([isSigned ? BigInt.asIntN(64, bits) : bits, sink.fflags]);
      }
      expect(got).toEqual([w, wu, l, lu]);
    },
  );
});

describe('compares and fclass', () => {
  it('feq is quiet, flt and fle signal on any NaN', () => {
    const run = (f: (r: FpRegisterFile) => number, a: bigint, b: bigint) => {
      let result = -1;
      const { fflags } = runOp([a, b], (r) => {
        result = f(r);
      });
      return [result, fflags];
    };
    expect(run((r) => cmp.feqD(r, 2, 4), QNAN64, D(1))).toEqual([0, 0]);
    expect(run((r) => cmp.feqD(r, 2, 4), SNAN64, D(1))).toEqual([0, NV]);
    expect(run((r) => cmp.fltD(r, 2, 4), QNAN64, D(1))).toEqual([0, NV]);
    expect(run((r) => cmp.fleD(r, 2, 4), D(1), QNAN64)).toEqual([0, NV]);
    expect(run((r) => cmp.feqD(r, 2, 4), D(-0), D(0))).toEqual([1, 0]);
    expect(run((r) => cmp.fltD(r, 2, 4), D(-0), D(0))).toEqual([0, 0]);
    expect(run((r) => cmp.fleD(r, 2, 4), D(-0), D(0))).toEqual([1, 0]);
    expect(run((r) => cmp.fltD(r, 2, 4), D(-INF), D(-MAX))).toEqual([1, 0]);
    expect(run((r) => cmp.feqS(r, 2, 4), SNAN32, S(1))).toEqual([0, NV]);
    expect(run((r) => cmp.feqS(r, 2, 4), D(1), D(1))).toEqual([0, 0]); // unboxed: canonical qNaN
    expect(run((r) => cmp.fltS(r, 2, 4), S(1), S(2))).toEqual([1, 0]);
    expect(run((r) => cmp.fleS(r, 2, 4), QNAN32, S(2))).toEqual([0, NV]);
  });

  it('fclass sets exactly one of the ten bits', () => {
    const classD = (b: bigint) => {
      let c = -1;
      runOp([b], (r) => {
        c = cmp.fclassD(r, 2);
      });
      return c;
    };
    const classS = (b: bigint) => {
      let c = -1;
      runOp([b], (r) => {
        c = cmp.fclassS(r, 2);
      });
      return c;
    };
    expect(
      [D(-INF), D(-1), D(-MIN_SUB), D(-0), D(0), D(MIN_SUB), D(1), D(INF), SNAN64, QNAN64].map(
        classD,
      ),
    ).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect(
      [
        S(-INF),
        S(-1),
        S(-(2 ** -149)),
        S(-0),
        S(0),
        S(2 ** -149),
        S(1),
        S(INF),
        SNAN32,
        QNAN32,
        D(1),
      ].map(classS),
    ).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512]);
  });
});
