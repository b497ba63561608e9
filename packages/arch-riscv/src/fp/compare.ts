// Non-arithmetic F and D operations: compares (feq is quiet, flt and fle
// signal on any NaN), fmin/fmax (ISA 2.2+: minimumNumber/maximumNumber, −0 <
// +0, one NaN operand yields the other operand, two yield the canonical NaN,
// NV on any signalling NaN), fclass, and the sign injections (fsgnj, fsgnjn,
// fsgnjx: pure bit operations that keep NaN payloads, except that a single
// operand that is not properly NaN-boxed reads as the canonical NaN).

import { FLAG_NV } from './fcsr.js';
import { readSingle, writeSingle } from './binary32.js';
import {
  CANONICAL_NAN_32,
  readBits32,
  writeBits32,
  writeCanonicalNaN64,
  type FpRegisterFile,
} from './fp-registers.js';

/** Is the binary64 in f[i] a signalling NaN? */
export function isSignalingNaN64(r: FpRegisterFile, i: number): boolean {
  const hi = r.fi[i + 1]!;
  const lo = r.fi[i]!;
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x0007ffff) !== 0 || lo !== 0);
}

/** Is the single bit pattern a signalling NaN? */
export function isSignalingNaN32(bits: number): boolean {
  return (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x003fffff) !== 0;
}

function isSignalingNaNSingle(r: FpRegisterFile, i: number): boolean {
  return isSignalingNaN32(readBits32(r, i));
}

/** Sign (1 for negative) of a non-NaN number, −0 included. */
function signOf(x: number): number {
  return x < 0 || (x === 0 && 1 / x < 0) ? 1 : 0;
}

// ---- compares: the integer result (0 or 1) is returned ----

export function feqD(r: FpRegisterFile, rs1: number, rs2: number): number {
  const a = r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  if (a !== a || b !== b) {
    if (isSignalingNaN64(r, rs1) || isSignalingNaN64(r, rs2)) r.fflags |= FLAG_NV;
    return 0;
  }
  return a === b ? 1 : 0;
}

export function fltD(r: FpRegisterFile, rs1: number, rs2: number): number {
  const a = r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  if (a !== a || b !== b) {
    r.fflags |= FLAG_NV;
    return 0;
  }
  return a < b ? 1 : 0;
}

export function fleD(r: FpRegisterFile, rs1: number, rs2: number): number {
  const a = r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  if (a !== a || b !== b) {
    r.fflags |= FLAG_NV;
    return 0;
  }
  return a <= b ? 1 : 0;
}

export function feqS(r: FpRegisterFile, rs1: number, rs2: number): number {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  if (a !== a || b !== b) {
    if (isSignalingNaNSingle(r, rs1) || isSignalingNaNSingle(r, rs2)) r.fflags |= FLAG_NV;
    return 0;
  }
  return a === b ? 1 : 0;
}

export function fltS(r: FpRegisterFile, rs1: number, rs2: number): number {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  if (a !== a || b !== b) {
    r.fflags |= FLAG_NV;
    return 0;
  }
  return a < b ? 1 : 0;
}

export function fleS(r: FpRegisterFile, rs1: number, rs2: number): number {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  if (a !== a || b !== b) {
    r.fflags |= FLAG_NV;
    return 0;
  }
  return a <= b ? 1 : 0;
}

// ---- fmin / fmax ----

function minMaxD(r: FpRegisterFile, rd: number, rs1: number, rs2: number, isMax: boolean): void {
  const a = r.f64[rs1 >> 1]!;
  const b = r.f64[rs2 >> 1]!;
  if (a !== a || b !== b) {
    if (isSignalingNaN64(r, rs1) || isSignalingNaN64(r, rs2)) r.fflags |= FLAG_NV;
    if (a !== a && b !== b) writeCanonicalNaN64(r, rd);
    else r.f64[rd >> 1] = a !== a ? b : a;
    return;
  }
  r.f64[rd >> 1] = pick(a, b, isMax);
}

function pick(a: number, b: number, isMax: boolean): number {
  if (a === b) {
    // Equal values differ only for ±0: −0 is the smaller.
    const aNegative = signOf(a) === 1;
    return aNegative === isMax ? b : a;
  }
  return a < b === isMax ? b : a;
}

export function fminD(r: FpRegisterFile, rd: number, rs1: number, rs2: number): void {
  minMaxD(r, rd, rs1, rs2, false);
}

export function fmaxD(r: FpRegisterFile, rd: number, rs1: number, rs2: number): void {
  minMaxD(r, rd, rs1, rs2, true);
}

function minMaxS(r: FpRegisterFile, rd: number, rs1: number, rs2: number, isMax: boolean): void {
  const a = readSingle(r, rs1);
  const b = readSingle(r, rs2);
  if (a !== a || b !== b) {
    if (isSignalingNaNSingle(r, rs1) || isSignalingNaNSingle(r, rs2)) r.fflags |= FLAG_NV;
    if (a !== a && b !== b) writeBits32(r, rd, CANONICAL_NAN_32);
    else writeSingle(r, rd, a !== a ? b : a);
    return;
  }
  writeSingle(r, rd, pick(a, b, isMax));
}

export function fminS(r: FpRegisterFile, rd: number, rs1: number, rs2: number): void {
  minMaxS(r, rd, rs1, rs2, false);
}

export function fmaxS(r: FpRegisterFile, rd: number, rs1: number, rs2: number): void {
  minMaxS(r, rd, rs1, rs2, true);
}

// ---- fclass: a one-hot 10-bit mask ----

/** fclass of a value given its sign, whether its exponent field is all ones / zero, and its fraction. */
function classify(
  sign: number,
  expAllOnes: boolean,
  expZero: boolean,
  fracZero: boolean,
  quiet: boolean,
): number {
  if (expAllOnes) {
    if (fracZero) return sign ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (expZero) {
    if (fracZero) return sign ? 1 << 3 : 1 << 4;
    return sign ? 1 << 2 : 1 << 5;
  }
  return sign ? 1 << 1 : 1 << 6;
}

export function fclassD(r: FpRegisterFile, rs1: number): number {
  const hi = r.fi[rs1 + 1]!;
  const lo = r.fi[rs1]!;
  const exp = (hi >>> 20) & 0x7ff;
  return classify(
    hi >>> 31,
    exp === 0x7ff,
    exp === 0,
    (hi & 0xfffff) === 0 && lo === 0,
    (hi & 0x80000) !== 0,
  );
}

export function fclassS(r: FpRegisterFile, rs1: number): number {
  const bits = readBits32(r, rs1);
  const exp = (bits >>> 23) & 0xff;
  return classify(
    bits >>> 31,
    exp === 0xff,
    exp === 0,
    (bits & 0x7fffff) === 0,
    (bits & 0x400000) !== 0,
  );
}

// ---- sign injection ----

/** kind 0: fsgnj (sign of rs2), 1: fsgnjn (its negation), 2: fsgnjx (xor). */
export function fsgnjD(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  kind: 0 | 1 | 2,
): void {
  const hiA = r.fi[rs1 + 1]!;
  const signB = r.fi[rs2 + 1]! & 0x80000000;
  const sign = kind === 0 ? signB : kind === 1 ? signB ^ 0x80000000 : (hiA & 0x80000000) ^ signB;
  r.fi[rd] = r.fi[rs1]!;
  r.fi[rd + 1] = (hiA & 0x7fffffff) | sign;
}

export function fsgnjS(
  r: FpRegisterFile,
  rd: number,
  rs1: number,
  rs2: number,
  kind: 0 | 1 | 2,
): void {
  const a = readBits32(r, rs1);
  const signB = readBits32(r, rs2) & 0x80000000;
  const sign = kind === 0 ? signB : kind === 1 ? signB ^ 0x80000000 : (a & 0x80000000) ^ signB;
  writeBits32(r, rd, ((a & 0x7fffffff) | sign) >>> 0);
}
