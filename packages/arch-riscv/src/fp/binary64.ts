// D-extension arithmetic on the FP register file: fadd.d, fsub.d, fmul.d,
// fdiv.d, fsqrt.d and the four fused multiply-adds.
//
// Each operation first tries the fast path: the native binary64 operation
// (which rounds to nearest-even) plus an error-free transformation telling
// whether it was exact. The fast result stands when the mode is RNE, or when
// it is exact (then every mode agrees), and the operands and result are far
// from the overflow and underflow thresholds so no other flag can arise.
// Everything else — NaNs, infinities, directed rounding of an inexact
// result, subnormal or near-overflow results — goes to the exact reference
// in exact.ts.
//
// Flags accrue: once NX is set (after a program's first inexact operation,
// which is almost always early), an operation in RNE whose result is normal
// and finite can raise nothing new, so it skips the error-free
// transformation altogether — the common case costs one native operation.

import { PRODUCT_SAFE, SPLIT_SAFE, TINY_SAFE, twoProductError, twoSumError } from './eft.js';
import { BINARY64, exactAdd, exactDiv, exactFma, exactMul, exactSqrt } from './exact.js';
import { FLAG_NX, RM_RNE } from './fcsr.js';
import { readBits64, writeBits64, type FpRegisterFile } from './fp-registers.js';

/** Results at least this large are normal and not tiny in any rounding. */
const NOT_TINY = 2 ** -1021;
const MAX_FINITE = Number.MAX_VALUE;

/** f[rd] = f[rs1] + f[rs2] (or − when `negate`). */
function addD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rm: number,
  negate: boolean,
): void {
  const a = r.f64[rs1 >> 1]!;
  const b = negate ? -r.f64[rs2 >> 1]! : r.f64[rs2 >> 1]!;
  const s = a + b;
  if (s - s === 0) {
    // Finite sum of finite operands. A sum that lands in the subnormal range
    // is exact (Hauser), so add never underflows; only NX can arise.
    if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0) {
      r.f64[rd >> 1] = s;
      return;
    }
    const err = twoSumError(a, b, s);
    if (err === 0) {
      // Exact: every mode agrees, except the sign of an exact zero in RDN.
      if (s !== 0 || rm === RM_RNE) {
        r.f64[rd >> 1] = s;
        return;
      }
    } else if (rm === RM_RNE) {
      r.f64[rd >> 1] = s;
      r.fflags |= FLAG_NX;
      return;
    }
  }
  writeBits64(r, rd, exactAdd(BINARY64, readBits64(r, rs1), readBits64(r, rs2), rm, r, negate));
}

export function faddD(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  addD(r, rd, rs1, rs2, rm, false);
}

export function fsubD(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  addD(r, rd, rs1, rs2, rm, true);
}

export function fmulD(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  const p = a * b;
  const ap = Math.abs(p);
  if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0 && ap >= NOT_TINY && ap <= MAX_FINITE) {
    r.f64[rd >> 1] = p;
    return;
  }
  if (
    ap >= TINY_SAFE &&
    ap <= PRODUCT_SAFE &&
    Math.abs(a) < SPLIT_SAFE &&
    Math.abs(b) < SPLIT_SAFE
  ) {
    const err = twoProductError(a, b, p);
    if (err === 0 || rm === RM_RNE) {
      r.f64[rd >> 1] = p;
      if (err !== 0) r.fflags |= FLAG_NX;
      return;
    }
  } else if (p === 0 && (a === 0 || b === 0)) {
    // A zero factor and a finite other factor (0 × ∞ is NaN): exact zero.
    r.f64[rd >> 1] = p;
    return;
  }
  writeBits64(r, rd, exactMul(BINARY64, readBits64(r, rs1), readBits64(r, rs2), rm, r));
}

export function fdivD(r: FpRegisterFile, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  const q = a / b;
  const aq = Math.abs(q);
  if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0 && aq >= NOT_TINY && aq <= MAX_FINITE) {
    r.f64[rd >> 1] = q;
    return;
  }
  const aa = Math.abs(a);
  if (
    aq >= TINY_SAFE &&
    aq < SPLIT_SAFE &&
    Math.abs(b) < SPLIT_SAFE &&
    aa >= TINY_SAFE &&
    aa <= PRODUCT_SAFE
  ) {
    // The quotient is exact iff q × b reproduces a exactly.
    const p = q * b;
    const isExact = p === a && twoProductError(q, b, p) === 0;
    if (isExact || rm === RM_RNE) {
      r.f64[rd >> 1] = q;
      if (!isExact) r.fflags |= FLAG_NX;
      return;
    }
  } else if (a === 0 && b !== 0 && b - b === 0) {
    r.f64[rd >> 1] = q;
    return;
  }
  writeBits64(r, rd, exactDiv(BINARY64, readBits64(r, rs1), readBits64(r, rs2), rm, r));
}

export function fsqrtD(r: FpRegisterFile, rd: number, rs1: number, rm: number): void {
  const a = r.f64[rs1 >> 1]!;
  if (rm === RM_RNE && (r.fflags & FLAG_NX) !== 0 && a > 0 && a <= MAX_FINITE) {
    r.f64[rd >> 1] = Math.sqrt(a); // never tiny, never overflows
    return;
  }
  if (a >= TINY_SAFE && a <= PRODUCT_SAFE) {
    const s = Math.sqrt(a);
    const p = s * s;
    const isExact = p === a && twoProductError(s, s, p) === 0;
    if (isExact || rm === RM_RNE) {
      r.f64[rd >> 1] = s;
      if (!isExact) r.fflags |= FLAG_NX;
      return;
    }
  } else if (a === 0) {
    r.f64[rd >> 1] = a; // sqrt(±0) = ±0
    return;
  }
  writeBits64(r, rd, exactSqrt(BINARY64, readBits64(r, rs1), rm, r));
}

/**
 * ±(a × b) ± c with a single rounding. Fast path: uh + ul = a × b exactly
 * (TwoProduct), th + tl = c + uh exactly (TwoSum), v + ve = tl + ul exactly;
 * the true value is th + v + ve with ve tiny next to ulp(th + v), so
 * RN(th + v) is correct except on an exact tie, where the sign of ve decides
 * (the same reasoning as Boldo & Melquiond's round-to-odd emulation, without
 * computing the round-to-odd value).
 */
function fmaD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
  negateProduct: boolean,
  negateAddend: boolean,
): void {
  const a = negateProduct ? -r.f64[rs1 >> 1]! : r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  const c = negateAddend ? -r.f64[rs3 >> 1]! : r.f64[rs3 >> 1]!;
  const uh = a * b;
  const au = Math.abs(uh);
  if (
    au >= TINY_SAFE &&
    au <= PRODUCT_SAFE &&
    Math.abs(a) < SPLIT_SAFE &&
    Math.abs(b) < SPLIT_SAFE &&
    Math.abs(c) <= PRODUCT_SAFE
  ) {
    const ul = twoProductError(a, b, uh);
    const th = c + uh;
    const tl = twoSumError(c, uh, th);
    const v = tl + ul;
    const ve = twoSumError(tl, ul, v);
    let z = th + v;
    const az = Math.abs(z);
    if (az >= TINY_SAFE && az <= PRODUCT_SAFE) {
      // th + v = z + e exactly, and the true value is z + e + ve. As ve is
      // far below half an ulp of z, z is the correct rounding unless th + v
      // was an exact tie, which ve (when nonzero) breaks.
      const e = twoSumError(th, v, z);
      if (ve !== 0 && e !== 0 && z + 2 * e - z === 2 * e && ve > 0 === e > 0) z += 2 * e;
      if (rm === RM_RNE) {
        r.f64[rd >> 1] = z;
        if (ve !== 0 || e !== 0) r.fflags |= FLAG_NX;
        return;
      }
      if (ve === 0 && e === 0) {
        r.f64[rd >> 1] = z; // exact: every mode agrees
        return;
      }
    }
  }
  writeBits64(
    r,
    rd,
    exactFma(
      BINARY64,
      readBits64(r, rs1),
      readBits64(r, rs2),
      readBits64(r, rs3),
      rm,
      r,
      negateProduct,
      negateAddend,
    ),
  );
}

/** fmadd.d: f[rs1] × f[rs2] + f[rs3]. */
export function fmaddD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaD(r, rd, rs1, rs2, rs3, rm, false, false);
}

/** fmsub.d: f[rs1] × f[rs2] − f[rs3]. */
export function fmsubD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaD(r, rd, rs1, rs2, rs3, rm, false, true);
}

/** fnmsub.d: −(f[rs1] × f[rs2]) + f[rs3]. */
export function fnmsubD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaD(r, rd, rs1, rs2, rs3, rm, true, false);
}

/** fnmadd.d: −(f[rs1] × f[rs2]) − f[rs3]. */
export function fnmaddD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  rm: number,
): void {
  fmaD(r, rd, rs1, rs2, rs3, rm, true, true);
}
