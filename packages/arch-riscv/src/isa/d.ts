// D: double-precision floating point. The bit moves (fld, fsd, fmv.x.d,
// fmv.d.x) and the arithmetic, whose IEEE semantics live in ../fp/: each
// function here only picks its operands and rounding mode.
import { type Cpu, ea } from '../cpu.js';
import * as d64 from '../fp/binary64.js';
import * as cmp from '../fp/compare.js';
import * as cvt from '../fp/convert.js';
import type { InsnDef, Op } from '../op.js';
import { roundingMode, writeWord } from './fp-rounding.js';

export function fld(c: Cpu, o: Op): void {
  const lo = c.mmu.load64(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.fi[o.rd] = lo;
  c.fi[o.rd + 1] = c.mmu.hi;
}

export function fsd(c: Cpu, o: Op): void {
  c.mmu.store64(ea(c, o.rs1, o.imm, o.immHi), c.eaHi, c.fi[o.rs2]!, c.fi[o.rs2 + 1]!);
}

export function fmvXD(c: Cpu, o: Op): void {
  c.x[o.rd] = c.fi[o.rs1]!;
  c.x[o.rd + 1] = c.fi[o.rs1 + 1]!;
}

export function fmvDX(c: Cpu, o: Op): void {
  c.fi[o.rd] = c.x[o.rs1]!;
  c.fi[o.rd + 1] = c.x[o.rs1 + 1]!;
}

/** The D data transfers (the hart's part 1 runs glibc with these alone). */
export const D_TRANSFERS: readonly InsnDef[] = [
  { name: 'fld', format: 'I', exec: fld, rdIsFloat: true },
  { name: 'fsd', format: 'S', exec: fsd },
  { name: 'fmv.x.d', format: 'R', exec: fmvXD },
  { name: 'fmv.d.x', format: 'R', exec: fmvDX, rdIsFloat: true },
];

// ---- arithmetic ----

export function faddD(c: Cpu, o: Op): void {
  d64.faddD(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fsubD(c: Cpu, o: Op): void {
  d64.fsubD(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fmulD(c: Cpu, o: Op): void {
  d64.fmulD(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fdivD(c: Cpu, o: Op): void {
  d64.fdivD(c, o.rd, o.rs1, o.rs2, roundingMode(c, o));
}
export function fsqrtD(c: Cpu, o: Op): void {
  d64.fsqrtD(c, o.rd, o.rs1, roundingMode(c, o));
}
export function fmaddD(c: Cpu, o: Op): void {
  d64.fmaddD(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}
export function fmsubD(c: Cpu, o: Op): void {
  d64.fmsubD(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}
export function fnmsubD(c: Cpu, o: Op): void {
  d64.fnmsubD(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}
export function fnmaddD(c: Cpu, o: Op): void {
  d64.fnmaddD(c, o.rd, o.rs1, o.rs2, o.rs3, roundingMode(c, o));
}

// ---- sign injection, min/max, compares, classify ----

export function fsgnjD(c: Cpu, o: Op): void {
  cmp.fsgnjD(c, o.rd, o.rs1, o.rs2, 0);
}
export function fsgnjnD(c: Cpu, o: Op): void {
  cmp.fsgnjD(c, o.rd, o.rs1, o.rs2, 1);
}
export function fsgnjxD(c: Cpu, o: Op): void {
  cmp.fsgnjD(c, o.rd, o.rs1, o.rs2, 2);
}
export function fminD(c: Cpu, o: Op): void {
  cmp.fminD(c, o.rd, o.rs1, o.rs2);
}
export function fmaxD(c: Cpu, o: Op): void {
  cmp.fmaxD(c, o.rd, o.rs1, o.rs2);
}
export function feqD(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.feqD(c, o.rs1, o.rs2));
}
export function fltD(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.fltD(c, o.rs1, o.rs2));
}
export function fleD(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.fleD(c, o.rs1, o.rs2));
}
export function fclassD(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cmp.fclassD(c, o.rs1));
}

// ---- conversions ----

export function fcvtSD(c: Cpu, o: Op): void {
  cvt.fcvtSD(c, o.rd, o.rs1, roundingMode(c, o));
}
/** Exact, but its rm field must still be a valid mode. */
export function fcvtDS(c: Cpu, o: Op): void {
  roundingMode(c, o);
  cvt.fcvtDS(c, o.rd, o.rs1);
}
export function fcvtWD(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cvt.toInt32(c.f64[o.rs1 >> 1]!, roundingMode(c, o), true, c));
}
export function fcvtWuD(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, cvt.toInt32(c.f64[o.rs1 >> 1]!, roundingMode(c, o), false, c));
}
export function fcvtLD(c: Cpu, o: Op): void {
  cvt.toInt64(c.f64[o.rs1 >> 1]!, roundingMode(c, o), true, c, c.x, o.rd);
}
export function fcvtLuD(c: Cpu, o: Op): void {
  cvt.toInt64(c.f64[o.rs1 >> 1]!, roundingMode(c, o), false, c, c.x, o.rd);
}
/** Exact, but its rm field must still be a valid mode. */
export function fcvtDW(c: Cpu, o: Op): void {
  roundingMode(c, o);
  cvt.fcvtDFromInt32(c, o.rd, c.x[o.rs1]!, true);
}
export function fcvtDWu(c: Cpu, o: Op): void {
  roundingMode(c, o);
  cvt.fcvtDFromInt32(c, o.rd, c.x[o.rs1]!, false);
}
export function fcvtDL(c: Cpu, o: Op): void {
  cvt.fcvtDFromInt64(c, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, true, roundingMode(c, o));
}
export function fcvtDLu(c: Cpu, o: Op): void {
  cvt.fcvtDFromInt64(c, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, false, roundingMode(c, o));
}

/** The D arithmetic, compares and conversions. */
export const D_ARITHMETIC: readonly InsnDef[] = [
  { name: 'fadd.d', format: 'R', exec: faddD, rdIsFloat: true },
  { name: 'fsub.d', format: 'R', exec: fsubD, rdIsFloat: true },
  { name: 'fmul.d', format: 'R', exec: fmulD, rdIsFloat: true },
  { name: 'fdiv.d', format: 'R', exec: fdivD, rdIsFloat: true },
  { name: 'fsqrt.d', format: 'R', exec: fsqrtD, rdIsFloat: true },
  { name: 'fmadd.d', format: 'R4', exec: fmaddD, rdIsFloat: true },
  { name: 'fmsub.d', format: 'R4', exec: fmsubD, rdIsFloat: true },
  { name: 'fnmsub.d', format: 'R4', exec: fnmsubD, rdIsFloat: true },
  { name: 'fnmadd.d', format: 'R4', exec: fnmaddD, rdIsFloat: true },
  { name: 'fsgnj.d', format: 'R', exec: fsgnjD, rdIsFloat: true },
  { name: 'fsgnjn.d', format: 'R', exec: fsgnjnD, rdIsFloat: true },
  { name: 'fsgnjx.d', format: 'R', exec: fsgnjxD, rdIsFloat: true },
  { name: 'fmin.d', format: 'R', exec: fminD, rdIsFloat: true },
  { name: 'fmax.d', format: 'R', exec: fmaxD, rdIsFloat: true },
  { name: 'feq.d', format: 'R', exec: feqD },
  { name: 'flt.d', format: 'R', exec: fltD },
  { name: 'fle.d', format: 'R', exec: fleD },
  { name: 'fclass.d', format: 'R', exec: fclassD },
  { name: 'fcvt.s.d', format: 'R', exec: fcvtSD, rdIsFloat: true },
  { name: 'fcvt.d.s', format: 'R', exec: fcvtDS, rdIsFloat: true },
  { name: 'fcvt.w.d', format: 'R', exec: fcvtWD },
  { name: 'fcvt.wu.d', format: 'R', exec: fcvtWuD },
  { name: 'fcvt.l.d', format: 'R', exec: fcvtLD },
  { name: 'fcvt.lu.d', format: 'R', exec: fcvtLuD },
  { name: 'fcvt.d.w', format: 'R', exec: fcvtDW, rdIsFloat: true },
  { name: 'fcvt.d.wu', format: 'R', exec: fcvtDWu, rdIsFloat: true },
  { name: 'fcvt.d.l', format: 'R', exec: fcvtDL, rdIsFloat: true },
  { name: 'fcvt.d.lu', format: 'R', exec: fcvtDLu, rdIsFloat: true },
];

/** Everything of D. */
export const D: readonly InsnDef[] = [...D_TRANSFERS, ...D_ARITHMETIC];
