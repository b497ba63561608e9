// Zicsr: the CSR instructions, over the user CSRs a Linux process can reach:
// fflags, frm, fcsr (read-write) and the counters cycle, time, instret
// (read-only). Any other CSR, or a write to a read-only one, is an illegal
// instruction (spec: "Attempts to access a non-existent CSR raise an illegal
// instruction exception"; csrrs/csrrc with rs1 = x0 and the immediate forms
// with zimm = 0 do not write, so they may read read-only CSRs).
//
// The counters are deterministic: cycle counts retired instructions (one per
// cycle), instret the instructions retired before this one, and time comes
// from the hart's `timeSource` option.
import { CSR_CYCLE, CSR_FCSR, CSR_FFLAGS, CSR_FRM, CSR_INSTRET, CSR_TIME } from '../csr.js';
import type { Cpu } from '../cpu.js';
import type { InsnDef, Op } from '../op.js';
import { CAUSE_ILLEGAL_INSTRUCTION } from '../trap.js';

const value = { lo: 0, hi: 0 };

function read(c: Cpu, o: Op): void {
  switch (o.csr) {
    case CSR_FFLAGS:
      set(c.fflags, 0);
      return;
    case CSR_FRM:
      set(c.frm, 0);
      return;
    case CSR_FCSR:
      set((c.frm << 5) | c.fflags, 0);
      return;
    case CSR_CYCLE:
    case CSR_INSTRET: {
      const count = c.instret + o.index;
      set(count | 0, Math.floor(count / 2 ** 32));
      return;
    }
    case CSR_TIME: {
      const t = BigInt.asUintN(64, c.timeSource(c.instret + o.index));
      set(Number(BigInt.asIntN(32, t)), Number(BigInt.asIntN(32, t >> 32n)));
      return;
    }
    default:
      throw c.trap.instruction(CAUSE_ILLEGAL_INSTRUCTION, o.bits);
  }
}

function set(lo: number, hi: number): void {
  value.lo = lo | 0;
  value.hi = hi | 0;
}

function write(c: Cpu, o: Op, lo: number): void {
  switch (o.csr) {
    case CSR_FFLAGS:
      c.fflags = lo & 0x1f;
      return;
    case CSR_FRM:
      c.frm = lo & 7;
      return;
    case CSR_FCSR:
      c.fflags = lo & 0x1f;
      c.frm = (lo >>> 5) & 7;
      return;
    default:
      throw c.trap.instruction(CAUSE_ILLEGAL_INSTRUCTION, o.bits);
  }
}

// Each form reads the old value (trapping on an unknown CSR), computes and
// writes the new one (trapping on a read-only CSR), and only then writes rd.
function finish(c: Cpu, o: Op, oldLo: number, oldHi: number): void {
  c.x[o.rd] = oldLo;
  c.x[o.rd + 1] = oldHi;
}

export function csrrw(c: Cpu, o: Op): void {
  const src = c.x[o.rs1]!;
  read(c, o);
  const { lo, hi } = value;
  write(c, o, src);
  finish(c, o, lo, hi);
}

export function csrrs(c: Cpu, o: Op): void {
  const src = c.x[o.rs1]!;
  read(c, o);
  const { lo, hi } = value;
  if (o.rs1 !== 0) write(c, o, lo | src);
  finish(c, o, lo, hi);
}

export function csrrc(c: Cpu, o: Op): void {
  const src = c.x[o.rs1]!;
  read(c, o);
  const { lo, hi } = value;
  if (o.rs1 !== 0) write(c, o, lo & ~src);
  finish(c, o, lo, hi);
}

export function csrrwi(c: Cpu, o: Op): void {
  read(c, o);
  const { lo, hi } = value;
  write(c, o, o.zimm);
  finish(c, o, lo, hi);
}

export function csrrsi(c: Cpu, o: Op): void {
  read(c, o);
  const { lo, hi } = value;
  if (o.zimm !== 0) write(c, o, lo | o.zimm);
  finish(c, o, lo, hi);
}

export function csrrci(c: Cpu, o: Op): void {
  read(c, o);
  const { lo, hi } = value;
  if (o.zimm !== 0) write(c, o, lo & ~o.zimm);
  finish(c, o, lo, hi);
}

export const ZICSR: readonly InsnDef[] = [
  { name: 'csrrw', format: 'csr', exec: csrrw },
  { name: 'csrrs', format: 'csr', exec: csrrs },
  { name: 'csrrc', format: 'csr', exec: csrrc },
  { name: 'csrrwi', format: 'csri', exec: csrrwi },
  { name: 'csrrsi', format: 'csri', exec: csrrsi },
  { name: 'csrrci', format: 'csri', exec: csrrci },
];
