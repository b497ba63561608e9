// Decoding, once per instruction: instruction bits -> an `Op` whose fields
// are ready for the instruction's function. The instruction set is the union
// of the extension tables (Spike's unit of inclusion is the extension too);
// the encodings come from the generated `encoding.ts`. A compressed
// instruction is first expanded to the 32-bit instruction it stands for, so
// it decodes to the same operation.
import { expandCompressed } from './isa/c.js';
import { A } from './isa/a.js';
import { D } from './isa/d.js';
import { F } from './isa/f.js';
import { M } from './isa/m.js';
import { RV64I } from './isa/rv64i.js';
import { ZICSR } from './isa/zicsr.js';
import { ZIFENCEI } from './isa/zifencei.js';
import { ENCODINGS, type Encoding } from './encoding.js';
import * as field from './insn-fields.js';
import { Op, X0_SINK_SLOT, type InsnDef } from './op.js';
import { CAUSE_ILLEGAL_INSTRUCTION } from './trap.js';
import type { Cpu } from './cpu.js';

/** The extensions this hart implements, in decode priority order. */
export const EXTENSIONS: readonly (readonly InsnDef[])[] = [RV64I, ZIFENCEI, ZICSR, M, A, F, D];

interface Entry extends Encoding {
  readonly def: InsnDef;
}

// Candidates per major opcode (bits 6..0), matched in order.
const BY_OPCODE: Entry[][] = Array.from({ length: 128 }, () => []);
for (const extension of EXTENSIONS) {
  for (const def of extension) {
    const encoding = ENCODINGS[def.name];
    BY_OPCODE[encoding.match & 0x7f]!.push({ ...encoding, def });
  }
}

/** Illegal instructions decode to this: it traps with the instruction bits, retiring nothing. */
export function illegalInstruction(c: Cpu, o: Op): void {
  throw c.trap.instruction(CAUSE_ILLEGAL_INSTRUCTION, o.bits);
}

/**
 * Decodes one instruction at pc. `parcel` is the first 16 bits; `upper` the
 * next 16 (ignored for a compressed instruction).
 */
export function decodeInsn(pc: number, parcel: number, upper: number): Op {
  const isCompressed = (parcel & 3) !== 3;
  const lengthBytes = isCompressed ? 2 : 4;
  const fetched = isCompressed ? parcel : (parcel | (upper << 16)) >>> 0;
  const bits = isCompressed ? expandCompressed(parcel) : fetched;
  const def = bits === undefined ? undefined : lookup(bits);
  if (def === undefined || bits === undefined) {
    return new Op(illegalInstruction, 'illegal', pc, lengthBytes, fetched, true);
  }
  return fill(
    new Op(def.exec, def.name, pc, lengthBytes, fetched, def.endsBlock === true),
    def,
    bits,
  );
}

function lookup(bits: number): InsnDef | undefined {
  for (const entry of BY_OPCODE[bits & 0x7f]!) {
    if ((bits & entry.mask) >>> 0 === entry.match) return entry.def;
  }
  return undefined;
}

function fill(o: Op, def: InsnDef, bits: number): Op {
  const rdNumber = field.rd(bits);
  o.rd = rdNumber === 0 && def.rdIsFloat !== true ? X0_SINK_SLOT : rdNumber * 2;
  o.rs1 = field.rs1(bits) * 2;
  o.rs2 = field.rs2(bits) * 2;
  o.rs3 = field.rs3(bits) * 2;
  o.rm = field.rm(bits);
  o.next = wrapPc(o.pc + o.lengthBytes);
  setImmediate(o, def, bits);
  o.immHi = o.imm >> 31;
  o.target = wrapPc(o.pc + o.imm);
  // auipc: pc + imm from halves, since a negative sum wrapped to 2^64 - n as a double loses its low bits
  const sumLo = (o.pc % 2 ** 32) + o.imm;
  [o.pcImmLo, o.pcImmHi] = [
    sumLo | 0,
    (Math.floor(o.pc / 2 ** 32) + Math.floor(sumLo / 2 ** 32)) | 0,
  ];
  [o.linkLo, o.linkHi] = halves(o.next);
  return o;
}

function setImmediate(o: Op, def: InsnDef, bits: number): void {
  switch (def.format) {
    case 'I':
      o.imm = field.iImm(bits);
      return;
    case 'S':
      o.imm = field.sImm(bits);
      return;
    case 'B':
      o.imm = field.sbImm(bits);
      return;
    case 'U':
      o.imm = field.uImm(bits);
      return;
    case 'J':
      o.imm = field.ujImm(bits);
      return;
    case 'shamt':
      o.imm = field.shamt(bits);
      return;
    case 'csr':
    case 'csri':
      o.csr = field.csr(bits);
      o.zimm = field.zimm(bits);
      return;
    default:
      o.imm = 0;
  }
}

const TWO_64 = 2 ** 64;

/** pc arithmetic modulo 2^64 (exact for every pc below 2^53, where all code lives). */
export function wrapPc(pc: number): number {
  if (pc < 0) return pc + TWO_64;
  if (pc >= TWO_64) return pc - TWO_64;
  return pc;
}

function halves(value: number): [number, number] {
  return [(value >>> 0) | 0, Math.floor(value / 2 ** 32) | 0];
}
