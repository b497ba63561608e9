// C extension tests. Each compressed form, encoded by the test tooling's
// encoder (itself checked against the GNU assembler), must execute exactly as
// the 32-bit instruction the spec says it expands to: both run from the same
// seeded random register state and the final states and memory must agree.
// Control transfers (whose link is pc+2) and reserved encodings are checked
// one by one.
import { describe, expect, it } from 'vitest';
import * as rv from '../test-support/rv-encoder.test-util.js';
import { ENCODINGS } from '../encoding.js';
import { Hart } from '../hart.js';
import { PagedMemory } from '../paged-memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory.js';
import { expandCompressed } from './c.js';
import { CODE_BASE, DATA_BASE, enc } from './encode.test-util.js';

const DATA_BYTES = 0x1000;

function machine(code: Uint8Array): { hart: Hart; memory: PagedMemory } {
  const memory = new PagedMemory();
  memory.map(CODE_BASE, 4096, PROT_READ | PROT_EXEC);
  memory.write(CODE_BASE, code);
  memory.map(DATA_BASE, DATA_BYTES, PROT_READ | PROT_WRITE);
  const pattern = new Uint8Array(DATA_BYTES).map((_, i) => (i * 37 + 11) & 0xff);
  memory.write(DATA_BASE, pattern);
  const hart = new Hart(memory, { hotRuns: 16 });
  hart.pc = BigInt(CODE_BASE);
  return { hart, memory };
}

// Registers start random, except the bases of memory accesses (sp, x8..x15),
// which point into the middle of the data area.
function randomState(seed: number): bigint[] {
  let s = BigInt(seed) | 1n;
  const next = (): bigint => {
    s = BigInt.asUintN(64, s * 6364136223846793005n + 1442695040888963407n);
    return s;
  };
  const x = Array.from({ length: 32 }, () => next());
  x[0] = 0n;
  x[2] = BigInt(DATA_BASE + 0x400);
  for (let r = 8; r <= 15; r++) x[r] = BigInt(DATA_BASE + 0x100 + r * 16);
  return x;
}

function runOne(insn: rv.Insn, seed: number): { x: bigint[]; f: bigint[]; data: Uint8Array } {
  const { hart, memory } = machine(rv.emit([insn, rv.ecall()]));
  randomState(seed).forEach((v, r) => {
    hart.writeX(r, v);
  });
  for (let r = 0; r < 32; r++) hart.writeF(r, BigInt(r) * 0x0101010101010101n);
  const stop = hart.run(5);
  expect(stop.kind).toBe('ecall');
  const state = hart.getState();
  return { x: [...state.x], f: [...state.f], data: memory.read(DATA_BASE, DATA_BYTES) };
}

const word = (bits: number): rv.Insn => ({ bits, size: 4, text: bits.toString(16) });
const I = (name: keyof typeof ENCODINGS, rd: number, rs1: number, imm: number): rv.Insn =>
  word(enc(name, { rd, rs1, imm }));
const R = (name: keyof typeof ENCODINGS, rd: number, rs1: number, rs2: number): rv.Insn =>
  word(enc(name, { rd, rs1, rs2 }));
const S = (name: keyof typeof ENCODINGS, rs1: number, rs2: number, imm: number): rv.Insn =>
  word(enc(name, { rs1, rs2, imm }));

// [compressed, its 32-bit expansion] for every non-control form, several operand choices each.
const EQUIVALENTS: [rv.Insn, rv.Insn][] = [
  [rv.cAddi4spn(9, 4), I('addi', 9, 2, 4)],
  [rv.cAddi4spn(15, 1020), I('addi', 15, 2, 1020)],
  [rv.cMem('c.lw', 8, 9, 0), I('lw', 8, 9, 0)],
  [rv.cMem('c.lw', 15, 14, 124), I('lw', 15, 14, 124)],
  [rv.cMem('c.ld', 10, 11, 248), I('ld', 10, 11, 248)],
  [rv.cMem('c.sw', 12, 13, 64), S('sw', 13, 12, 64)],
  [rv.cMem('c.sd', 14, 8, 200), S('sd', 8, 14, 200)],
  [rv.cAddi(5, -32), I('addi', 5, 5, -32)],
  [rv.cAddi(31, 31), I('addi', 31, 31, 31)],
  [rv.cNop(), I('addi', 0, 0, 0)],
  [rv.cAddiw(6, -1), I('addiw', 6, 6, -1)],
  [rv.cAddiw(7, 0), I('addiw', 7, 7, 0)],
  [rv.cLi(9, -32), I('addi', 9, 0, -32)],
  [rv.cLi(20, 17), I('addi', 20, 0, 17)],
  [rv.cLui(3, 1), word(enc('lui', { rd: 3, imm: 1 }))],
  [rv.cLui(4, -32), word(enc('lui', { rd: 4, imm: 0xfffe0 }))],
  [rv.cAddi16sp(-512), I('addi', 2, 2, -512)],
  [rv.cAddi16sp(496), I('addi', 2, 2, 496)],
  [rv.cShiftOrAndi('c.srli', 8, 1), I('srli', 8, 8, 1)],
  [rv.cShiftOrAndi('c.srli', 9, 63), I('srli', 9, 9, 63)],
  [rv.cShiftOrAndi('c.srai', 10, 33), I('srai', 10, 10, 33)],
  [rv.cShiftOrAndi('c.andi', 11, -7), I('andi', 11, 11, -7)],
  [rv.cSlli(12, 45), I('slli', 12, 12, 45)],
  [rv.cSlli(1, 1), I('slli', 1, 1, 1)],
  [rv.cArith('c.sub', 8, 9), R('sub', 8, 8, 9)],
  [rv.cArith('c.xor', 10, 11), R('xor', 10, 10, 11)],
  [rv.cArith('c.or', 12, 13), R('or', 12, 12, 13)],
  [rv.cArith('c.and', 14, 15), R('and', 14, 14, 15)],
  [rv.cArith('c.subw', 15, 8), R('subw', 15, 15, 8)],
  [rv.cArith('c.addw', 9, 9), R('addw', 9, 9, 9)],
  [rv.cMv(5, 6), R('add', 5, 0, 6)],
  [rv.cAdd(7, 8), R('add', 7, 7, 8)],
  [rv.cSpMem('c.lwsp', 3, 252), I('lw', 3, 2, 252)],
  [rv.cSpMem('c.ldsp', 4, 504), I('ld', 4, 2, 504)],
  [rv.cSpMem('c.swsp', 5, 128), S('sw', 2, 5, 128)],
  [rv.cSpMem('c.sdsp', 6, 8), S('sd', 2, 6, 8)],
];

// The FP forms have no encoder in the tooling: their bits are written out here from the spec's CL/CS/CI/CSS layouts.
// c.fld f9, 8(x10): funct3 001, uimm[5:3]=001 in 12..10, rs1'=2, uimm[7:6]=00, rd'=1
const C_FLD = 0x2000 | (1 << 10) | (2 << 7) | (1 << 2);
// c.fsd f9, 16(x10): funct3 101, uimm[5:3]=010
const C_FSD = 0xa000 | (2 << 10) | (2 << 7) | (1 << 2);
// c.fldsp f3, 24(sp): funct3 001, uimm[5]=0, uimm[4:3]=11 in 6..5, uimm[8:6]=000, rd=3, op 10
const C_FLDSP = 0x2000 | (3 << 7) | (3 << 5) | 2;
// c.fsdsp f4, 72(sp): funct3 101, uimm[5:3]=001 in 12..10, uimm[8:6]=001 in 9..7, rs2=4
const C_FSDSP = 0xa000 | (1 << 10) | (1 << 7) | (4 << 2) | 2;
const half = (bits: number): rv.Insn => ({ bits, size: 2, text: bits.toString(16) });
EQUIVALENTS.push(
  [half(C_FLD), I('fld', 9, 10, 8)],
  [half(C_FSD), S('fsd', 10, 9, 16)],
  [half(C_FLDSP), I('fld', 3, 2, 24)],
  [half(C_FSDSP), S('fsd', 2, 4, 72)],
);

describe('compressed instructions', () => {
  for (const [short, long] of EQUIVALENTS) {
    it(`${short.text} executes as ${long.text}`, () => {
      for (const seed of [1, 2, 3]) {
        expect(runOne(short, seed)).toEqual(runOne(long, seed));
      }
    });
  }

  it('c.j, c.beqz and c.bnez jump relative to their own pc', () => {
    const skip = rv.cLi(10, 1); // 2 bytes, skipped when the jump is taken
    for (const [jump, isTaken] of [
      [rv.cJ(4), true],
      [rv.cBranch('c.beqz', 8, 4), true],
      [rv.cBranch('c.bnez', 8, 4), false],
    ] as const) {
      const { hart } = machine(rv.emit([jump, skip, rv.ecall()]));
      hart.writeX(8, 0n);
      expect(hart.run(5).kind).toBe('ecall');
      expect(hart.readX(10)).toBe(isTaken ? 0n : 1n);
    }
  });

  it('c.jr and c.jalr jump to rs1; c.jalr links pc+2', () => {
    const target = BigInt(CODE_BASE + 6);
    const { hart } = machine(rv.emit([rv.cJalr(5), rv.cLi(10, 1), rv.cLi(10, 2), rv.ecall()]));
    hart.writeX(5, target);
    expect(hart.run(5).kind).toBe('ecall');
    expect(hart.readX(10)).toBe(0n);
    expect(hart.readX(1)).toBe(BigInt(CODE_BASE + 2));
    const { hart: h2 } = machine(rv.emit([rv.cJr(6), rv.cLi(10, 1), rv.ecall()]));
    h2.writeX(6, BigInt(CODE_BASE + 4));
    expect(h2.run(5).kind).toBe('ecall');
    expect(h2.readX(10)).toBe(0n);
    expect(h2.readX(1)).toBe(0n);
  });

  it('c.ebreak stops with ebreak at its pc', () => {
    const { hart } = machine(rv.emit([rv.cNop(), { bits: 0x9002, size: 2, text: 'c.ebreak' }]));
    expect(hart.run(5)).toMatchObject({ kind: 'ebreak', pc: BigInt(CODE_BASE + 2), retired: 1 });
  });

  it('reserved encodings are illegal instructions that report their 16 bits', () => {
    const RESERVED = [
      0x0000, // all zeros (c.addi4spn with nzuimm = 0)
      0x8000, // quadrant 0 funct3 100
      0x2001, // c.addiw rd = x0
      0x6101, // c.addi16sp with imm 0
      0x6181, // c.lui x3, 0
      0x9c41, // c.subw-space 1_10 (reserved)
      0x4002, // c.lwsp rd = x0
      0x6002, // c.ldsp rd = x0
      0x8002, // c.jr x0
    ];
    for (const bits of RESERVED) {
      expect(expandCompressed(bits), bits.toString(16)).toBeUndefined();
      const { hart } = machine(rv.emit([{ bits, size: 2, text: 'reserved' }]));
      expect(hart.run(5), bits.toString(16)).toMatchObject({
        kind: 'illegal-instruction',
        bits,
        pc: BigInt(CODE_BASE),
        retired: 0,
      });
    }
  });

  it('HINT encodings (rd = x0) execute as no-ops', () => {
    const HINTS = [
      0x4005 /* c.li x0, 1 */, 0x6005 /* c.lui x0, 1 */, 0x0006 /* c.slli x0, 1 */,
      0x8016 /* c.mv x0, x5 */, 0x9016 /* c.add x0, x5 */,
    ];
    for (const bits of HINTS) {
      const { hart } = machine(rv.emit([{ bits, size: 2, text: 'hint' }, rv.ecall()]));
      const before = hart.getState();
      expect(hart.run(5).kind, bits.toString(16)).toBe('ecall');
      expect(hart.getState().x).toEqual(before.x);
    }
  });

  it('a 32-bit instruction may follow a 16-bit one at a 2-byte-aligned address', () => {
    const { hart } = machine(rv.emit([rv.cLi(10, 5), rv.iOp('addi', 10, 10, 100), rv.ecall()]));
    expect(hart.run(5)).toMatchObject({ kind: 'ecall', retired: 3 });
    expect(hart.readX(10)).toBe(105n);
  });
});
