// Operands from the interesting classes (zeros, subnormals, normals at the
// range ends, infinities, NaNs with payloads, integer limits, halves) as
// fast-check arbitraries, and a tiny harness that runs one instruction on a
// fresh register file.
import fc from 'fast-check';

import {
  createFpRegisterFile,
  readBits64,
  writeBits64,
  type FpRegisterFile,
} from './fp-registers.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

export function bitsOfDouble(x: number): bigint {
  f64[0] = x;
  return u64[0]!;
}

export function doubleOfBits(b: bigint): number {
  u64[0] = b;
  return f64[0]!;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bitsOfSingle(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

export function singleOfBits(b: number): number {
  u32[0] = b;
  return f32[0]!;
}

function withSign(neg: boolean, bits: bigint, width: 32 | 64): bigint {
  return neg ? bits | (1n << BigInt(width - 1)) : bits;
}

/** Interesting binary64 bit patterns. */
export function arbBits64(): fc.Arbitrary<bigint> {
  const frac = fc.bigInt(0n, (1n << 52n) - 1n);
  const sign = fc.boolean();
  const exp = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
  const pack = (s: boolean, e: number, f: bigint) => withSign(s, (BigInt(e) << 52n) | f, 64);
  const nearInt = fc.constantFrom(
    2 ** 31,
    2 ** 32,
    2 ** 63,
    2 ** 64,
    2 ** 53,
    2 ** 52,
    2 ** 24,
    2 ** 31 - 1,
    2 ** 32 - 1,
    0.5,
    1.5,
    2.5,
    -0.5,
    1,
    3,
  );
  return fc.oneof(
    fc.constantFrom(0n, 1n << 63n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n),
    fc.tuple(sign, frac).map(([s, f]) => pack(s, 0, f)), // subnormal
    fc.tuple(sign, exp(1, 2046), frac).map(([s, e, f]) => pack(s, e, f)), // any normal
    fc.tuple(sign, exp(1, 60), frac).map(([s, e, f]) => pack(s, e, f)), // tiny normal
    fc.tuple(sign, exp(1990, 2046), frac).map(([s, e, f]) => pack(s, e, f)), // huge
    fc.tuple(sign, exp(1000, 1050), frac).map(([s, e, f]) => pack(s, e, f)), // near 1
    fc.tuple(sign, exp(1000, 1050), fc.bigInt(0n, 15n)).map(([s, e, f]) => pack(s, e, f << 48n)), // short significands
    fc.tuple(sign, fc.bigInt(1n, (1n << 52n) - 1n)).map(([s, f]) => pack(s, 2047, f)), // NaNs with payload
    fc.tuple(sign, fc.bigInt(0n, 255n)).map(([s, d]) => pack(s, 2046, (1n << 52n) - 1n - d)), // near overflow
    fc.tuple(sign, exp(0, 2046)).map(([s, e]) => pack(s, e, 0n)), // powers of two
    fc.tuple(sign, nearInt, fc.integer({ min: -2, max: 2 })).map(([s, v, d]) => {
      const b = bitsOfDouble(v) + BigInt(d);
      return withSign(s, b, 64);
    }),
  );
}

/** Interesting binary32 bit patterns. */
export function arbBits32(): fc.Arbitrary<number> {
  const frac = fc.integer({ min: 0, max: (1 << 23) - 1 });
  const sign = fc.boolean();
  const exp = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
  const pack = (s: boolean, e: number, f: number) => ((s ? 0x80000000 : 0) | (e << 23) | f) >>> 0;
  const nearInt = fc.constantFrom(
    2 ** 31,
    2 ** 32,
    2 ** 63,
    2 ** 64,
    2 ** 24,
    0.5,
    1.5,
    2.5,
    1,
    3,
    2 ** 23,
  );
  return fc.oneof(
    fc.constantFrom(0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000),
    fc.tuple(sign, frac).map(([s, f]) => pack(s, 0, f)),
    fc.tuple(sign, exp(1, 254), frac).map(([s, e, f]) => pack(s, e, f)),
    fc.tuple(sign, exp(1, 30), frac).map(([s, e, f]) => pack(s, e, f)),
    fc.tuple(sign, exp(230, 254), frac).map(([s, e, f]) => pack(s, e, f)),
    fc.tuple(sign, exp(110, 145), frac).map(([s, e, f]) => pack(s, e, f)),
    fc
      .tuple(sign, exp(110, 145), fc.integer({ min: 0, max: 15 }))
      .map(([s, e, f]) => pack(s, e, f << 19)),
    fc.tuple(sign, fc.integer({ min: 1, max: (1 << 23) - 1 })).map(([s, f]) => pack(s, 255, f)),
    fc
      .tuple(sign, fc.integer({ min: 0, max: 255 }))
      .map(([s, d]) => pack(s, 254, (1 << 23) - 1 - d)),
    fc.tuple(sign, exp(0, 254)).map(([s, e]) => pack(s, e, 0)),
    fc.tuple(sign, nearInt, fc.integer({ min: -2, max: 2 })).map(([s, v, d]) => {
      const b = (bitsOfSingle(v) + d) >>> 0;
      return s ? (b | 0x80000000) >>> 0 : b;
    }),
  );
}

/** A 64-bit register image for a single operand: usually boxed, sometimes not. */
export function arbBoxed32(): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 9, arbitrary: arbBits32().map((b) => 0xffffffff00000000n | BigInt(b)) },
    { weight: 1, arbitrary: fc.bigInt(0n, (1n << 64n) - 1n) },
  );
}

export const arbRoundingMode = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 4 });

/** Runs `op` on a register file with f1..f3 (slots 2, 4, 6) and fflags preset; returns f0's bits and fflags. */
export function runOp(
  operands: readonly bigint[],
  op: (r: FpRegisterFile) => void,
  initialFlags = 0,
): { bits: bigint; fflags: number } {
  const r = createFpRegisterFile();
  r.fflags = initialFlags;
  operands.forEach((b, i) => writeBits64(r, 2 * (i + 1), b));
  op(r);
  return { bits: readBits64(r, 0), fflags: r.fflags };
}

export function hex(b: bigint | number, width = 64): string {
  return '0x' + b.toString(16).padStart(width / 4, '0');
}

/** fast-check parameters: the seed from KRG_SEED when set, fixed run count. */
export function propParams(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.KRG_SEED === undefined ? undefined : Number(process.env.KRG_SEED);
  return seed === undefined ? { numRuns } : { numRuns, seed };
}
