// F: single-precision floating point. So far only the instructions that move
// bits without arithmetic (glibc executes them early): flw, fsw, fmv.x.w,
// fmv.w.x. The arithmetic (issue 6) is not implemented yet and decodes as an
// illegal instruction. A single held in a 64-bit f register is NaN-boxed:
// the high 32 bits are all ones (spec: "NaN Boxing of Narrower Values").
import { type Cpu, ea } from '../cpu.js';
import type { InsnDef, Op } from '../op.js';

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

/** The F instructions implemented so far (data transfers). */
export const F_TRANSFERS: readonly InsnDef[] = [
  { name: 'flw', format: 'I', exec: flw, rdIsFloat: true },
  { name: 'fsw', format: 'S', exec: fsw },
  { name: 'fmv.x.w', format: 'R', exec: fmvXW },
  { name: 'fmv.w.x', format: 'R', exec: fmvWX, rdIsFloat: true },
];
