// A extension tests: every AMO's memory result and returned old value at both
// widths, and the LR/SC reservation rules (success, every failure path,
// misaligned atomics, a faulting SC keeping its reservation).
import { describe, expect, it } from 'vitest';
import { DATA_BASE, enc, makeHart, runToEcall, u64 } from './encode.test-util.js';
import type { InsnName } from '../encoding.js';
import type { Hart } from '../hart.js';

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);

const AMO64: Record<string, (old: bigint, src: bigint) => bigint> = {
  swap: (_o, s) => s,
  add: (o, s) => u64(o + s),
  xor: (o, s) => o ^ s,
  and: (o, s) => o & s,
  or: (o, s) => o | s,
  min: (o, s) => (s64(o) < s64(s) ? o : s),
  max: (o, s) => (s64(o) > s64(s) ? o : s),
  minu: (o, s) => (o < s ? o : s),
  maxu: (o, s) => (o > s ? o : s),
};

const VALUES = [
  0n,
  1n,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x1_00000000n,
  u64(-1n),
  1n << 63n,
  0x0123456789abcdefn,
];

function readU64(h: Hart, memory: ReturnType<typeof makeHart>['memory'], address: number): bigint {
  void h;
  const bytes = memory.read(address, 8);
  return new DataView(bytes.buffer).getBigUint64(0, true);
}

describe('AMOs', () => {
  for (const [op, f] of Object.entries(AMO64)) {
    it(`amo${op}.d and amo${op}.w return the old value and store f(old, rs2)`, () => {
      for (const old of VALUES) {
        for (const src of VALUES) {
          // .d
          {
            const { hart, memory } = makeHart([
              enc(`amo${op}.d` as InsnName, { rd: 3, rs1: 1, rs2: 2 }),
              enc('ecall'),
            ]);
            const bytes = new Uint8Array(8);
            new DataView(bytes.buffer).setBigUint64(0, old, true);
            memory.write(DATA_BASE + 8, bytes);
            hart.writeX(1, BigInt(DATA_BASE + 8));
            hart.writeX(2, src);
            expect(hart.run(10).kind).toBe('ecall');
            expect(hart.readX(3)).toBe(old);
            expect(readU64(hart, memory, DATA_BASE + 8)).toBe(f(old, src));
          }
          // .w: 32-bit operands, old value sign-extended into rd
          {
            const { hart, memory } = makeHart([
              enc(`amo${op}.w` as InsnName, { rd: 3, rs1: 1, rs2: 2 }),
              enc('ecall'),
            ]);
            const old32 = BigInt.asUintN(32, old);
            const bytes = new Uint8Array(8).fill(0xaa);
            new DataView(bytes.buffer).setUint32(0, Number(old32), true);
            memory.write(DATA_BASE + 16, bytes);
            hart.writeX(1, BigInt(DATA_BASE + 16));
            hart.writeX(2, src);
            expect(hart.run(10).kind).toBe('ecall');
            expect(hart.readX(3)).toBe(u64(s32(old32)));
            const f32 = (a: bigint, b: bigint): bigint => {
              // apply the 64-bit rule to sign-extended (signed ops) or zero-extended (unsigned ops) words
              const isUnsigned = op.endsWith('u');
              const ext = (v: bigint): bigint => (isUnsigned ? BigInt.asUintN(32, v) : u64(s32(v)));
              return BigInt.asUintN(32, f(ext(a), ext(b)));
            };
            const after = memory.read(DATA_BASE + 16, 8);
            const view = new DataView(after.buffer);
            expect(BigInt(view.getUint32(0, true))).toBe(f32(old32, src));
            expect(view.getUint32(4, true)).toBe(0xaaaaaaaa); // the neighbouring word is untouched
          }
        }
      }
    });
  }

  it('a misaligned AMO stops with a misaligned reason and changes nothing', () => {
    const { hart, memory } = makeHart([enc('amoadd.w', { rd: 3, rs1: 1, rs2: 2 }), enc('ecall')]);
    hart.writeX(1, BigInt(DATA_BASE + 2));
    hart.writeX(2, 5n);
    hart.writeX(3, 77n);
    const stop = hart.run(10);
    expect(stop).toMatchObject({
      kind: 'misaligned',
      access: 'write',
      address: BigInt(DATA_BASE + 2),
      retired: 0,
    });
    expect(hart.readX(3)).toBe(77n);
    expect([...memory.read(DATA_BASE, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('an AMO on a read-only page faults as a write and commits nothing', () => {
    const { hart, memory } = makeHart([enc('amoswap.d', { rd: 3, rs1: 1, rs2: 2 }), enc('ecall')]);
    memory.protect(DATA_BASE, 4096, 1);
    hart.writeX(1, BigInt(DATA_BASE));
    hart.writeX(2, 5n);
    expect(hart.run(10)).toMatchObject({
      kind: 'page-fault',
      access: 'write',
      address: BigInt(DATA_BASE),
    });
    expect(hart.readX(3)).toBe(0n);
  });
});

describe('LR/SC', () => {
  const base = (h: Hart): void => {
    h.writeX(1, BigInt(DATA_BASE));
    h.writeX(2, 0x1234n);
  };

  it('sc.d after lr.d to the same address succeeds, writes, and returns 0', () => {
    const h = runToEcall(
      [
        enc('lr.d', { rd: 3, rs1: 1 }),
        enc('sc.d', { rd: 4, rs1: 1, rs2: 2 }),
        enc('ld', { rd: 5, rs1: 1 }),
      ],
      base,
    );
    expect(h.readX(4)).toBe(0n);
    expect(h.readX(5)).toBe(0x1234n);
    expect(h.getState().reservation).toBeNull();
  });

  it('sc without a reservation fails, returns 1 and does not write', () => {
    const h = runToEcall(
      [enc('sc.w', { rd: 4, rs1: 1, rs2: 2 }), enc('lw', { rd: 5, rs1: 1 })],
      base,
    );
    expect(h.readX(4)).toBe(1n);
    expect(h.readX(5)).toBe(0n);
  });

  it('a second sc fails: every sc ends the reservation', () => {
    const h = runToEcall(
      [
        enc('lr.w', { rd: 3, rs1: 1 }),
        enc('sc.w', { rd: 4, rs1: 1, rs2: 2 }),
        enc('sc.w', { rd: 6, rs1: 1, rs2: 0 }),
        enc('lw', { rd: 5, rs1: 1 }),
      ],
      base,
    );
    expect([h.readX(4), h.readX(6), h.readX(5)]).toEqual([0n, 1n, 0x1234n]);
  });

  it('sc to a different address than the lr fails', () => {
    const h = runToEcall(
      [
        enc('lr.d', { rd: 3, rs1: 1 }),
        enc('addi', { rd: 7, rs1: 1, imm: 8 }),
        enc('sc.d', { rd: 4, rs1: 7, rs2: 2 }),
        enc('ld', { rd: 5, rs1: 7 }),
      ],
      base,
    );
    expect([h.readX(4), h.readX(5)]).toEqual([1n, 0n]);
  });

  it('sc fails when memory changed since the lr (as qemu-riscv64 decides), succeeds when it holds the same value', () => {
    const changed = runToEcall(
      [
        enc('lr.w', { rd: 3, rs1: 1 }),
        enc('addi', { rd: 8, imm: 9 }),
        enc('sw', { rs1: 1, rs2: 8 }),
        enc('sc.w', { rd: 4, rs1: 1, rs2: 2 }),
        enc('lw', { rd: 5, rs1: 1 }),
      ],
      base,
    );
    expect([changed.readX(4), changed.readX(5)]).toEqual([1n, 9n]);
    const same = runToEcall(
      [
        enc('lr.w', { rd: 3, rs1: 1 }),
        enc('sw', { rs1: 1, rs2: 0 }),
        enc('sc.w', { rd: 4, rs1: 1, rs2: 2 }),
      ],
      base,
    );
    expect(same.readX(4)).toBe(0n);
  });

  it('invalidate and breakReservation end the reservation', () => {
    for (const breakIt of [
      (h: Hart) => h.invalidate(DATA_BASE, 4096),
      (h: Hart) => h.breakReservation(),
    ]) {
      const { hart } = makeHart([
        enc('lr.d', { rd: 3, rs1: 1 }),
        enc('sc.d', { rd: 4, rs1: 1, rs2: 2 }),
        enc('ecall'),
      ]);
      base(hart);
      expect(hart.run(1).kind).toBe('budget');
      expect(hart.getState().reservation).toEqual({
        address: BigInt(DATA_BASE),
        widthBytes: 8,
        value: 0n,
      });
      breakIt(hart);
      expect(hart.run(10).kind).toBe('ecall');
      expect(hart.readX(4)).toBe(1n);
    }
  });

  it('the reservation survives a stop between lr and sc and a state round trip', () => {
    const { hart } = makeHart([
      enc('lr.w', { rd: 3, rs1: 1 }),
      enc('sc.w', { rd: 4, rs1: 1, rs2: 2 }),
      enc('ecall'),
    ]);
    base(hart);
    expect(hart.run(1).kind).toBe('budget');
    const state = hart.getState();
    const { hart: other } = makeHart([
      enc('lr.w', { rd: 3, rs1: 1 }),
      enc('sc.w', { rd: 4, rs1: 1, rs2: 2 }),
      enc('ecall'),
    ]);
    other.setState(state);
    expect(other.run(10).kind).toBe('ecall');
    expect(other.readX(4)).toBe(0n);
  });

  it('misaligned lr and sc stop with a misaligned reason', () => {
    for (const [insn, access] of [
      [enc('lr.w', { rd: 3, rs1: 1 }), 'read'],
      [enc('sc.d', { rd: 3, rs1: 1, rs2: 2 }), 'write'],
    ] as const) {
      const { hart } = makeHart([insn, enc('ecall')]);
      hart.writeX(1, BigInt(DATA_BASE + 4 + (access === 'read' ? 2 : 0)));
      expect(hart.run(10)).toMatchObject({ kind: 'misaligned', access, retired: 0 });
    }
  });

  it('an sc that faults commits nothing and keeps the reservation', () => {
    const { hart, memory } = makeHart([
      enc('lr.d', { rd: 3, rs1: 1 }),
      enc('sc.d', { rd: 4, rs1: 1, rs2: 2 }),
      enc('ecall'),
    ]);
    base(hart);
    hart.writeX(4, 99n);
    expect(hart.run(1).kind).toBe('budget');
    memory.protect(DATA_BASE, 4096, 1); // read-only now
    hart.invalidate(DATA_BASE + 4096, 1); // an unrelated page: the reservation ends...
    expect(hart.getState().reservation).toBeNull();
    // ...so take a fresh one and fault on the SC instead
    hart.pc = hart.pc - 4n;
    expect(hart.run(1).kind).toBe('budget');
    const stop = hart.run(10);
    expect(stop).toMatchObject({ kind: 'page-fault', access: 'write', address: BigInt(DATA_BASE) });
    expect(hart.readX(4)).toBe(99n);
    expect(hart.getState().reservation).not.toBeNull();
    memory.protect(DATA_BASE, 4096, 3);
    hart.invalidate(DATA_BASE + 8192, 0); // zero-length: ends the reservation too
    expect(hart.getState().reservation).toBeNull();
  });
});
