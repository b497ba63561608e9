// D: double-precision floating point. So far only the bit moves: fld, fsd,
// fmv.x.d, fmv.d.x. The arithmetic (issue 6) is not implemented yet and
// decodes as an illegal instruction.
import { type Cpu, ea } from '../cpu.js';
import type { InsnDef, Op } from '../op.js';

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

/** The D instructions implemented so far (data transfers). */
export const D_TRANSFERS: readonly InsnDef[] = [
  { name: 'fld', format: 'I', exec: fld, rdIsFloat: true },
  { name: 'fsd', format: 'S', exec: fsd },
  { name: 'fmv.x.d', format: 'R', exec: fmvXD },
  { name: 'fmv.d.x', format: 'R', exec: fmvDX, rdIsFloat: true },
];
