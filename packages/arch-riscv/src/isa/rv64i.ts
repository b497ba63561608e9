// RV64I, the base integer instruction set (unprivileged spec, chapters "RV32I"
// and "RV64I"). One function per instruction, holding only its semantics:
// decoding, pc advance and counting live in the dispatcher. 64-bit values are
// int32 halves; `x[r]` is the low half and `x[r + 1]` the high half of a slot.
// Every function reads all its sources before it writes rd (rd may alias them).
import { type Cpu, ea, pcOf, STOP_ECALL } from '../cpu.js';
import type { InsnDef, Op } from '../op.js';
import { CAUSE_BREAKPOINT } from '../trap.js';

// ---- upper immediates and jumps ----

export function lui(c: Cpu, o: Op): void {
  c.x[o.rd] = o.imm;
  c.x[o.rd + 1] = o.immHi;
}

export function auipc(c: Cpu, o: Op): void {
  c.x[o.rd] = o.pcImmLo;
  c.x[o.rd + 1] = o.pcImmHi;
}

export function jal(c: Cpu, o: Op): void {
  c.x[o.rd] = o.linkLo;
  c.x[o.rd + 1] = o.linkHi;
  c.pc = o.target;
}

export function jalr(c: Cpu, o: Op): void {
  const lo = ea(c, o.rs1, o.imm, o.immHi) & ~1;
  c.pc = pcOf(lo, c.eaHi);
  c.x[o.rd] = o.linkLo;
  c.x[o.rd + 1] = o.linkHi;
}

// ---- conditional branches ----

export function beq(c: Cpu, o: Op): void {
  const x = c.x;
  c.pc = x[o.rs1] === x[o.rs2] && x[o.rs1 + 1] === x[o.rs2 + 1] ? o.target : o.next;
}

export function bne(c: Cpu, o: Op): void {
  const x = c.x;
  c.pc = x[o.rs1] !== x[o.rs2] || x[o.rs1 + 1] !== x[o.rs2 + 1] ? o.target : o.next;
}

export function blt(c: Cpu, o: Op): void {
  c.pc = lessSigned(c.x, o.rs1, o.rs2) ? o.target : o.next;
}

export function bge(c: Cpu, o: Op): void {
  c.pc = lessSigned(c.x, o.rs1, o.rs2) ? o.next : o.target;
}

export function bltu(c: Cpu, o: Op): void {
  c.pc = lessUnsigned(c.x, o.rs1, o.rs2) ? o.target : o.next;
}

export function bgeu(c: Cpu, o: Op): void {
  c.pc = lessUnsigned(c.x, o.rs1, o.rs2) ? o.next : o.target;
}

function lessSigned(x: Int32Array, a: number, b: number): boolean {
  const ah = x[a + 1]!;
  const bh = x[b + 1]!;
  return ah < bh || (ah === bh && x[a]! >>> 0 < x[b]! >>> 0);
}

function lessUnsigned(x: Int32Array, a: number, b: number): boolean {
  const ah = x[a + 1]! >>> 0;
  const bh = x[b + 1]! >>> 0;
  return ah < bh || (ah === bh && x[a]! >>> 0 < x[b]! >>> 0);
}

// ---- loads (misaligned ones work, as Linux user space sees them) ----

export function lb(c: Cpu, o: Op): void {
  const v = (c.mmu.loadU8(ea(c, o.rs1, o.imm, o.immHi), c.eaHi) << 24) >> 24;
  c.x[o.rd] = v;
  c.x[o.rd + 1] = v >> 31;
}

export function lh(c: Cpu, o: Op): void {
  const v = (c.mmu.loadU16(ea(c, o.rs1, o.imm, o.immHi), c.eaHi) << 16) >> 16;
  c.x[o.rd] = v;
  c.x[o.rd + 1] = v >> 31;
}

export function lw(c: Cpu, o: Op): void {
  const v = c.mmu.loadI32(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.x[o.rd] = v;
  c.x[o.rd + 1] = v >> 31;
}

export function ld(c: Cpu, o: Op): void {
  const lo = c.mmu.load64(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.x[o.rd] = lo;
  c.x[o.rd + 1] = c.mmu.hi;
}

export function lbu(c: Cpu, o: Op): void {
  c.x[o.rd] = c.mmu.loadU8(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.x[o.rd + 1] = 0;
}

export function lhu(c: Cpu, o: Op): void {
  c.x[o.rd] = c.mmu.loadU16(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.x[o.rd + 1] = 0;
}

export function lwu(c: Cpu, o: Op): void {
  c.x[o.rd] = c.mmu.loadI32(ea(c, o.rs1, o.imm, o.immHi), c.eaHi);
  c.x[o.rd + 1] = 0;
}

// ---- stores ----

export function sb(c: Cpu, o: Op): void {
  c.mmu.store8(ea(c, o.rs1, o.imm, o.immHi), c.eaHi, c.x[o.rs2]!);
}

export function sh(c: Cpu, o: Op): void {
  c.mmu.store16(ea(c, o.rs1, o.imm, o.immHi), c.eaHi, c.x[o.rs2]!);
}

export function sw(c: Cpu, o: Op): void {
  c.mmu.store32(ea(c, o.rs1, o.imm, o.immHi), c.eaHi, c.x[o.rs2]!);
}

export function sd(c: Cpu, o: Op): void {
  c.mmu.store64(ea(c, o.rs1, o.imm, o.immHi), c.eaHi, c.x[o.rs2]!, c.x[o.rs2 + 1]!);
}

// ---- register-immediate ----

export function addi(c: Cpu, o: Op): void {
  const x = c.x;
  const a = x[o.rs1]!;
  const lo = (a + o.imm) | 0;
  x[o.rd + 1] = (x[o.rs1 + 1]! + o.immHi + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
  x[o.rd] = lo;
}

export function slti(c: Cpu, o: Op): void {
  const x = c.x;
  const ah = x[o.rs1 + 1]!;
  x[o.rd] = ah < o.immHi || (ah === o.immHi && x[o.rs1]! >>> 0 < o.imm >>> 0) ? 1 : 0;
  x[o.rd + 1] = 0;
}

export function sltiu(c: Cpu, o: Op): void {
  const x = c.x;
  const ah = x[o.rs1 + 1]! >>> 0;
  const bh = o.immHi >>> 0;
  x[o.rd] = ah < bh || (ah === bh && x[o.rs1]! >>> 0 < o.imm >>> 0) ? 1 : 0;
  x[o.rd + 1] = 0;
}

export function xori(c: Cpu, o: Op): void {
  const x = c.x;
  x[o.rd + 1] = x[o.rs1 + 1]! ^ o.immHi;
  x[o.rd] = x[o.rs1]! ^ o.imm;
}

export function ori(c: Cpu, o: Op): void {
  const x = c.x;
  x[o.rd + 1] = x[o.rs1 + 1]! | o.immHi;
  x[o.rd] = x[o.rs1]! | o.imm;
}

export function andi(c: Cpu, o: Op): void {
  const x = c.x;
  x[o.rd + 1] = x[o.rs1 + 1]! & o.immHi;
  x[o.rd] = x[o.rs1]! & o.imm;
}

export function slli(c: Cpu, o: Op): void {
  shiftLeft(c.x, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, o.imm);
}

export function srli(c: Cpu, o: Op): void {
  shiftRightLogical(c.x, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, o.imm);
}

export function srai(c: Cpu, o: Op): void {
  shiftRightArithmetic(c.x, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, o.imm);
}

// ---- register-register ----

export function add(c: Cpu, o: Op): void {
  const x = c.x;
  const a = x[o.rs1]!;
  const lo = (a + x[o.rs2]!) | 0;
  x[o.rd + 1] = (x[o.rs1 + 1]! + x[o.rs2 + 1]! + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
  x[o.rd] = lo;
}

export function sub(c: Cpu, o: Op): void {
  const x = c.x;
  const a = x[o.rs1]!;
  const b = x[o.rs2]!;
  x[o.rd + 1] = (x[o.rs1 + 1]! - x[o.rs2 + 1]! - (a >>> 0 < b >>> 0 ? 1 : 0)) | 0;
  x[o.rd] = (a - b) | 0;
}

export function sll(c: Cpu, o: Op): void {
  shiftLeft(c.x, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, c.x[o.rs2]! & 63);
}

export function slt(c: Cpu, o: Op): void {
  const less = lessSigned(c.x, o.rs1, o.rs2) ? 1 : 0;
  c.x[o.rd] = less;
  c.x[o.rd + 1] = 0;
}

export function sltu(c: Cpu, o: Op): void {
  const less = lessUnsigned(c.x, o.rs1, o.rs2) ? 1 : 0;
  c.x[o.rd] = less;
  c.x[o.rd + 1] = 0;
}

export function xor(c: Cpu, o: Op): void {
  const x = c.x;
  x[o.rd + 1] = x[o.rs1 + 1]! ^ x[o.rs2 + 1]!;
  x[o.rd] = x[o.rs1]! ^ x[o.rs2]!;
}

export function srl(c: Cpu, o: Op): void {
  shiftRightLogical(c.x, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, c.x[o.rs2]! & 63);
}

export function sra(c: Cpu, o: Op): void {
  shiftRightArithmetic(c.x, o.rd, c.x[o.rs1]!, c.x[o.rs1 + 1]!, c.x[o.rs2]! & 63);
}

export function or(c: Cpu, o: Op): void {
  const x = c.x;
  x[o.rd + 1] = x[o.rs1 + 1]! | x[o.rs2 + 1]!;
  x[o.rd] = x[o.rs1]! | x[o.rs2]!;
}

export function and(c: Cpu, o: Op): void {
  const x = c.x;
  x[o.rd + 1] = x[o.rs1 + 1]! & x[o.rs2 + 1]!;
  x[o.rd] = x[o.rs1]! & x[o.rs2]!;
}

// 64-bit shifts of (lo, hi) by s in 0..63 into slot rd.
function shiftLeft(x: Int32Array, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) {
    x[rd] = lo;
    x[rd + 1] = hi;
  } else if (s < 32) {
    x[rd + 1] = (hi << s) | (lo >>> (32 - s));
    x[rd] = lo << s;
  } else {
    x[rd + 1] = lo << (s - 32);
    x[rd] = 0;
  }
}

function shiftRightLogical(x: Int32Array, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) {
    x[rd] = lo;
    x[rd + 1] = hi;
  } else if (s < 32) {
    x[rd] = (lo >>> s) | (hi << (32 - s));
    x[rd + 1] = hi >>> s;
  } else {
    x[rd] = hi >>> (s - 32);
    x[rd + 1] = 0;
  }
}

function shiftRightArithmetic(x: Int32Array, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) {
    x[rd] = lo;
    x[rd + 1] = hi;
  } else if (s < 32) {
    x[rd] = (lo >>> s) | (hi << (32 - s));
    x[rd + 1] = hi >> s;
  } else {
    x[rd] = hi >> (s - 32);
    x[rd + 1] = hi >> 31;
  }
}

// ---- 32-bit (W) operations: compute on the low word, sign-extend the result ----

function writeWord(x: Int32Array, rd: number, value: number): void {
  x[rd] = value;
  x[rd + 1] = value >> 31;
}

export function addiw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, (c.x[o.rs1]! + o.imm) | 0);
}

export function slliw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, c.x[o.rs1]! << o.imm);
}

export function srliw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, (c.x[o.rs1]! >>> o.imm) | 0);
}

export function sraiw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, c.x[o.rs1]! >> o.imm);
}

export function addw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, (c.x[o.rs1]! + c.x[o.rs2]!) | 0);
}

export function subw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, (c.x[o.rs1]! - c.x[o.rs2]!) | 0);
}

export function sllw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, c.x[o.rs1]! << (c.x[o.rs2]! & 31));
}

export function srlw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, (c.x[o.rs1]! >>> (c.x[o.rs2]! & 31)) | 0);
}

export function sraw(c: Cpu, o: Op): void {
  writeWord(c.x, o.rd, c.x[o.rs1]! >> (c.x[o.rs2]! & 31));
}

// ---- memory ordering and environment ----

/** fence: one hart on a sequentially consistent memory; nothing to order. */
export function fence(_c: Cpu, _o: Op): void {}

/** ecall retires and stops the hart; the kernel handles the system call. */
export function ecall(c: Cpu, _o: Op): void {
  c.stop = STOP_ECALL;
}

/** ebreak does not retire: Linux delivers SIGTRAP with pc at the ebreak. */
export function ebreak(c: Cpu, o: Op): void {
  throw c.trap.instruction(CAUSE_BREAKPOINT, o.bits);
}

export const RV64I: readonly InsnDef[] = [
  { name: 'lui', format: 'U', exec: lui },
  { name: 'auipc', format: 'U', exec: auipc },
  { name: 'jal', format: 'J', exec: jal, endsBlock: true },
  { name: 'jalr', format: 'I', exec: jalr, endsBlock: true },
  { name: 'beq', format: 'B', exec: beq, endsBlock: true },
  { name: 'bne', format: 'B', exec: bne, endsBlock: true },
  { name: 'blt', format: 'B', exec: blt, endsBlock: true },
  { name: 'bge', format: 'B', exec: bge, endsBlock: true },
  { name: 'bltu', format: 'B', exec: bltu, endsBlock: true },
  { name: 'bgeu', format: 'B', exec: bgeu, endsBlock: true },
  { name: 'lb', format: 'I', exec: lb },
  { name: 'lh', format: 'I', exec: lh },
  { name: 'lw', format: 'I', exec: lw },
  { name: 'ld', format: 'I', exec: ld },
  { name: 'lbu', format: 'I', exec: lbu },
  { name: 'lhu', format: 'I', exec: lhu },
  { name: 'lwu', format: 'I', exec: lwu },
  { name: 'sb', format: 'S', exec: sb },
  { name: 'sh', format: 'S', exec: sh },
  { name: 'sw', format: 'S', exec: sw },
  { name: 'sd', format: 'S', exec: sd },
  { name: 'addi', format: 'I', exec: addi },
  { name: 'slti', format: 'I', exec: slti },
  { name: 'sltiu', format: 'I', exec: sltiu },
  { name: 'xori', format: 'I', exec: xori },
  { name: 'ori', format: 'I', exec: ori },
  { name: 'andi', format: 'I', exec: andi },
  { name: 'slli', format: 'shamt', exec: slli },
  { name: 'srli', format: 'shamt', exec: srli },
  { name: 'srai', format: 'shamt', exec: srai },
  { name: 'add', format: 'R', exec: add },
  { name: 'sub', format: 'R', exec: sub },
  { name: 'sll', format: 'R', exec: sll },
  { name: 'slt', format: 'R', exec: slt },
  { name: 'sltu', format: 'R', exec: sltu },
  { name: 'xor', format: 'R', exec: xor },
  { name: 'srl', format: 'R', exec: srl },
  { name: 'sra', format: 'R', exec: sra },
  { name: 'or', format: 'R', exec: or },
  { name: 'and', format: 'R', exec: and },
  { name: 'addiw', format: 'I', exec: addiw },
  { name: 'slliw', format: 'shamt', exec: slliw },
  { name: 'srliw', format: 'shamt', exec: srliw },
  { name: 'sraiw', format: 'shamt', exec: sraiw },
  { name: 'addw', format: 'R', exec: addw },
  { name: 'subw', format: 'R', exec: subw },
  { name: 'sllw', format: 'R', exec: sllw },
  { name: 'srlw', format: 'R', exec: srlw },
  { name: 'sraw', format: 'R', exec: sraw },
  { name: 'fence', format: 'none', exec: fence },
  { name: 'ecall', format: 'none', exec: ecall, endsBlock: true },
  { name: 'ebreak', format: 'none', exec: ebreak, endsBlock: true },
];
