// Test-only: encodes instructions from their spec names through the same
// generated encoding table the decoder uses, and runs small programs on a
// fresh hart. Operands are register numbers and plain immediates.
import { Hart } from '../hart.js';
import { ENCODINGS, type InsnName } from '../encoding.js';
import { PagedMemory } from '../paged-memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory.js';

export interface Operands {
  rd?: number;
  rs1?: number;
  rs2?: number;
  rs3?: number;
  imm?: number;
  csr?: number;
  rm?: number;
}

const I_TYPE = new Set<string>([
  'jalr',
  'lb',
  'lh',
  'lw',
  'ld',
  'lbu',
  'lhu',
  'lwu',
  'flw',
  'fld',
  'addi',
  'slti',
  'sltiu',
  'xori',
  'ori',
  'andi',
  'addiw',
]);
const S_TYPE = new Set<string>(['sb', 'sh', 'sw', 'sd', 'fsw', 'fsd']);
const B_TYPE = new Set<string>(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);
const SHAMT = new Set<string>(['slli', 'srli', 'srai', 'slliw', 'srliw', 'sraiw']);

/** The 32-bit encoding of one instruction. */
export function enc(name: InsnName, o: Operands = {}): number {
  const { match } = ENCODINGS[name];
  const rd = o.rd ?? 0;
  const rs1 = o.rs1 ?? 0;
  const rs2 = o.rs2 ?? 0;
  const imm = o.imm ?? 0;
  let bits = match | (rd << 7) | (rs1 << 15) | (rs2 << 20);
  if (name === 'lui' || name === 'auipc') {
    bits = match | (rd << 7) | (imm << 12);
  } else if (name === 'jal') {
    bits =
      match |
      (rd << 7) |
      (((imm >> 12) & 0xff) << 12) |
      (((imm >> 11) & 1) << 20) |
      (((imm >> 1) & 0x3ff) << 21) |
      (((imm >> 20) & 1) << 31);
  } else if (I_TYPE.has(name)) {
    bits = match | (rd << 7) | (rs1 << 15) | ((imm & 0xfff) << 20);
  } else if (S_TYPE.has(name)) {
    bits = match | ((imm & 0x1f) << 7) | (rs1 << 15) | (rs2 << 20) | (((imm >> 5) & 0x7f) << 25);
  } else if (B_TYPE.has(name)) {
    bits =
      match |
      (((imm >> 11) & 1) << 7) |
      (((imm >> 1) & 0xf) << 8) |
      (rs1 << 15) |
      (rs2 << 20) |
      (((imm >> 5) & 0x3f) << 25) |
      (((imm >> 12) & 1) << 31);
  } else if (SHAMT.has(name)) {
    bits = match | (rd << 7) | (rs1 << 15) | ((imm & 63) << 20);
  } else if (name.startsWith('csr')) {
    bits = match | (rd << 7) | (rs1 << 15) | ((o.csr ?? 0) << 20);
  }
  if (o.rs3 !== undefined) bits |= o.rs3 << 27;
  if (o.rm !== undefined) bits |= o.rm << 12;
  return bits >>> 0;
}

export const CODE_BASE = 0x10000;
export const DATA_BASE = 0x20000;
export const DATA_BYTES = 0x2000;

/** Code as 32-bit words and/or 16-bit parcels (a number below 0x10000 whose low bits are not 11 is a parcel). */
export type Code = readonly (number | { half: number })[];

export function codeBytes(code: Code): Uint8Array {
  const out: number[] = [];
  for (const item of code) {
    if (typeof item === 'number') {
      out.push(item & 0xff, (item >>> 8) & 0xff, (item >>> 16) & 0xff, (item >>> 24) & 0xff);
    } else {
      out.push(item.half & 0xff, (item.half >>> 8) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** A hart with `code` at CODE_BASE (r-x), a zeroed data area at DATA_BASE (rw-), pc at CODE_BASE. */
export function makeHart(code: Code): { hart: Hart; memory: PagedMemory } {
  const memory = new PagedMemory();
  const bytes = codeBytes(code);
  memory.map(CODE_BASE, Math.max(bytes.length, 1), PROT_READ | PROT_EXEC);
  memory.write(CODE_BASE, bytes);
  memory.map(DATA_BASE, DATA_BYTES, PROT_READ | PROT_WRITE);
  const hart = new Hart(memory, { hotRuns: 16 });
  hart.pc = BigInt(CODE_BASE);
  return { hart, memory };
}

/** Runs `code` followed by an ecall; returns the hart stopped at the ecall. */
export function runToEcall(code: Code, setup?: (hart: Hart) => void): Hart {
  const { hart } = makeHart([...code, enc('ecall')]);
  setup?.(hart);
  const stop = hart.run(10_000);
  if (stop.kind !== 'ecall')
    throw new Error(
      `expected an ecall stop, got ${JSON.stringify(stop, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  return hart;
}

/** Signed view of a uint64 register value. */
export const signed = (v: bigint): bigint => BigInt.asIntN(64, v);
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
