// Conversions: fcvt between the two formats, from floats to 32/64-bit
// integers (signed and unsigned) and back.
//
// Float → integer follows the RISC-V table (F chapter, "Floating-Point
// Conversion"): the value is rounded to an integer in the instruction's mode;
// if that integer is out of range, or the input is NaN or ±∞, the result
// saturates (NaN as +∞) and only NV is raised; otherwise NX is raised when
// the rounding changed the value. 32-bit results, unsigned included, are
// sign-extended into the 64-bit register by the caller.
//
// 64-bit integers cross this interface as two int32 words (lo, hi), the
// representation the hart keeps its integer registers in.

import { roundToOdd, twoSumError } from './eft.js';
import { BINARY32, BINARY64, exactConvertFloat, exactFromInteger } from './exact.js';
import { MAX_FINITE_32, readSingle, writeSingle } from './binary32.js';
import { FLAG_NV, FLAG_NX, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP, type FlagSink } from './fcsr.js';
import {
  readBits32,
  readBits64,
  writeBits32,
  writeBits64,
  type FpRegisterFile,
} from './fp-registers.js';

const TWO_32 = 4294967296;
const TWO_52 = 4503599627370496;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;

/** Rounds a finite number to an integral value in mode rm (exact in binary64). */
export function roundToIntegral(x: number, rm: number): number {
  if (!(Math.abs(x) < TWO_52)) return x; // already integral (or NaN/∞)
  switch (rm) {
    case RM_RTZ:
      return Math.trunc(x);
    case RM_RDN:
      return Math.floor(x);
    case RM_RUP:
      return Math.ceil(x);
    case RM_RNE:
    case RM_RMM: {
      // x − trunc(x) is exact (x − floor(x) is not for small negative x).
      const t = Math.trunc(x);
      const d = Math.abs(x - t);
      const away = t + (x > 0 ? 1 : -1);
      if (d > 0.5) return away;
      if (d < 0.5) return t;
      if (rm === RM_RMM) return away;
      return t % 2 === 0 ? t : away;
    }
    default:
      throw new RangeError(`rounding mode ${rm} is not one of RNE, RTZ, RDN, RUP, RMM`);
  }
}

/**
 * fcvt.w / fcvt.wu of the value x (a binary64 number, or a single widened;
 * NaN for any NaN). Returns the 32-bit result as an int32 (the unsigned
 * result's bit pattern), ready for sign extension.
 */
export function toInt32(x: number, rm: number, isSigned: boolean, sink: FlagSink): number {
  const t = roundToIntegral(x, rm);
  if (isSigned) {
    if (t !== t || t > 2147483647) {
      sink.fflags |= FLAG_NV;
      return 2147483647;
    }
    if (t < -2147483648) {
      sink.fflags |= FLAG_NV;
      return -2147483648;
    }
  } else {
    if (t !== t || t > 4294967295) {
      sink.fflags |= FLAG_NV;
      return -1;
    }
    if (t < 0) {
      sink.fflags |= FLAG_NV;
      return 0;
    }
  }
  if (t !== x) sink.fflags |= FLAG_NX;
  return t | 0;
}

/**
 * fcvt.l / fcvt.lu of the value x: writes the 64-bit result to out[at] (low
 * word) and out[at + 1] (high word).
 */
export function toInt64(
  x: number,
  rm: number,
  isSigned: boolean,
  sink: FlagSink,
  out: Int32Array,
  at: number,
): void {
  const t = roundToIntegral(x, rm);
  if (isSigned) {
    if (t !== t || t >= TWO_63) {
      sink.fflags |= FLAG_NV;
      out[at] = -1;
      out[at + 1] = 0x7fffffff;
      return;
    }
    if (t < -TWO_63) {
      sink.fflags |= FLAG_NV;
      out[at] = 0;
      out[at + 1] = -0x80000000;
      return;
    }
  } else {
    if (t !== t || t >= TWO_64) {
      sink.fflags |= FLAG_NV;
      out[at] = -1;
      out[at + 1] = -1;
      return;
    }
    if (t < 0) {
      sink.fflags |= FLAG_NV;
      out[at] = 0;
      out[at + 1] = 0;
      return;
    }
  }
  if (t !== x) sink.fflags |= FLAG_NX;
  const hi = Math.floor(t / TWO_32);
  out[at] = t - hi * TWO_32;
  out[at + 1] = hi;
}

/** fcvt.s.d */
export function fcvtSD(r: FpRegisterFile, rd: number, rs1: number, rm: number): void {
  const a = r.f64[rs1 >> 1]!;
  const v = Math.fround(a);
  const av = Math.abs(v);
  if (av >= 2 ** -125 && av <= MAX_FINITE_32) {
    const isExact = v === a;
    if (isExact || rm === RM_RNE) {
      writeSingle(r, rd, v);
      if (!isExact) r.fflags |= FLAG_NX;
      return;
    }
  } else if (a === 0) {
    writeSingle(r, rd, a);
    return;
  }
  writeBits32(r, rd, Number(exactConvertFloat(BINARY64, BINARY32, readBits64(r, rs1), rm, r)));
}

/** fcvt.d.s: exact; a NaN becomes the canonical NaN (NV when signalling). */
export function fcvtDS(r: FpRegisterFile, rd: number, rs1: number): void {
  const a = readSingle(r, rs1);
  if (a === a) {
    r.f64[rd >> 1] = a;
    return;
  }
  writeBits64(r, rd, exactConvertFloat(BINARY32, BINARY64, BigInt(readBits32(r, rs1)), RM_RNE, r));
}

/** fcvt.d.w / fcvt.d.wu: the int32 word `value` (read unsigned when !isSigned). Exact. */
export function fcvtDFromInt32(
  r: FpRegisterFile,
  rd: number,
  value: number,
  isSigned: boolean,
): void {
  r.f64[rd >> 1] = isSigned ? value | 0 : value >>> 0;
}

/** fcvt.s.w / fcvt.s.wu */
export function fcvtSFromInt32(
  r: FpRegisterFile,
  rd: number,
  value: number,
  isSigned: boolean,
  rm: number,
): void {
  const x = isSigned ? value | 0 : value >>> 0;
  const v = Math.fround(x);
  if (v === x || rm === RM_RNE) {
    writeSingle(r, rd, v);
    if (v !== x) r.fflags |= FLAG_NX;
    return;
  }
  writeBits32(r, rd, Number(exactFromInteger(BINARY32, BigInt(x), rm, r)));
}

function int64Value(lo: number, hi: number, isSigned: boolean): bigint {
  const bits = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return isSigned ? BigInt.asIntN(64, bits) : bits;
}

/** fcvt.d.l / fcvt.d.lu of the 64-bit integer (lo, hi). */
export function fcvtDFromInt64(
  r: FpRegisterFile,
  rd: number,
  lo: number,
  hi: number,
  isSigned: boolean,
  rm: number,
): void {
  const high = (isSigned ? hi | 0 : hi >>> 0) * TWO_32;
  const low = lo >>> 0;
  const s = high + low; // one rounding: RN of the exact integer
  const isExact = twoSumError(high, low, s) === 0;
  if (isExact || rm === RM_RNE) {
    r.f64[rd >> 1] = s;
    if (!isExact) r.fflags |= FLAG_NX;
    return;
  }
  writeBits64(r, rd, exactFromInteger(BINARY64, int64Value(lo, hi, isSigned), rm, r));
}

/** fcvt.s.l / fcvt.s.lu of the 64-bit integer (lo, hi). */
export function fcvtSFromInt64(
  r: FpRegisterFile,
  rd: number,
  lo: number,
  hi: number,
  isSigned: boolean,
  rm: number,
): void {
  const high = (isSigned ? hi | 0 : hi >>> 0) * TWO_32;
  const low = lo >>> 0;
  let s = high + low;
  const e = twoSumError(high, low, s);
  if (e !== 0) s = roundToOdd(s, e); // so the second rounding is correct
  const v = Math.fround(s);
  const isExact = e === 0 && v === s;
  if (isExact || rm === RM_RNE) {
    writeSingle(r, rd, v);
    if (!isExact) r.fflags |= FLAG_NX;
    return;
  }
  writeBits32(r, rd, Number(exactFromInteger(BINARY32, int64Value(lo, hi, isSigned), rm, r)));
}
