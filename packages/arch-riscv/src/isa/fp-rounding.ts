// The rounding mode an F or D instruction uses: its rm field, or frm when rm
// is DYN (7). A reserved result — rm 5 or 6, or DYN while frm holds 5..7 —
// makes the instruction illegal (F chapter, "Floating-Point Control and
// Status Register"), checked when it executes because frm can change.
import type { Cpu } from '../cpu.js';
import type { Op } from '../op.js';
import { CAUSE_ILLEGAL_INSTRUCTION } from '../trap.js';

export function roundingMode(c: Cpu, o: Op): number {
  const rm = o.rm === 7 ? c.frm : o.rm;
  if (rm > 4) throw c.trap.instruction(CAUSE_ILLEGAL_INSTRUCTION, o.bits);
  return rm;
}

/** Writes a 32-bit integer result sign-extended into x[rd]. */
export function writeWord(x: Int32Array, rd: number, value: number): void {
  x[rd] = value;
  x[rd + 1] = value >> 31;
}
