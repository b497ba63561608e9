// M: integer multiplication and division (unprivileged spec, chapter "M"),
// including the division corner cases of the spec's table: division by zero
// gives all ones (quotient) or the dividend (remainder), and the signed
// overflow MIN / -1 gives MIN with remainder 0. No case traps.
import type { Cpu } from '../cpu.js';
import { div64, divu64, mul64, mulh64, mulhsu64, mulhu64, out, rem64, remu64 } from '../int64.js';
import type { InsnDef, Op } from '../op.js';

type Int64Op = (alo: number, ahi: number, blo: number, bhi: number) => void;

function apply(c: Cpu, o: Op, f: Int64Op): void {
  const x = c.x;
  f(x[o.rs1]!, x[o.rs1 + 1]!, x[o.rs2]!, x[o.rs2 + 1]!);
  x[o.rd] = out.lo;
  x[o.rd + 1] = out.hi;
}

export function mul(c: Cpu, o: Op): void {
  apply(c, o, mul64);
}

export function mulh(c: Cpu, o: Op): void {
  apply(c, o, mulh64);
}

export function mulhsu(c: Cpu, o: Op): void {
  apply(c, o, mulhsu64);
}

export function mulhu(c: Cpu, o: Op): void {
  apply(c, o, mulhu64);
}

export function div(c: Cpu, o: Op): void {
  apply(c, o, div64);
}

export function divu(c: Cpu, o: Op): void {
  apply(c, o, divu64);
}

export function rem(c: Cpu, o: Op): void {
  apply(c, o, rem64);
}

export function remu(c: Cpu, o: Op): void {
  apply(c, o, remu64);
}

// W forms: 32-bit operands, 32-bit result sign-extended.

function writeWord(x: Int32Array, rd: number, value: number): void {
  x[rd] = value;
  x[rd + 1] = value >> 31;
}

export function mulw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, Math.imul(c.x[o.rs1]!, c.x[o.rs2]!));
}

export function divw(c: Cpu, o: Op): void {
  const a = c.x[o.rs1]!;
  const b = c.x[o.rs2]!;
  // MIN / -1 = 2^31, which wraps back to MIN in 32 bits: the spec's overflow result.
  writeWord(c.x, o.rd, b === 0 ? -1 : Math.trunc(a / b) | 0);
}

export function divuw(c: Cpu, o: Op): void {
  const a = c.x[o.rs1]! >>> 0;
  const b = c.x[o.rs2]! >>> 0;
  writeWord(c.x, o.rd, b === 0 ? -1 : Math.trunc(a / b) | 0);
}

export function remw(c: Cpu, o: Op): void {
  const a = c.x[o.rs1]!;
  const b = c.x[o.rs2]!;
  writeWord(c.x, o.rd, b === 0 ? a : (a % b) | 0);
}

export function remuw(c: Cpu, o: Op): void {
  const a = c.x[o.rs1]! >>> 0;
  const b = c.x[o.rs2]! >>> 0;
  writeWord(c.x, o.rd, b === 0 ? a | 0 : (a % b) | 0);
}

export const M: readonly InsnDef[] = [
  { name: 'mul', format: 'R', exec: mul },
  { name: 'mulh', format: 'R', exec: mulh },
  { name: 'mulhsu', format: 'R', exec: mulhsu },
  { name: 'mulhu', format: 'R', exec: mulhu },
  { name: 'div', format: 'R', exec: div },
  { name: 'divu', format: 'R', exec: divu },
  { name: 'rem', format: 'R', exec: rem },
  { name: 'remu', format: 'R', exec: remu },
  { name: 'mulw', format: 'R', exec: mulw },
  { name: 'divw', format: 'R', exec: divw },
  { name: 'divuw', format: 'R', exec: divuw },
  { name: 'remw', format: 'R', exec: remw },
  { name: 'remuw', format: 'R', exec: remuw },
];
