// RV64I instruction tests: each runs a few instructions on a fresh hart and
// checks registers and memory against values worked out from the spec.
import { describe, expect, it } from 'vitest';
import {
  enc,
  runToEcall,
  signed,
  u64,
  DATA_BASE,
  makeHart,
  CODE_BASE,
} from './encode.test-util.js';

const setX = (pairs: [number, bigint][]) => (h: import('../hart.js').Hart) => {
  for (const [r, v] of pairs) h.writeX(r, v);
};

describe('RV64I arithmetic', () => {
  it('add carries across the 32-bit halves and wraps at 2^64', () => {
    const h = runToEcall(
      [enc('add', { rd: 3, rs1: 1, rs2: 2 }), enc('add', { rd: 4, rs1: 5, rs2: 5 })],
      setX([
        [1, 0xffffffffn],
        [2, 1n],
        [5, u64(-1n)],
      ]),
    );
    expect(h.readX(3)).toBe(0x100000000n);
    expect(signed(h.readX(4))).toBe(-2n);
  });

  it('sub borrows across the halves', () => {
    const h = runToEcall(
      [enc('sub', { rd: 3, rs1: 1, rs2: 2 })],
      setX([
        [1, 0x100000000n],
        [2, 1n],
      ]),
    );
    expect(h.readX(3)).toBe(0xffffffffn);
  });

  it('addi sign-extends its 12-bit immediate; writes to x0 are discarded', () => {
    const h = runToEcall([
      enc('addi', { rd: 1, rs1: 0, imm: -1 }),
      enc('addi', { rd: 0, rs1: 0, imm: 5 }),
      enc('addi', { rd: 2, rs1: 1, imm: 2047 }),
    ]);
    expect(h.readX(1)).toBe(u64(-1n));
    expect(h.readX(0)).toBe(0n);
    expect(h.readX(2)).toBe(2046n);
  });

  it('lui and auipc build 32-bit sign-extended upper immediates', () => {
    const h = runToEcall([enc('lui', { rd: 1, imm: 0x80000 }), enc('auipc', { rd: 2, imm: 1 })]);
    expect(h.readX(1)).toBe(u64(-0x80000000n));
    expect(h.readX(2)).toBe(BigInt(CODE_BASE + 4 + 0x1000));
  });

  it('slt/sltu/slti/sltiu compare signed and unsigned', () => {
    const h = runToEcall(
      [
        enc('slt', { rd: 3, rs1: 1, rs2: 2 }),
        enc('sltu', { rd: 4, rs1: 1, rs2: 2 }),
        enc('slti', { rd: 5, rs1: 1, imm: 0 }),
        enc('sltiu', { rd: 6, rs1: 2, imm: -1 }),
      ],
      setX([
        [1, u64(-5n)],
        [2, 3n],
      ]),
    );
    expect([h.readX(3), h.readX(4), h.readX(5), h.readX(6)]).toEqual([1n, 0n, 1n, 1n]);
  });

  it('shifts use 6 bits of the amount; W shifts use 5 and sign-extend', () => {
    const h = runToEcall(
      [
        enc('sll', { rd: 3, rs1: 1, rs2: 2 }),
        enc('srl', { rd: 4, rs1: 5, rs2: 2 }),
        enc('sra', { rd: 6, rs1: 5, rs2: 2 }),
        enc('slli', { rd: 7, rs1: 1, imm: 63 }),
        enc('srai', { rd: 8, rs1: 5, imm: 32 }),
        enc('srli', { rd: 9, rs1: 5, imm: 0 }),
        enc('sllw', { rd: 10, rs1: 1, rs2: 11 }),
        enc('srlw', { rd: 12, rs1: 5, rs2: 11 }),
        enc('sraiw', { rd: 13, rs1: 5, imm: 31 }),
        enc('slliw', { rd: 14, rs1: 1, imm: 31 }),
      ],
      setX([
        [1, 1n],
        [2, 64n + 36n],
        [5, 0x8000000080000000n],
        [11, 33n],
      ]),
    );
    expect(h.readX(3)).toBe(1n << 36n);
    expect(h.readX(4)).toBe(0x8000000080000000n >> 36n);
    expect(h.readX(6)).toBe(u64(signed(0x8000000080000000n) >> 36n));
    expect(h.readX(7)).toBe(1n << 63n);
    expect(h.readX(8)).toBe(u64(-0x80000000n));
    expect(h.readX(9)).toBe(0x8000000080000000n);
    expect(h.readX(10)).toBe(2n);
    expect(h.readX(12)).toBe(0x40000000n);
    expect(h.readX(13)).toBe(u64(-1n));
    expect(h.readX(14)).toBe(u64(-0x80000000n));
  });

  it('W arithmetic works on the low word and sign-extends the result', () => {
    const h = runToEcall(
      [
        enc('addw', { rd: 3, rs1: 1, rs2: 2 }),
        enc('subw', { rd: 4, rs1: 0, rs2: 2 }),
        enc('addiw', { rd: 5, rs1: 1, imm: 1 }),
      ],
      setX([
        [1, 0x17fffffffn],
        [2, 1n],
      ]),
    );
    expect(h.readX(3)).toBe(u64(-0x80000000n));
    expect(h.readX(4)).toBe(u64(-1n));
    expect(h.readX(5)).toBe(u64(-0x80000000n));
  });

  it('logic ops apply to both halves', () => {
    const h = runToEcall(
      [
        enc('xor', { rd: 3, rs1: 1, rs2: 2 }),
        enc('or', { rd: 4, rs1: 1, rs2: 2 }),
        enc('and', { rd: 5, rs1: 1, rs2: 2 }),
        enc('xori', { rd: 6, rs1: 1, imm: -1 }),
        enc('andi', { rd: 7, rs1: 1, imm: -16 }),
        enc('ori', { rd: 8, rs1: 0, imm: -2048 }),
      ],
      setX([
        [1, 0xff00ff00_12345678n],
        [2, 0x0ff00ff0_0f0f0f0fn],
      ]),
    );
    expect(h.readX(3)).toBe(0xff00ff00_12345678n ^ 0x0ff00ff0_0f0f0f0fn);
    expect(h.readX(4)).toBe(0xff00ff00_12345678n | 0x0ff00ff0_0f0f0f0fn);
    expect(h.readX(5)).toBe(0xff00ff00_12345678n & 0x0ff00ff0_0f0f0f0fn);
    expect(h.readX(6)).toBe(u64(~0xff00ff00_12345678n));
    expect(h.readX(7)).toBe(0xff00ff00_12345670n);
    expect(h.readX(8)).toBe(u64(-2048n));
  });
});

describe('RV64I control transfer', () => {
  it('a counted loop retires exactly the instructions it executes', () => {
    // x1 = 10; loop: x2 += x1; x1 -= 1; bne x1, x0, loop
    const { hart } = makeHart([
      enc('addi', { rd: 1, imm: 10 }),
      enc('add', { rd: 2, rs1: 2, rs2: 1 }),
      enc('addi', { rd: 1, rs1: 1, imm: -1 }),
      enc('bne', { rs1: 1, rs2: 0, imm: -8 }),
      enc('ecall'),
    ]);
    const stop = hart.run(1000);
    expect(stop.kind).toBe('ecall');
    expect(hart.readX(2)).toBe(55n);
    expect(stop.retired).toBe(1 + 30 + 1);
    expect(stop.pc).toBe(BigInt(CODE_BASE + 20));
  });

  it('run stops after exactly the budget, at any instruction, and resumes', () => {
    const code = [
      enc('addi', { rd: 1, imm: 10 }),
      enc('add', { rd: 2, rs1: 2, rs2: 1 }),
      enc('addi', { rd: 1, rs1: 1, imm: -1 }),
      enc('bne', { rs1: 1, rs2: 0, imm: -8 }),
      enc('ecall'),
    ];
    for (const budget of [1, 2, 3, 5, 7]) {
      const { hart } = makeHart(code);
      let total = 0;
      for (;;) {
        const stop = hart.run(budget);
        total += stop.retired;
        if (stop.kind === 'ecall') break;
        expect(stop.kind).toBe('budget');
        expect(stop.retired).toBe(budget);
      }
      expect(total).toBe(32);
      expect(hart.instret).toBe(32);
      expect(hart.readX(2)).toBe(55n);
    }
  });

  it('jal and jalr link pc+4; jalr clears bit 0 of the target', () => {
    const h = runToEcall(
      [
        enc('jal', { rd: 1, imm: 8 }),
        enc('addi', { rd: 5, imm: 1 }),
        enc('auipc', { rd: 6 }),
        enc('jalr', { rd: 7, rs1: 6, imm: 9 }),
        enc('addi', { rd: 5, imm: 2 }),
      ],
      undefined,
    );
    expect(h.readX(1)).toBe(BigInt(CODE_BASE + 4));
    // jal skipped `x5 = 1`; jalr to base+8+9 landed (bit 0 cleared) on `x5 = 2`.
    expect(h.readX(5)).toBe(2n);
    expect(h.readX(7)).toBe(BigInt(CODE_BASE + 16));
  });

  it('branches compare signed and unsigned 64-bit values', () => {
    const cases: [Parameters<typeof enc>[0], bigint, bigint, boolean][] = [
      ['beq', 5n, 5n, true],
      ['beq', 5n, 5n + (1n << 32n), false],
      ['bne', 1n << 40n, 0n, true],
      ['blt', u64(-1n), 0n, true],
      ['bltu', u64(-1n), 0n, false],
      ['bge', 0n, u64(-1n), true],
      ['bgeu', 0n, u64(-1n), false],
      ['bge', 7n, 7n, true],
      ['blt', 0x1_00000000n, 0x1_80000000n, true],
    ];
    for (const [name, a, b, taken] of cases) {
      const h = runToEcall(
        [enc(name, { rs1: 1, rs2: 2, imm: 8 }), enc('addi', { rd: 3, imm: 1 })],
        setX([
          [1, a],
          [2, b],
        ]),
      );
      expect(h.readX(3), `${name} ${String(a)} ${String(b)}`).toBe(taken ? 0n : 1n);
    }
  });
});

describe('RV64I loads and stores', () => {
  it('load widths sign- or zero-extend', () => {
    const h = runToEcall([
      enc('lui', { rd: 1, imm: DATA_BASE >> 12 }),
      enc('addi', { rd: 2, imm: -1 }),
      enc('sd', { rs1: 1, rs2: 2, imm: 0 }),
      enc('lb', { rd: 3, rs1: 1 }),
      enc('lbu', { rd: 4, rs1: 1 }),
      enc('lh', { rd: 5, rs1: 1 }),
      enc('lhu', { rd: 6, rs1: 1 }),
      enc('lw', { rd: 7, rs1: 1 }),
      enc('lwu', { rd: 8, rs1: 1 }),
      enc('ld', { rd: 9, rs1: 1 }),
    ]);
    expect(h.readX(3)).toBe(u64(-1n));
    expect(h.readX(4)).toBe(0xffn);
    expect(h.readX(5)).toBe(u64(-1n));
    expect(h.readX(6)).toBe(0xffffn);
    expect(h.readX(7)).toBe(u64(-1n));
    expect(h.readX(8)).toBe(0xffffffffn);
    expect(h.readX(9)).toBe(u64(-1n));
  });

  it('misaligned loads and stores work, also across a page boundary', () => {
    const { hart, memory } = makeHart([
      enc('sd', { rs1: 1, rs2: 2, imm: 3 }),
      enc('ld', { rd: 3, rs1: 1, imm: 3 }),
      enc('sw', { rs1: 4, rs2: 2, imm: -2 }),
      enc('lw', { rd: 5, rs1: 4, imm: -2 }),
      enc('ecall'),
    ]);
    hart.writeX(1, BigInt(DATA_BASE));
    hart.writeX(2, 0x1122334455667788n);
    hart.writeX(4, BigInt(DATA_BASE + 0x1000));
    expect(hart.run(100).kind).toBe('ecall');
    expect(hart.readX(3)).toBe(0x1122334455667788n);
    expect(hart.readX(5)).toBe(0x55667788n);
    expect([...memory.read(DATA_BASE + 0xffe, 4)]).toEqual([0x88, 0x77, 0x66, 0x55]);
  });
});
