// The encoder against the GNU assembler: fixtures/gas-encodings.bin is what
// riscv64-linux-gnu-as made of fixtures/gas-encodings.s, which this list
// printed (regenerate both together if the list changes).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as E from './rv-encoder.test-util.js';

function everyForm(): E.Insn[] {
  const out: E.Insn[] = [];
  const regs = [0, 1, 2, 5, 8, 9, 10, 15, 31];
  for (const n of Object.keys(E.R_OPS))
    for (const r of regs) out.push(E.rOp(n, r, (r + 3) % 32, (r + 7) % 32));
  for (const n of Object.keys(E.I_OPS))
    for (const imm of [-2048, -1, 0, 1, 2047, 0x555]) out.push(E.iOp(n, 5, 9, imm));
  for (const n of ['slli', 'srli', 'srai'])
    for (const s of [0, 1, 31, 32, 63]) out.push(E.shiftImm(n, 3, 4, s));
  for (const n of ['slliw', 'srliw', 'sraiw'])
    for (const s of [0, 1, 31]) out.push(E.shiftImm(n, 3, 4, s));
  for (const n of Object.keys(E.LOADS))
    for (const imm of [-2048, -7, 0, 13, 2047]) out.push(E.load(n, 6, 2, imm));
  for (const n of Object.keys(E.STORES))
    for (const imm of [-2048, -7, 0, 13, 2047]) out.push(E.store(n, 6, 2, imm));
  out.push(
    E.lui(5, 0xfffff),
    E.lui(7, 0x12345),
    E.auipc(9, 0x80000),
    E.jalr(1, 5, -3),
    E.fence(),
    E.fenceI(),
    E.ecall(),
  );
  for (const n of Object.keys(E.AMOS))
    for (const d of [false, true]) out.push(E.amo(n, d, 5, 6, 7, d, !d), E.amo(n, d, 0, 31, 8));
  out.push(
    E.lr(false, 5, 6),
    E.lr(true, 5, 6, true, true),
    E.sc(false, 5, 6, 7, false, true),
    E.sc(true, 1, 2, 3),
  );
  for (const imm of [-32, -1, 1, 31])
    out.push(E.cAddi(5, imm), E.cAddiw(5, imm), E.cLi(5, imm), E.cLui(5, imm));
  out.push(
    E.cNop(),
    E.cAddi16sp(-512),
    E.cAddi16sp(496),
    E.cAddi16sp(16),
    E.cAddi4spn(10, 4),
    E.cAddi4spn(15, 1020),
  );
  for (const imm of [1, 31, 32, 63])
    out.push(E.cShiftOrAndi('c.srli', 8, imm), E.cShiftOrAndi('c.srai', 15, imm), E.cSlli(5, imm));
  for (const imm of [-32, -1, 0, 31]) out.push(E.cShiftOrAndi('c.andi', 9, imm));
  for (const n of ['c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw'] as const)
    out.push(E.cArith(n, 8, 15), E.cArith(n, 13, 10));
  out.push(E.cMv(5, 31), E.cAdd(1, 2), E.cJr(1), E.cJalr(5));
  for (const off of [0, 4, 64, 124])
    out.push(E.cMem('c.lw', 10, 8, off), E.cMem('c.sw', 15, 9, off));
  for (const off of [0, 8, 128, 248])
    out.push(E.cMem('c.ld', 10, 8, off), E.cMem('c.sd', 15, 9, off));
  for (const off of [0, 4, 64, 252])
    out.push(E.cSpMem('c.lwsp', 10, off), E.cSpMem('c.swsp', 31, off));
  for (const off of [0, 8, 256, 504])
    out.push(E.cSpMem('c.ldsp', 1, off), E.cSpMem('c.sdsp', 0, off));
  return out;
}

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('rv-encoder', () => {
  it('encodes every form as the GNU assembler does', () => {
    const insns = everyForm();
    const source = fixture('gas-encodings.s');
    const lines = new TextDecoder()
      .decode(source)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('.'));
    expect(lines).toEqual(insns.map((i) => i.text.replace(/\bsp\b/g, 'x2')));
    expect(E.emit(insns)).toEqual(fixture('gas-encodings.bin'));
  });

  it('encodes branch and jump offsets as objdump decodes them', () => {
    const cases: [E.Insn, number][] = [
      [E.branch('beq', 1, 2, 8), 0x00208463],
      [E.branch('bgeu', 31, 0, -4096), 0x800ff063],
      [E.branch('blt', 5, 6, 4094), 0x7e62cfe3],
      [E.jal(1, -1048576), 0x800000ef],
      [E.jal(0, 1048574), 0x7ffff06f],
      [E.jal(5, 2), 0x002002ef],
      [E.cJ(-2048), 0xb001],
      [E.cJ(2046), 0xaffd],
      [E.cJ(6), 0xa019],
      [E.cBranch('c.beqz', 8, -256), 0xd001],
      [E.cBranch('c.bnez', 15, 254), 0xeffd],
      [E.cBranch('c.bnez', 10, 4), 0xe111],
    ];
    for (const [insn, bits] of cases) expect(insn.bits, insn.text).toBe(bits);
  });

  it('loads any 64-bit constant with li', () => {
    // checked by evaluating the emitted lui/addi(w)/slli sequence
    const values = [
      0n,
      -1n,
      2047n,
      -2048n,
      0x7fffffffn,
      -0x80000000n,
      0x80000000n,
      0xffffffffn,
      0x123456789abcdef0n,
      -0x8000000000000000n,
      0x7fffffffffffffffn,
      0x800n,
      0xfffff800n,
    ];
    for (const value of values) {
      let reg = 0n;
      for (const insn of E.li(5, value)) {
        const opcode = insn.bits & 0x7f;
        const imm12 = BigInt(insn.bits >> 20);
        if (opcode === 0x37)
          reg = BigInt.asIntN(64, BigInt.asIntN(32, BigInt(insn.bits >>> 12) << 12n));
        else if (opcode === 0x1b) reg = BigInt.asIntN(32, reg + imm12);
        else if (insn.text.startsWith('slli'))
          reg = BigInt.asIntN(64, reg << BigInt((insn.bits >>> 20) & 63));
        else if (insn.text.startsWith('addi x5, x0')) reg = imm12;
        else reg = BigInt.asIntN(64, reg + imm12);
      }
      expect(reg, value.toString(16)).toBe(BigInt.asIntN(64, value));
    }
  });

  it('refuses operands that do not fit', () => {
    expect(() => E.iOp('addi', 1, 2, 2048)).toThrow(/12-bit/);
    expect(() => E.branch('beq', 1, 2, 3)).toThrow(/odd/);
    expect(() => E.cMem('c.lw', 5, 8, 0)).toThrow(/compressed register/);
    expect(() => E.cLui(2, 1)).toThrow(/c.lui/);
    expect(() => E.rOp('add', 32, 0, 0)).toThrow(/register/);
  });
});
