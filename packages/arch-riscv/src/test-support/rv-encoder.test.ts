// The encoder against the GNU assembler: fixtures/gas-encodings.bin is what
// riscv64-linux-gnu-as made of fixtures/gas-encodings.s, which everyForm()
// printed. Regenerate both with `node --import tsx scripts/gas-encodings.ts`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { everyForm, formsAssembly } from './rv-encoder-forms.test-util.js';
import * as E from './rv-encoder.test-util.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('rv-encoder', () => {
  it('encodes every form as the GNU assembler does', () => {
    const insns = everyForm();
    expect(new TextDecoder().decode(fixture('gas-encodings.s'))).toBe(formsAssembly(insns));
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
