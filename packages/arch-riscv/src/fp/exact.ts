// The exact reference: IEEE 754 binary32/binary64 arithmetic as RISC-V
// defines it, computed on BigInt significands. Every finite value is held as
// (−1)^sign × mant × 2^exp with an integer mant, so sums and products are
// exact and there is exactly one rounding, in roundPack. Quotients and square
// roots carry a sticky bit below their last computed bit, which is enough for
// a correct rounding in every mode.
//
// This path is slow (BigInt) and runs only when the fast paths in binary64.ts
// and binary32.ts cannot decide: directed rounding of an inexact result,
// results near underflow or overflow, and special operands. It is also the
// oracle of the property tests.
//
// RISC-V specifics (unprivileged ISA, F and D chapters): every NaN result is
// the canonical NaN; tininess is detected after rounding; an invalid
// float→integer conversion saturates (NaN counts as +∞) and raises NV only;
// the fused multiply-adds raise NV for ∞ × 0 even when the addend is a quiet
// NaN.

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
  type FlagSink,
} from './fcsr.js';

/** Parameters of one binary interchange format. */
export interface FloatFormat {
  readonly width: 32 | 64;
  /** Significand bits including the hidden bit. */
  readonly precision: number;
  /** Exponent of the smallest normal number. */
  readonly emin: number;
  /** Exponent of the largest finite number. */
  readonly emax: number;
  readonly bias: number;
  readonly fracBits: number;
  readonly canonicalNaN: bigint;
}

export const BINARY32: FloatFormat = {
  width: 32,
  precision: 24,
  emin: -126,
  emax: 127,
  bias: 127,
  fracBits: 23,
  canonicalNaN: 0x7fc00000n,
};

export const BINARY64: FloatFormat = {
  width: 64,
  precision: 53,
  emin: -1022,
  emax: 1023,
  bias: 1023,
  fracBits: 52,
  canonicalNaN: 0x7ff8000000000000n,
};

const KIND_ZERO = 0;
const KIND_FINITE = 1;
const KIND_INF = 2;
const KIND_QNAN = 3;
const KIND_SNAN = 4;

/** A decoded operand: value (−1)^sign × mant × 2^exp when finite. */
interface Unpacked {
  kind: number;
  sign: number;
  mant: bigint;
  exp: number;
}

function unpack(fmt: FloatFormat, bits: bigint): Unpacked {
  const width = BigInt(fmt.width);
  const fracBits = BigInt(fmt.fracBits);
  const sign = Number((bits >> (width - 1n)) & 1n);
  const expMask = (1n << (width - 1n - fracBits)) - 1n;
  const biased = Number((bits >> fracBits) & expMask);
  const frac = bits & ((1n << fracBits) - 1n);
  if (biased === Number(expMask)) {
    if (frac === 0n) return { kind: KIND_INF, sign, mant: 0n, exp: 0 };
    const quiet = (frac >> (fracBits - 1n)) & 1n;
    return { kind: quiet === 1n ? KIND_QNAN : KIND_SNAN, sign, mant: 0n, exp: 0 };
  }
  if (biased === 0) {
    if (frac === 0n) return { kind: KIND_ZERO, sign, mant: 0n, exp: 0 };
    return { kind: KIND_FINITE, sign, mant: frac, exp: fmt.emin - fmt.fracBits };
  }
  return {
    kind: KIND_FINITE,
    sign,
    mant: frac | (1n << fracBits),
    exp: biased - fmt.bias - fmt.fracBits,
  };
}

function isNaNKind(u: Unpacked): boolean {
  return u.kind === KIND_QNAN || u.kind === KIND_SNAN;
}

function signBit(fmt: FloatFormat, sign: number): bigint {
  return sign === 1 ? 1n << BigInt(fmt.width - 1) : 0n;
}

function zero(fmt: FloatFormat, sign: number): bigint {
  return signBit(fmt, sign);
}

function infinity(fmt: FloatFormat, sign: number): bigint {
  const expAll = (1n << BigInt(fmt.width - 1 - fmt.fracBits)) - 1n;
  return signBit(fmt, sign) | (expAll << BigInt(fmt.fracBits));
}

function maxFinite(fmt: FloatFormat, sign: number): bigint {
  return infinity(fmt, sign) - 1n;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds the magnitude `mag` after dropping its `shift` (> 0) low bits.
 * Returns the rounded quotient; sets `inexactOut.value` when bits were lost.
 */
function roundShift(
  mag: bigint,
  shift: number,
  rm: number,
  sign: number,
  inexact: { value: boolean },
): bigint {
  const s = BigInt(shift);
  const q = mag >> s;
  const rem = mag & ((1n << s) - 1n);
  if (rem === 0n) return q;
  inexact.value = true;
  const half = 1n << (s - 1n);
  let up: boolean;
  switch (rm) {
    case RM_RNE:
      up = rem > half || (rem === half && (q & 1n) === 1n);
      break;
    case RM_RMM:
      up = rem >= half;
      break;
    case RM_RTZ:
      up = false;
      break;
    case RM_RDN:
      up = sign === 1;
      break;
    case RM_RUP:
      up = sign === 0;
      break;
    default:
      throw new RangeError(`rounding mode ${rm} is not one of RNE, RTZ, RDN, RUP, RMM`);
  }
  return up ? q + 1n : q;
}

/**
 * Rounds the exact value (−1)^sign × mant × 2^exp to `fmt` in mode `rm`,
 * raising NX, UF (tiny after rounding and inexact) and OF. Returns the bits.
 */
export function roundPack(
  fmt: FloatFormat,
  sign: number,
  mant: bigint,
  exp: number,
  rm: number,
  sink: FlagSink,
): bigint {
  if (mant === 0n) return zero(fmt, sign);
  const p = fmt.precision;
  const n = bitLength(mant);
  const leading = exp + n - 1;
  // Tininess after rounding: round to p bits as if the exponent range were
  // unbounded, and look at the exponent of that.
  let tiny = false;
  if (leading < fmt.emin) {
    let roundedLeading = leading;
    if (n > p) {
      const q = roundShift(mant, n - p, rm, sign, { value: false });
      if (bitLength(q) > p) roundedLeading += 1;
    }
    tiny = roundedLeading < fmt.emin;
  }
  const lsb = Math.max(leading, fmt.emin) - p + 1;
  const shift = lsb - exp;
  const inexact = { value: false };
  let q = shift > 0 ? roundShift(mant, shift, rm, sign, inexact) : mant << BigInt(-shift);
  let e = lsb;
  if (bitLength(q) > p) {
    // Rounding carried into a new leading bit: q is exactly 2^p.
    q >>= 1n;
    e += 1;
  }
  if (q === 0n) {
    sink.fflags |= FLAG_UF | FLAG_NX;
    return zero(fmt, sign);
  }
  const qLen = bitLength(q);
  const resultLeading = e + qLen - 1;
  if (resultLeading > fmt.emax) {
    sink.fflags |= FLAG_OF | FLAG_NX;
    const toInfinity =
      rm === RM_RNE ||
      rm === RM_RMM ||
      (rm === RM_RUP && sign === 0) ||
      (rm === RM_RDN && sign === 1);
    return toInfinity ? infinity(fmt, sign) : maxFinite(fmt, sign);
  }
  if (inexact.value) {
    sink.fflags |= FLAG_NX;
    if (tiny) sink.fflags |= FLAG_UF;
  }
  const fracBits = BigInt(fmt.fracBits);
  if (qLen === p) {
    const biased = BigInt(resultLeading + fmt.bias);
    return signBit(fmt, sign) | (biased << fracBits) | (q - (1n << fracBits));
  }
  // Subnormal: the lsb sits at emin − p + 1 and the biased exponent is 0.
  return signBit(fmt, sign) | q;
}

/** An exact signed value (−1)^sign × mant × 2^exp; mant 0 is a zero of that sign. */
interface Exact {
  sign: number;
  mant: bigint;
  exp: number;
}

/** x + y exactly; an exact zero sum takes the IEEE sign rule for mode rm. */
function addExact(x: Exact, y: Exact, rm: number): Exact {
  if (x.mant === 0n && y.mant === 0n) {
    const sign = x.sign === y.sign ? x.sign : rm === RM_RDN ? 1 : 0;
    return { sign, mant: 0n, exp: 0 };
  }
  if (x.mant === 0n) return y;
  if (y.mant === 0n) return x;
  const e = Math.min(x.exp, y.exp);
  const vx = (x.mant << BigInt(x.exp - e)) * (x.sign === 1 ? -1n : 1n);
  const vy = (y.mant << BigInt(y.exp - e)) * (y.sign === 1 ? -1n : 1n);
  const sum = vx + vy;
  if (sum === 0n) return { sign: rm === RM_RDN ? 1 : 0, mant: 0n, exp: 0 };
  return sum < 0n ? { sign: 1, mant: -sum, exp: e } : { sign: 0, mant: sum, exp: e };
}

function packExact(fmt: FloatFormat, v: Exact, rm: number, sink: FlagSink): bigint {
  return roundPack(fmt, v.sign, v.mant, v.exp, rm, sink);
}

function exactOf(u: Unpacked): Exact {
  return { sign: u.sign, mant: u.kind === KIND_FINITE ? u.mant : 0n, exp: u.exp };
}

/** Canonical NaN, raising NV when any operand is a signalling NaN. */
function nanResult(fmt: FloatFormat, sink: FlagSink, ...operands: Unpacked[]): bigint {
  if (operands.some((u) => u.kind === KIND_SNAN)) sink.fflags |= FLAG_NV;
  return fmt.canonicalNaN;
}

function invalid(fmt: FloatFormat, sink: FlagSink): bigint {
  sink.fflags |= FLAG_NV;
  return fmt.canonicalNaN;
}

/** a + b (use negate = true for a − b). */
export function exactAdd(
  fmt: FloatFormat,
  a: bigint,
  b: bigint,
  rm: number,
  sink: FlagSink,
  negate = false,
): bigint {
  const ua = unpack(fmt, a);
  const ub = unpack(fmt, b);
  if (negate) ub.sign ^= 1;
  if (isNaNKind(ua) || isNaNKind(ub)) return nanResult(fmt, sink, ua, ub);
  if (ua.kind === KIND_INF) {
    if (ub.kind === KIND_INF && ub.sign !== ua.sign) return invalid(fmt, sink);
    return infinity(fmt, ua.sign);
  }
  if (ub.kind === KIND_INF) return infinity(fmt, ub.sign);
  return packExact(fmt, addExact(exactOf(ua), exactOf(ub), rm), rm, sink);
}

export function exactMul(
  fmt: FloatFormat,
  a: bigint,
  b: bigint,
  rm: number,
  sink: FlagSink,
): bigint {
  const ua = unpack(fmt, a);
  const ub = unpack(fmt, b);
  if (isNaNKind(ua) || isNaNKind(ub)) return nanResult(fmt, sink, ua, ub);
  const sign = ua.sign ^ ub.sign;
  if (ua.kind === KIND_INF || ub.kind === KIND_INF) {
    if (ua.kind === KIND_ZERO || ub.kind === KIND_ZERO) return invalid(fmt, sink);
    return infinity(fmt, sign);
  }
  if (ua.kind === KIND_ZERO || ub.kind === KIND_ZERO) return zero(fmt, sign);
  return roundPack(fmt, sign, ua.mant * ub.mant, ua.exp + ub.exp, rm, sink);
}

/**
 * The fused multiply-add family with one rounding:
 * (negateProduct ? −1 : 1) × a × b + (negateAddend ? −1 : 1) × c.
 * fmadd = (false, false), fmsub = (false, true), fnmsub = (true, false),
 * fnmadd = (true, true).
 */
export function exactFma(
  fmt: FloatFormat,
  a: bigint,
  b: bigint,
  c: bigint,
  rm: number,
  sink: FlagSink,
  negateProduct = false,
  negateAddend = false,
): bigint {
  const ua = unpack(fmt, a);
  const ub = unpack(fmt, b);
  const uc = unpack(fmt, c);
  const infTimesZero =
    (ua.kind === KIND_INF && ub.kind === KIND_ZERO) ||
    (ua.kind === KIND_ZERO && ub.kind === KIND_INF);
  if (isNaNKind(ua) || isNaNKind(ub) || isNaNKind(uc) || infTimesZero) {
    if (infTimesZero) sink.fflags |= FLAG_NV;
    return nanResult(fmt, sink, ua, ub, uc);
  }
  const productSign = ua.sign ^ ub.sign ^ (negateProduct ? 1 : 0);
  const addendSign = uc.sign ^ (negateAddend ? 1 : 0);
  if (ua.kind === KIND_INF || ub.kind === KIND_INF) {
    if (uc.kind === KIND_INF && addendSign !== productSign) return invalid(fmt, sink);
    return infinity(fmt, productSign);
  }
  if (uc.kind === KIND_INF) return infinity(fmt, addendSign);
  const product: Exact =
    ua.kind === KIND_ZERO || ub.kind === KIND_ZERO
      ? { sign: productSign, mant: 0n, exp: 0 }
      : { sign: productSign, mant: ua.mant * ub.mant, exp: ua.exp + ub.exp };
  const addend: Exact = {
    sign: addendSign,
    mant: uc.kind === KIND_FINITE ? uc.mant : 0n,
    exp: uc.exp,
  };
  return packExact(fmt, addExact(product, addend, rm), rm, sink);
}

export function exactDiv(
  fmt: FloatFormat,
  a: bigint,
  b: bigint,
  rm: number,
  sink: FlagSink,
): bigint {
  const ua = unpack(fmt, a);
  const ub = unpack(fmt, b);
  if (isNaNKind(ua) || isNaNKind(ub)) return nanResult(fmt, sink, ua, ub);
  const sign = ua.sign ^ ub.sign;
  if (ua.kind === KIND_INF) {
    if (ub.kind === KIND_INF) return invalid(fmt, sink);
    return infinity(fmt, sign);
  }
  if (ub.kind === KIND_INF) return zero(fmt, sign);
  if (ub.kind === KIND_ZERO) {
    if (ua.kind === KIND_ZERO) return invalid(fmt, sink);
    sink.fflags |= FLAG_DZ;
    return infinity(fmt, sign);
  }
  if (ua.kind === KIND_ZERO) return zero(fmt, sign);
  // Scale the dividend so the quotient has at least precision + 2 bits, then
  // keep the remainder as a sticky bit.
  const k = Math.max(0, fmt.precision + 2 + bitLength(ub.mant) - bitLength(ua.mant));
  const num = ua.mant << BigInt(k);
  const q = num / ub.mant;
  const sticky = num % ub.mant === 0n ? 0n : 1n;
  return roundPack(fmt, sign, (q << 1n) | sticky, ua.exp - ub.exp - k - 1, rm, sink);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function exactSqrt(fmt: FloatFormat, a: bigint, rm: number, sink: FlagSink): bigint {
  const ua = unpack(fmt, a);
  if (isNaNKind(ua)) return nanResult(fmt, sink, ua);
  if (ua.kind === KIND_ZERO) return zero(fmt, ua.sign);
  if (ua.sign === 1) return invalid(fmt, sink);
  if (ua.kind === KIND_INF) return infinity(fmt, 0);
  // Make the exponent even and the radicand long enough for precision + 2
  // result bits; the remainder becomes the sticky bit.
  let shift = Math.max(0, 2 * (fmt.precision + 2) - bitLength(ua.mant));
  if ((ua.exp - shift) % 2 !== 0) shift += 1;
  const radicand = ua.mant << BigInt(shift);
  const root = isqrt(radicand);
  const sticky = root * root === radicand ? 0n : 1n;
  return roundPack(fmt, 0, (root << 1n) | sticky, (ua.exp - shift) / 2 - 1, rm, sink);
}

/** Converts between the two formats (either direction). */
export function exactConvertFloat(
  from: FloatFormat,
  to: FloatFormat,
  a: bigint,
  rm: number,
  sink: FlagSink,
): bigint {
  const ua = unpack(from, a);
  if (isNaNKind(ua)) return nanResult(to, sink, ua);
  if (ua.kind === KIND_INF) return infinity(to, ua.sign);
  if (ua.kind === KIND_ZERO) return zero(to, ua.sign);
  return roundPack(to, ua.sign, ua.mant, ua.exp, rm, sink);
}

/** Converts the exact integer `value` to `fmt`. */
export function exactFromInteger(
  fmt: FloatFormat,
  value: bigint,
  rm: number,
  sink: FlagSink,
): bigint {
  if (value === 0n) return 0n;
  return value < 0n
    ? roundPack(fmt, 1, -value, 0, rm, sink)
    : roundPack(fmt, 0, value, 0, rm, sink);
}

/**
 * Converts to an integer of `width` bits (signed or not) with rounding mode
 * rm. Out-of-range values and NaN saturate and raise NV (and not NX); NaN
 * saturates to the maximum. Returns the mathematical integer result (for a
 * 32-bit result the caller sign-extends it into the 64-bit register).
 */
export function exactToInteger(
  fmt: FloatFormat,
  a: bigint,
  rm: number,
  width: 32 | 64,
  isSigned: boolean,
  sink: FlagSink,
): bigint {
  const max = isSigned ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  const min = isSigned ? -(1n << BigInt(width - 1)) : 0n;
  const ua = unpack(fmt, a);
  if (isNaNKind(ua)) {
    sink.fflags |= FLAG_NV;
    return max;
  }
  if (ua.kind === KIND_INF) {
    sink.fflags |= FLAG_NV;
    return ua.sign === 1 ? min : max;
  }
  if (ua.kind === KIND_ZERO) return 0n;
  const inexact = { value: false };
  let magnitude: bigint;
  if (ua.exp >= 0) {
    magnitude = ua.mant << BigInt(ua.exp);
  } else {
    // roundShift handles shifts past the leading bit (values below one half).
    magnitude = roundShift(ua.mant, -ua.exp, rm, ua.sign, inexact);
  }
  const value = ua.sign === 1 ? -magnitude : magnitude;
  if (value > max || value < min) {
    sink.fflags |= FLAG_NV;
    return value > max ? max : min;
  }
  if (inexact.value) sink.fflags |= FLAG_NX;
  return value;
}

/** Unpacks for tests and the slow paths: is `bits` a signalling NaN? */
export function isSignalingNaN(fmt: FloatFormat, bits: bigint): boolean {
  return unpack(fmt, bits).kind === KIND_SNAN;
}
