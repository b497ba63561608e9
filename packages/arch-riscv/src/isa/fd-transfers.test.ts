// Tests of the F/D data moves the hart runs before FP arithmetic exists:
// loads and stores move bits exactly (NaN payloads included), single values
// are NaN-boxed, and the moves to integer registers sign-extend as specified.
import { describe, expect, it } from 'vitest';
import { DATA_BASE, enc, makeHart, runToEcall, u64 } from './encode.test-util.js';

describe('F/D loads, stores and moves', () => {
  it('flw NaN-boxes; fsw stores the low word; fld/fsd move 64 bits exactly', () => {
    const { hart, memory } = makeHart([
      enc('flw', { rd: 1, rs1: 10, imm: 0 }),
      enc('fld', { rd: 2, rs1: 10, imm: 8 }),
      enc('fsw', { rs1: 10, rs2: 1, imm: 16 }),
      enc('fsd', { rs1: 10, rs2: 2, imm: 24 }),
      enc('ecall'),
    ]);
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x7f800001, true); // a signalling NaN single
    view.setBigUint64(8, 0x7ff0000000000001n, true); // a signalling NaN double
    memory.write(DATA_BASE, bytes);
    hart.writeX(10, BigInt(DATA_BASE));
    expect(hart.run(10).kind).toBe('ecall');
    expect(hart.readF(1)).toBe(0xffffffff_7f800001n);
    expect(hart.readF(2)).toBe(0x7ff0000000000001n);
    const out = new DataView(memory.read(DATA_BASE + 16, 16).buffer);
    expect(out.getUint32(0, true)).toBe(0x7f800001);
    expect(out.getUint32(4, true)).toBe(0);
    expect(out.getBigUint64(8, true)).toBe(0x7ff0000000000001n);
  });

  it('fmv.x.w sign-extends the low word; fmv.w.x NaN-boxes; fmv.x.d/fmv.d.x copy 64 bits', () => {
    const h = runToEcall(
      [
        enc('fmv.w.x', { rd: 1, rs1: 5 }),
        enc('fmv.x.w', { rd: 6, rs1: 1 }),
        enc('fmv.d.x', { rd: 0, rs1: 7 }),
        enc('fmv.x.d', { rd: 8, rs1: 0 }),
        enc('fmv.x.w', { rd: 9, rs1: 3 }), // f3 holds an unboxed pattern: only the low word counts
      ],
      (hart) => {
        hart.writeX(5, 0x1234_89abcdefn);
        hart.writeX(7, 0xfff8_0000_0000_0001n);
        hart.writeF(3, 0x0000_0001_8000_0000n);
      },
    );
    expect(h.readF(1)).toBe(0xffffffff_89abcdefn);
    expect(h.readX(6)).toBe(u64(BigInt.asIntN(32, 0x89abcdefn)));
    expect(h.readF(0)).toBe(0xfff8_0000_0000_0001n);
    expect(h.readX(8)).toBe(0xfff8_0000_0000_0001n);
    expect(h.readX(9)).toBe(u64(-0x80000000n));
  });
});
