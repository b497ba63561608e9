// F and D arithmetic through the hart: decoding of every instruction, the
// rounding-mode field (static, dynamic from frm, reserved values trapping as
// illegal with nothing committed), fflags accrual, integer destinations
// (sign extension, x0), NaN-boxing of single results. The IEEE semantics
// themselves are tested in ../fp/.
import { describe, expect, it } from 'vitest';

import type { Hart } from '../hart.js';
import { D_ARITHMETIC } from './d.js';
import { F_ARITHMETIC } from './f.js';
import { enc, makeHart, runToEcall, u64 } from './encode.test-util.js';

const ONE = 0x3ff0000000000000n;
const THREE = 0x4008000000000000n;
const THIRD_RNE = 0x3fd5555555555555n;
const THIRD_RUP = 0x3fd5555555555556n;
const NX = 1;
const DZ = 8;
const NV = 16;
const BOX = 0xffffffff00000000n;

const setF =
  (pairs: [number, bigint][], fcsr = 0) =>
  (h: Hart): void => {
    for (const [r, v] of pairs) h.writeF(r, v);
    h.setState({ ...h.getState(), fcsr });
  };

describe('F and D arithmetic on the hart', () => {
  it('decodes every arithmetic, compare and convert instruction', () => {
    for (const def of [...F_ARITHMETIC, ...D_ARITHMETIC]) {
      // fsqrt, fcvt and fclass hold a fixed rs2 in their opcode; only R4 has rs3.
      const hasRs2 = !/^(fsqrt|fcvt|fclass)/.test(def.name);
      const bits = enc(def.name, {
        rd: 1,
        rs1: 2,
        ...(hasRs2 ? { rs2: 3 } : {}),
        ...(def.format === 'R4' ? { rs3: 4 } : {}),
      });
      const { hart } = makeHart([bits, enc('ecall')]);
      expect(hart.run(10).kind, def.name).toBe('ecall');
    }
  });

  it('rounds with the static rm field or, for rm = dyn, with frm', () => {
    const div = (rm: number) => enc('fdiv.d', { rd: 1, rs1: 2, rs2: 3, rm });
    const h = runToEcall(
      [
        div(0),
        enc('fsgnj.d', { rd: 4, rs1: 1, rs2: 1 }),
        div(3),
        enc('fsgnj.d', { rd: 5, rs1: 1, rs2: 1 }),
        div(7),
      ],
      setF(
        [
          [2, ONE],
          [3, THREE],
        ],
        3 << 5, // frm = RUP
      ),
    );
    expect([h.readF(4), h.readF(5), h.readF(1)]).toEqual([THIRD_RNE, THIRD_RUP, THIRD_RUP]);
    expect(h.getState().fcsr).toBe((3 << 5) | NX);
  });

  it('traps as illegal for rm 5 or 6, or dyn with an invalid frm, committing nothing', () => {
    for (const [rm, frm] of [
      [5, 0],
      [6, 0],
      [7, 5],
      [7, 6],
      [7, 7],
    ] as const) {
      const bits = enc('fadd.d', { rd: 1, rs1: 2, rs2: 2, rm });
      const { hart } = makeHart([
        enc('fadd.d', { rd: 3, rs1: 2, rs2: 2, rm: 0 }),
        bits,
        enc('ecall'),
      ]);
      setF([[2, 0x3ff0000000000001n]], frm << 5)(hart);
      const stop = hart.run(10);
      expect(stop).toMatchObject({ kind: 'illegal-instruction', bits, retired: 1 });
      expect(hart.pc).toBe(0x10004n);
      expect(hart.readF(1)).toBe(0n);
      expect(hart.getState().fcsr).toBe(frm << 5); // the exact add before raised nothing
    }
  });

  it('checks the rm field of the exact conversions too', () => {
    const bits = enc('fcvt.d.w', { rd: 1, rs1: 2, rm: 5 });
    const { hart } = makeHart([bits, enc('ecall')]);
    expect(hart.run(10)).toMatchObject({ kind: 'illegal-instruction', bits });
  });

  it('accrues fflags until software clears them', () => {
    const h = runToEcall(
      [
        enc('fdiv.d', { rd: 1, rs1: 2, rs2: 3, rm: 0 }), // 1/3: NX
        enc('fdiv.d', { rd: 1, rs1: 2, rs2: 0, rm: 0 }), // 1/0: DZ
        enc('fsqrt.d', { rd: 1, rs1: 4, rm: 0 }), // sqrt(-1): NV
      ],
      setF([
        [2, ONE],
        [3, THREE],
        [4, 0xbff0000000000000n],
      ]),
    );
    expect(h.getState().fcsr).toBe(NX | DZ | NV);
    expect(h.readF(1)).toBe(0x7ff8000000000000n);
  });

  it('sign-extends 32-bit integer results, unsigned ones included, and discards writes to x0', () => {
    const h = runToEcall(
      [
        enc('fcvt.wu.d', { rd: 5, rs1: 1, rm: 1 }),
        enc('fcvt.w.d', { rd: 6, rs1: 2, rm: 1 }),
        enc('fcvt.l.d', { rd: 7, rs1: 2, rm: 1 }),
        enc('fcvt.lu.d', { rd: 8, rs1: 3, rm: 1 }),
        enc('feq.d', { rd: 0, rs1: 1, rs2: 1 }),
        enc('fclass.d', { rd: 9, rs1: 2 }),
        enc('flt.d', { rd: 10, rs1: 2, rs2: 1 }),
      ],
      setF([
        [1, 0x41efffffffe00000n], // 2^32 - 1
        [2, 0xc1d0000000000000n], // -2^30
        [3, 0x43efffffffffffffn], // 2^64 - 2048
      ]),
    );
    expect(h.readX(5)).toBe(u64(-1n));
    expect(h.readX(6)).toBe(u64(-(1n << 30n)));
    expect(h.readX(7)).toBe(u64(-(1n << 30n)));
    expect(h.readX(8)).toBe((1n << 64n) - 2048n);
    expect(h.readX(0)).toBe(0n);
    expect(h.readX(9)).toBe(2n); // negative normal
    expect(h.readX(10)).toBe(1n);
    expect(h.getState().fcsr).toBe(0);
  });

  it('converts 64-bit integers from the x registers', () => {
    const h = runToEcall(
      [enc('fcvt.d.l', { rd: 1, rs1: 5, rm: 0 }), enc('fcvt.s.lu', { rd: 2, rs1: 6, rm: 1 })],
      (hart) => {
        hart.writeX(5, u64(-(1n << 62n)));
        hart.writeX(6, u64(-1n));
      },
    );
    expect(h.readF(1)).toBe(0xc3d0000000000000n);
    expect(h.readF(2)).toBe(BOX | 0x5f7fffffn); // 2^64 - 1 towards zero
    expect(h.getState().fcsr).toBe(NX);
  });

  it('NaN-boxes single results and reads an improperly boxed operand as the canonical NaN', () => {
    const h = runToEcall(
      [
        enc('fadd.s', { rd: 1, rs1: 2, rs2: 2, rm: 0 }),
        enc('fadd.s', { rd: 3, rs1: 4, rs2: 2, rm: 0 }),
      ],
      setF([
        [2, BOX | 0x3f800000n],
        [4, ONE], // a double: not boxed
      ]),
    );
    expect(h.readF(1)).toBe(BOX | 0x40000000n);
    expect(h.readF(3)).toBe(BOX | 0x7fc00000n);
    expect(h.getState().fcsr).toBe(0);
  });

  it('fused multiply-adds read rs3 and round once', () => {
    const h = runToEcall(
      [enc('fmadd.d', { rd: 1, rs1: 2, rs2: 3, rs3: 4, rm: 0 })],
      setF([
        [2, 0x3ff0000000000001n], // 1 + 2^-52
        [3, 0x3fefffffffffffffn - 1n], // 1 - 2^-52
        [4, 0xbff0000000000000n], // -1
      ]),
    );
    expect(h.readF(1)).toBe(0xb970000000000000n); // -2^-104, exact
    expect(h.getState().fcsr).toBe(0);
  });
});
