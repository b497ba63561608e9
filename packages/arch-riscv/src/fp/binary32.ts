// F-extension arithmetic on the FP register file: fadd.s, fsub.s, fmul.s,
// fdiv.s, fsqrt.s and the four fused multiply-adds.
//
// Operands are read through the NaN-boxing rule (an improperly boxed value is
// the canonical NaN) and computed in binary64, then rounded with
// Math.fround. For +, −, ×, ÷ and √ that double rounding is innocuous
// (binary64 has more than 2·24 + 2 bits: Figueroa, "When is double rounding
// innocuous?", 1995). The product of two singles is exact in binary64, so the
// fused multiply-add needs only one TwoSum and a round-to-odd. As in
// binary64.ts, anything that is not RNE-or-exact and far from the range
// limits goes to the exact reference.

import { roundToOdd, twoSumError } from './eft.js';
import { BINARY32, exactAdd, exactDiv, exactFma, exactMul, exactSqrt } from './exact.js';
import { FLAG_NX, RM_RNE } from './fcsr.js';
import { NAN_BOX_HIGH, readBits32, writeBits32, type FpRegisterFile } from './fp-registers.js';

export const MAX_FINITE_32 = 3.4028234663852886e38;
/** Results at least this large are normal and not tiny in any rounding. */
const TINY32_SAFE = 2 ** -125;

/** The single in f[i] as a number; NaN when it is NaN or improperly boxed. */
export function readSingle(r: FpRegisterFile, i: number): number {
  return r.fi[i + 1] === NAN_BOX_HIGH ? r.f32[i]! : NaN;
}

/** Writes a non-NaN single value (already representable) NaN-boxed. */
export function writeSingle(r: FpRegisterFile, i: number, v: number): void {
  r.f32[i] = v;
  r.fi[i + 1] = NAN_BOX_HIGH;
}

/** Result `v` of an in-range fast path that decided exactness `isExact`. */
function commit(r: FpRegisterFile, rd: number, v: number, isExact: boolean): void {
  writeSingle(r, rd, v);
  if (!isExact) r.fflags |= FLAG_NX;
}

function addS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rm: number,
  negate: boolean,
): void {
  const a = readSingle(r, rs1);
  const b = negate ? -readSingle(r, rs2) : readSingle(r, rs2);
  const s = a + b;
  if (s - s === 0) {
    const v = Math.fround(s);
    if (Math.abs(v) <= MAX_FINITE_32) {
      if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0) {
        writeSingle(r, rd, v); // NX already accrued: nothing new can arise
        return;
      }
      // A single sum in the subnormal range is exact, so no underflow here.
      const isExact = v === s && twoSumError(a, b, s) === 0;
      if (isExact ? v !== 0 || rm === RM_RNE : rm === RM_RNE) {
        commit(r, rd, v, isExact);
        return;
      }
    }
  }
  writeBits32(r, rd, Number(exactAdd(BINARY32, bitsOf(r, rs1), bitsOf(r, rs2), rm, r, negate)));
}

function bitsOf(r: FpRegisterFile, i: number): bigint {
  return BigInt(readBits32(r, i));
}

export function faddS(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  addS(r, rd, rs1, rs2, rm, false);
}

export function fsubS(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  addS(r, rd, rs1, rs2, rm, true);
}

export function fmulS(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  const p = a * b; // exact: 24 × 24 bits, exponents well inside binary64
  const v = Math.fround(p);
  const av = Math.abs(v);
  if (av >= TINY32_SAFE && av <= MAX_FINITE_32) {
    if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0) {
      writeSingle(r, rd, v);
      return;
    }
    const isExact = v === p;
    if (isExact || rm === RM_RNE) {
      commit(r, rd, v, isExact);
      return;
    }
  } else if (p === 0) {
    // A product of finite singles is zero only when a factor is zero.
    writeSingle(r, rd, p);
    return;
  }
  writeBits32(r, rd, Number(exactMul(BINARY32, bitsOf(r, rs1), bitsOf(r, rs2), rm, r)));
}

export function fdivS(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  const v = Math.fround(a / b);
  const av = Math.abs(v);
  if (av >= TINY32_SAFE && av <= MAX_FINITE_32 && b - b === 0) {
    if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0) {
      writeSingle(r, rd, v);
      return;
    }
    const isExact = v * b === a; // v × b is exact in binary64
    if (isExact || rm === RM_RNE) {
      commit(r, rd, v, isExact);
      return;
    }
  } else if (a === 0 && b !== 0 && b - b === 0) {
    writeSingle(r, rd, v);
    return;
  }
  writeBits32(r, rd, Number(exactDiv(BINARY32, bitsOf(r, rs1), bitsOf(r, rs2), rm, r)));
}

export function fsqrtS(r: FpRegisterFile, rd: number, rs1: number, rm: number): void {
  const a = readSingle(r, rs1);
  if (a > 0 && a <= MAX_FINITE_32) {
    // √ of a positive single is always a normal single: no UF, no OF.
    const v = Math.fround(Math.sqrt(a));
    if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0) {
      writeSingle(r, rd, v);
      return;
    }
    const isExact = v * v === a;
    if (isExact || rm === RM_RNE) {
      commit(r, rd, v, isExact);
      return;
    }
  } else if (a === 0) {
    writeSingle(r, rd, a);
    return;
  }
  writeBits32(r, rd, Number(exactSqrt(BINARY32, bitsOf(r, rs1), rm, r)));
}

function fmaS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
  negateProduct: boolean,
  negateAddend: boolean,
): void {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  const c = negateAddend ? -readSingle(r, rs3) : readSingle(r, rs3);
  const p = negateProduct ? -(a * b) : a * b; // exact
  let s = p + c;
  if (s - s === 0) {
    const e = twoSumError(p, c, s);
    if (e !== 0) s = roundToOdd(s, e);
    const v = Math.fround(s);
    const av = Math.abs(v);
    if (av >= TINY32_SAFE && av <= MAX_FINITE_32) {
      if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0) {
        writeSingle(r, rd, v);
        return;
      }
      const isExact = e === 0 && v === s;
      if (isExact || rm === RM_RNE) {
        commit(r, rd, v, isExact);
        return;
      }
    } else if (s === 0 && e === 0 && rm === RM_RNE) {
      // Exact zero: the native sum already has the RNE sign.
      writeSingle(r, rd, s);
      return;
    }
  }
  writeBits32(
    r,
    rd,
    Number(
      exactFma(
        BINARY32,
        bitsOf(r, rs1),
        bitsOf(r, rs2),
        bitsOf(r, rs3),
        rm,
        r,
        negateProduct,
        negateAddend,
      ),
    ),
  );
}

export function fmaddS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaS(r, rd, rs1, rs2, rs3, rm, false, false);
}

export function fmsubS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaS(r, rd, rs1, rs2, rs3, rm, false, true);
}

export function fnmsubS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaS(r, rd, rs1, rs2, rs3, rm, true, false);
}

export function fnmaddS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaS(r, rd, rs1, rs2, rs3, rm, true, true);
}
