// Hart tests through the public API: page faults commit nothing and resume
// from the same pc, straddling accesses and instructions, invalidation,
// self-modifying code with fence.i, the state value, and bad input.
import { describe, expect, it } from 'vitest';
import {
  BudgetInvalid,
  HartOptionInvalid,
  HartStateInvalid,
  RegisterIndexInvalid,
} from './errors.js';
import { Hart } from './hart.js';
import { CODE_BASE, DATA_BASE, codeBytes, enc, makeHart } from './isa/encode.test-util.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from './memory.js';
import { PagedMemory } from './paged-memory.js';

describe('page faults', () => {
  it('a load from an unmapped page stops before the load, and resumes once the page is mapped', () => {
    const { hart, memory } = makeHart([
      enc('addi', { rd: 5, imm: 1 }),
      enc('ld', { rd: 6, rs1: 1, imm: 8 }),
      enc('ecall'),
    ]);
    hart.writeX(1, 0x500000n);
    hart.writeX(6, 42n);
    const stop = hart.run(100);
    expect(stop).toEqual({
      kind: 'page-fault',
      access: 'read',
      address: 0x500008n,
      pc: BigInt(CODE_BASE + 4),
      retired: 1,
    });
    expect(hart.readX(6)).toBe(42n);
    memory.map(0x500000, 4096, PROT_READ);
    memory.write(0x500008, new Uint8Array([7]));
    expect(hart.run(100)).toMatchObject({ kind: 'ecall', retired: 2 });
    expect(hart.readX(6)).toBe(7n);
    expect(hart.instret).toBe(3);
  });

  it('a store to a read-only page is a write fault', () => {
    const { hart, memory } = makeHart([enc('sw', { rs1: 1, rs2: 2 }), enc('ecall')]);
    memory.map(0x500000, 4096, PROT_READ);
    hart.writeX(1, 0x500000n);
    hart.writeX(2, 1n);
    expect(hart.run(10)).toMatchObject({ kind: 'page-fault', access: 'write', address: 0x500000n });
  });

  it('a store straddling into an unmapped page writes neither page', () => {
    const { hart, memory } = makeHart([enc('sd', { rs1: 1, rs2: 2, imm: 0 }), enc('ecall')]);
    const end = DATA_BASE + 0x2000; // first unmapped byte after the data area
    hart.writeX(1, BigInt(end - 3));
    hart.writeX(2, -1n);
    expect(hart.run(10)).toMatchObject({
      kind: 'page-fault',
      access: 'write',
      address: BigInt(end),
      retired: 0,
    });
    expect([...memory.read(end - 3, 3)]).toEqual([0, 0, 0]);
    memory.map(end, 4096, PROT_READ | PROT_WRITE);
    expect(hart.run(10).kind).toBe('ecall');
    expect([...memory.read(end - 3, 8)]).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('a load straddling into an unmapped page faults at the second page and leaves rd alone', () => {
    const { hart } = makeHart([enc('lw', { rd: 3, rs1: 1, imm: 0 }), enc('ecall')]);
    hart.writeX(1, BigInt(DATA_BASE + 0x2000 - 2));
    hart.writeX(3, 5n);
    expect(hart.run(10)).toMatchObject({
      kind: 'page-fault',
      access: 'read',
      address: BigInt(DATA_BASE + 0x2000),
    });
    expect(hart.readX(3)).toBe(5n);
  });

  it('a jump to an unmapped or non-executable page is an execute fault at the target', () => {
    const { hart, memory } = makeHart([enc('jalr', { rd: 1, rs1: 5 })]);
    hart.writeX(5, BigInt(DATA_BASE));
    expect(hart.run(10)).toEqual({
      kind: 'page-fault',
      access: 'execute',
      address: BigInt(DATA_BASE),
      pc: BigInt(DATA_BASE),
      retired: 1,
    });
    memory.protect(DATA_BASE, 4096, PROT_READ | PROT_EXEC); // the data page holds zeros: an illegal instruction
    hart.invalidate(DATA_BASE, 4096);
    expect(hart.run(10)).toMatchObject({
      kind: 'illegal-instruction',
      bits: 0,
      pc: BigInt(DATA_BASE),
    });
  });

  it('a 32-bit instruction straddling into a non-executable page faults at the second page', () => {
    const memory = new PagedMemory();
    memory.map(CODE_BASE, 8192, PROT_READ | PROT_EXEC);
    const nop = codeBytes([{ half: 0x0001 }]);
    memory.write(CODE_BASE + 4094, codeBytes([enc('addi', { rd: 5, imm: 9 })]).subarray(0, 2));
    memory.write(CODE_BASE + 4092, nop);
    memory.protect(CODE_BASE + 4096, 4096, PROT_READ);
    const hart = new Hart(memory, { hotRuns: 16 });
    hart.pc = BigInt(CODE_BASE + 4092);
    // The c.nop runs, then the block ends before the straddling instruction...
    expect(hart.run(10)).toMatchObject({
      kind: 'page-fault',
      access: 'execute',
      address: BigInt(CODE_BASE + 4096),
      pc: BigInt(CODE_BASE + 4094),
      retired: 1,
    });
    // ...which runs once its second half is executable.
    memory.write(CODE_BASE + 4096, codeBytes([enc('addi', { rd: 5, imm: 9 })]).subarray(2));
    memory.write(CODE_BASE + 4098, codeBytes([enc('ecall')]));
    memory.protect(CODE_BASE + 4096, 4096, PROT_READ | PROT_EXEC);
    hart.invalidate(CODE_BASE + 4096, 4096);
    expect(hart.run(10)).toMatchObject({ kind: 'ecall', retired: 2 });
    expect(hart.readX(5)).toBe(9n);
  });
});

describe('invalidation and self-modifying code', () => {
  const patch = (memory: PagedMemory, address: number, insn: number): void => {
    memory.write(address, codeBytes([insn]));
  };

  it('a guest store into its own code, then fence.i, runs the new instruction', () => {
    // x1 = address of the target; store a new instruction word there; fence.i; target: addi x5, x0, 1
    const target = CODE_BASE + 12;
    const { hart, memory } = makeHart([
      enc('sw', { rs1: 1, rs2: 2 }),
      enc('fence.i'),
      enc('jal', { imm: 4 }),
      enc('addi', { rd: 5, imm: 1 }),
      enc('ecall'),
    ]);
    memory.protect(CODE_BASE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    hart.writeX(1, BigInt(target));
    hart.writeX(2, BigInt(enc('addi', { rd: 5, imm: 2 })));
    // Decode the target block first so that the store has something to invalidate.
    hart.pc = BigInt(target);
    hart.run(1);
    hart.writeX(5, 0n);
    hart.pc = BigInt(CODE_BASE);
    expect(hart.run(20).kind).toBe('ecall');
    expect(hart.readX(5)).toBe(2n);
  });

  it('a guest store into a code page drops its decoded blocks even without fence.i', () => {
    const loop = CODE_BASE + 8;
    const { hart, memory } = makeHart([
      enc('sw', { rs1: 1, rs2: 2 }),
      enc('jal', { imm: 4 }),
      enc('addi', { rd: 5, imm: 1 }),
      enc('ecall'),
    ]);
    memory.protect(CODE_BASE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    hart.pc = BigInt(loop);
    hart.run(1); // decode `addi x5, 1`
    hart.writeX(1, BigInt(loop));
    hart.writeX(2, BigInt(enc('addi', { rd: 5, imm: 3 })));
    hart.pc = BigInt(CODE_BASE);
    expect(hart.run(20).kind).toBe('ecall');
    expect(hart.readX(5)).toBe(3n);
  });

  it('code the kernel rewrites runs after invalidate, and stale code runs without it', () => {
    const { hart, memory } = makeHart([enc('addi', { rd: 5, imm: 1 }), enc('ecall')]);
    expect(hart.run(10).kind).toBe('ecall');
    patch(memory, CODE_BASE, enc('addi', { rd: 5, imm: 2 }));
    hart.pc = BigInt(CODE_BASE);
    hart.run(10);
    expect(hart.readX(5)).toBe(1n); // decoded once, not on every execution
    hart.invalidate(CODE_BASE, 4);
    hart.pc = BigInt(CODE_BASE);
    hart.run(10);
    expect(hart.readX(5)).toBe(2n);
    patch(memory, CODE_BASE, enc('addi', { rd: 5, imm: 3 }));
    hart.flushAll();
    hart.pc = BigInt(CODE_BASE);
    hart.run(10);
    expect(hart.readX(5)).toBe(3n);
  });

  it('unmapping a data page and invalidating it makes the next access fault', () => {
    const { hart, memory } = makeHart([enc('ld', { rd: 3, rs1: 1 }), enc('ecall')]);
    hart.writeX(1, BigInt(DATA_BASE));
    expect(hart.run(10).kind).toBe('ecall');
    memory.unmap(DATA_BASE, 4096);
    hart.invalidate(DATA_BASE, 4096);
    hart.pc = BigInt(CODE_BASE);
    expect(hart.run(10)).toMatchObject({
      kind: 'page-fault',
      access: 'read',
      address: BigInt(DATA_BASE),
    });
  });

  it('a copy-on-write answer for writes replaces the cached read copy', () => {
    // A memory whose write grant is a fresh copy of the read page.
    const original = new Uint8Array(4096);
    const copy = new Uint8Array(4096);
    const inner = new PagedMemory();
    inner.map(CODE_BASE, 4096, PROT_READ | PROT_EXEC);
    inner.write(
      CODE_BASE,
      codeBytes([
        enc('lbu', { rd: 3, rs1: 1 }),
        enc('sb', { rs1: 1, rs2: 2 }),
        enc('lbu', { rd: 4, rs1: 1 }),
        enc('ecall'),
      ]),
    );
    let isCopied = false;
    const memory = {
      page(pageIndex: number, access: 'read' | 'write' | 'execute'): Uint8Array | undefined {
        if (pageIndex !== DATA_BASE / 4096) return inner.page(pageIndex, access);
        if (access === 'write') {
          isCopied = true;
          copy.set(original);
          return copy;
        }
        return isCopied ? copy : original;
      },
    };
    original[0] = 1;
    const hart = new Hart(memory, { hotRuns: 16 });
    hart.pc = BigInt(CODE_BASE);
    hart.writeX(1, BigInt(DATA_BASE));
    hart.writeX(2, 9n);
    expect(hart.run(10).kind).toBe('ecall');
    expect([hart.readX(3), hart.readX(4), BigInt(original[0]), BigInt(copy[0]!)]).toEqual([
      1n,
      9n,
      1n,
      9n,
    ]);
  });
});

describe('architectural state', () => {
  it('getState/setState round-trip everything, into another hart too', () => {
    const { hart } = makeHart([enc('lr.d', { rd: 3, rs1: 1 }), enc('ecall')]);
    for (let r = 1; r < 32; r++) hart.writeX(r, BigInt(r) * 0x1111_1111_1111n);
    for (let r = 0; r < 32; r++) hart.writeF(r, BigInt.asUintN(64, -BigInt(r)));
    hart.writeX(1, BigInt(DATA_BASE));
    hart.run(1);
    const state = hart.getState();
    expect(state.reservation).toEqual({ address: BigInt(DATA_BASE), widthBytes: 8, value: 0n });
    const { hart: other } = makeHart([]);
    other.setState(state);
    expect(other.getState()).toEqual(state);
    expect(
      JSON.parse(JSON.stringify(state, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))),
    ).toBeTruthy();
  });

  it('setState rejects malformed values and changes nothing', () => {
    const { hart } = makeHart([]);
    const good = hart.getState();
    const bad = [
      { ...good, pc: 3n },
      { ...good, pc: -4n },
      { ...good, x: good.x.slice(1) },
      { ...good, x: [1n, ...good.x.slice(1)] },
      { ...good, f: [...good.f.slice(1), 1n << 64n] },
      { ...good, fcsr: 256 },
      { ...good, instret: -1n },
      { ...good, reservation: { address: 0n, widthBytes: 2 as 4, value: 0n } },
    ];
    for (const state of bad) {
      expect(() => {
        hart.setState(state);
      }).toThrow(HartStateInvalid);
      expect(hart.getState()).toEqual(good);
    }
  });

  it('bad register indices and budgets throw typed errors', () => {
    const { hart } = makeHart([]);
    expect(() => hart.readX(32)).toThrow(RegisterIndexInvalid);
    expect(() => {
      hart.writeF(-1, 0n);
    }).toThrow(RegisterIndexInvalid);
    expect(() => hart.run(-1)).toThrow(BudgetInvalid);
    expect(() => hart.run(1.5)).toThrow(BudgetInvalid);
    expect(() => hart.run(2 ** 41)).toThrow(BudgetInvalid);
    expect(() => {
      hart.pc = 1n;
    }).toThrow(HartStateInvalid);
    expect(hart.run(0)).toEqual({ kind: 'budget', pc: BigInt(CODE_BASE), retired: 0 });
    for (const hotRuns of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
      expect(() => new Hart(new PagedMemory(), { hotRuns })).toThrow(HartOptionInvalid);
    }
  });

  it('writes to x0 are ignored; writeX takes values modulo 2^64', () => {
    const { hart } = makeHart([]);
    hart.writeX(0, 5n);
    hart.writeX(1, -1n);
    hart.writeX(2, (1n << 64n) + 3n);
    expect([hart.readX(0), hart.readX(1), hart.readX(2)]).toEqual([0n, (1n << 64n) - 1n, 3n]);
  });
});

describe('a GuestMemory that throws', () => {
  it('leaves the hart at the instruction whose access threw, retired count exact', () => {
    const inner = new PagedMemory();
    inner.map(CODE_BASE, 4096, PROT_READ | PROT_EXEC);
    inner.write(
      CODE_BASE,
      codeBytes([enc('addi', { rd: 5, imm: 1 }), enc('ld', { rd: 6, rs1: 1 }), enc('ecall')]),
    );
    const memory = {
      page(pageIndex: number, access: 'read' | 'write' | 'execute'): Uint8Array | undefined {
        if (pageIndex === 0x99) throw new Error('kernel bug');
        return inner.page(pageIndex, access);
      },
    };
    const hart = new Hart(memory, { hotRuns: 16 });
    hart.pc = BigInt(CODE_BASE);
    hart.writeX(1, 0x99000n);
    expect(() => hart.run(10)).toThrow('kernel bug');
    expect(hart.pc).toBe(BigInt(CODE_BASE + 4));
    expect(hart.instret).toBe(1);
    expect(hart.readX(6)).toBe(0n);
  });
});
