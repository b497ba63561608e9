// F: single-precision floating point. The bit moves (flw, fsw, fmv.x.w,
// fmv.w.x) and the arithmetic, whose IEEE semantics live in ../fp/: each
// function here only picks its operands and rounding mode. A single held in
// a 64-bit f register is NaN-boxed: the high 32 bits are all ones (spec:
// "NaN Boxing of Narrower Values"); an operand that is not is read as the
// canonical NaN by every instruction but the moves.
import { type Cpu, ea } from '../cpu.js';
import * as s32 from '../fp/binary32.js';
import * as cmp from '../fp/compare.js';
import * as cvt from '../fp/convert.js';
import type { InsnDef, Op } from '../op.js';
import { roundingMode, writeWord } from './fp-rounding.js';

export function flw(c: Cpu, o: Op): void {
  const v = c.mmu.loadI32(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.fi[o.rd] = v;
  c.fi[o.rd + 1] = -1;
}

/** fsw stores the low 32 bits whatever the boxing (spec: FSW does not check it). */
export function fsw(c: Cpu, o: Op): void {
  c.mmu.store32(ea(c, o.rs1, o.imm, o.immHi), c.eaHi, c.fi[o.rs2]!);
}

/** fmv.x.w: the low 32 bits of the f register, sign-extended. */
export function fmvXW(c: Cpu, o: Op): void {
  const v = c.fi[o.rs1]!;
  c.x[o.rd] = v;
  c.x[o.rd + 1] = v >> 31;
}

export function fmvWX(c: Cpu, o: Op): void {
  c.fi[o.rd] = c.x[o.rs1]!;
  c.fi[o.rd + 1] = -1;
}

/** The F data transfers (the hart's part 1 runs glibc with these alone). */
export const F_TRANSFERS: readonly InsnDef[] = [
  { name: 'flw', format: 'I', exec: flw, rdIsFloat: true },
  { name: 'fsw', format: 'S', exec: fsw },
  { name: 'fmv.x.w', format: 'R', exec: fmvXW },
  { name: 'fmv.w.x', format: 'R', exec: fmvWX, rdIsFloat: true },
];

// ---- arithmetic ----

export function faddS(c: Cpu, o: Op): void {
  s32.faddS(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fsubS(c: Cpu, o: Op): void {
  s32.fsubS(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fmulS(c: Cpu, o: Op): void {
  s32.fmulS(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fdivS(c: Cpu, o: Op): void {
  s32.fdivS(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fsqrtS(c: Cpu, o: Op): void {
  s32.fsqrtS(c, o.rd, o.rs1, roundingMode(c, o));
}
export function fmaddS(c: Cpu, o: Op): void {
  s32.fmaddS(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}
export function fmsubS(c: Cpu, o: Op): void {
  s32.fmsubS(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}
export function fnmsubS(c: Cpu, o: Op): void {
  s32.fnmsubS(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}
export function fnmaddS(c: Cpu, o: Op): void {
  s32.fnmaddS(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}

// ---- sign injection, min/max, compares, classify ----

export function fsgnjS(c: Cpu, o: Op): void {
  cmp.fsgnjS(c, o.rd, o.rs1, o.rs2, 0);
}
export function fsgnjnS(c: Cpu, o: Op): void {
  cmp.fsgnjS(c, o.rd, o.rs1, o.rs2, 1);
}
export function fsgnjxS(c: Cpu, o: Op): void {
  cmp.fsgnjS(c, o.rd, o.rs1, o.rs2, 2);
}
export function fminS(c: Cpu, o: Op): void {
  cmp.fminS(c, o.rd, o.rs1, o.rs2);
}
export function fmaxS(c: Cpu, o: Op): void {
  cmp.fmaxS(c, o.rd, o.rs1, o.rs2);
}
export function feqS(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.feqS(c, o.rs1, o.rs2));
}
export function fltS(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.fltS(c, o.rs1, o.rs2));
}
export function fleS(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.fleS(c, o.rs1, o.rs2));
}
export function fclassS(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.fclassS(c, o.rs1));
}

// ---- conversions ----

export function fcvtWS(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cvt.toInt32(s32.readSingle(c, o.rs1), roundingMode(c, o), true, c));
}
export function fcvtWuS(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cvt.toInt32(s32.readSingle(c, o.rs1), roundingMode(c, o), false, c));
}
export function fcvtLS(c: Cpu, o: Op): void {
  cvt.toInt64(s32.readSingle(c, o.rs1), roundingMode(c, o), true, c, c.x, o.rd);
}
export function fcvtLuS(c: Cpu, o: Op): void {
  cvt.toInt64(s32.readSingle(c, o.rs1), roundingMode(c, o), false, c, c.x, o.rd);
}
export function fcvtSW(c: Cpu, o: Op): void {
  cvt.fcvtSFromInt32(c, o.rd, c.x[o.rs1]!, true, roundingMode(c, o));
}
export function fcvtSWu(c: Cpu, o: Op): void {
  cvt.fcvtSFromInt32(c, o.rd, c.x[o.rs1]!, false, roundingMode(c, o));
}
export function fcvtSL(c: Cpu, o: Op): void {
  cvt.fcvtSFromInt64(c, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, true, roundingMode(c, o));
}
export function fcvtSLu(c: Cpu, o: Op): void {
  cvt.fcvtSFromInt64(c, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, false, roundingMode(c, o));
}

/** The F arithmetic, compares and conversions. */
export const F_ARITHMETIC: readonly InsnDef[] = [
  { name: 'fadd.s', format: 'R', exec: faddS, rdIsFloat: true },
  { name: 'fsub.s', format: 'R', exec: fsubS, rdIsFloat: true },
  { name: 'fmul.s', format: 'R', exec: fmulS, rdIsFloat: true },
  { name: 'fdiv.s', format: 'R', exec: fdivS, rdIsFloat: true },
  { name: 'fsqrt.s', format: 'R', exec: fsqrtS, rdIsFloat: true },
  { name: 'fmadd.s', format: 'R4', exec: fmaddS, rdIsFloat: true },
  { name: 'fmsub.s', format: 'R4', exec: fmsubS, rdIsFloat: true },
  { name: 'fnmsub.s', format: 'R4', exec: fnmsubS, rdIsFloat: true },
  { name: 'fnmadd.s', format: 'R4', exec: fnmaddS, rdIsFloat: true },
  { name: 'fsgnj.s', format: 'R', exec: fsgnjS, rdIsFloat: true },
  { name: 'fsgnjn.s', format: 'R', exec: fsgnjnS, rdIsFloat: true },
  { name: 'fsgnjx.s', format: 'R', exec: fsgnjxS, rdIsFloat: true },
  { name: 'fmin.s', format: 'R', exec: fminS, rdIsFloat: true },
  { name: 'fmax.s', format: 'R', exec: fmaxS, rdIsFloat: true },
  { name: 'feq.s', format: 'R', exec: feqS },
  { name: 'flt.s', format: 'R', exec: fltS },
  { name: 'fle.s', format: 'R', exec: fleS },
  { name: 'fclass.s', format: 'R', exec: fclassS },
  { name: 'fcvt.w.s', format: 'R', exec: fcvtWS },
  { name: 'fcvt.wu.s', format: 'R', exec: fcvtWuS },
  { name: 'fcvt.l.s', format: 'R', exec: fcvtLS },
  { name: 'fcvt.lu.s', format: 'R', exec: fcvtLuS },
  { name: 'fcvt.s.w', format: 'R', exec: fcvtSW, rdIsFloat: true },
  { name: 'fcvt.s.wu', format: 'R', exec: fcvtSWu, rdIsFloat: true },
  { name: 'fcvt.s.l', format: 'R', exec: fcvtSL, rdIsFloat: true },
  { name: 'fcvt.s.lu', format: 'R', exec: fcvtSLu, rdIsFloat: true },
];

/** Everything of F. */
export const F: readonly InsnDef[] = [...F_TRANSFERS, ...F_ARITHMETIC];
