// Zicsr tests: the user CSRs read and write as the spec says, counters are
// exact and read-only, and anything else is an illegal instruction.
import { describe, expect, it } from 'vitest';
import { CSR_CYCLE, CSR_FCSR, CSR_FFLAGS, CSR_FRM, CSR_INSTRET, CSR_TIME } from '../csr.js';
import { Hart } from '../hart.js';
import { CODE_BASE, enc, makeHart, runToEcall } from './encode.test-util.js';
import { codeBytes } from './encode.test-util.js';
import { PagedMemory } from '../paged-memory.js';
import { PROT_EXEC, PROT_READ } from '../memory.js';

describe('Zicsr', () => {
  it('fcsr is frm << 5 | fflags; the fields write through every view', () => {
    const h = runToEcall(
      [
        enc('csrrwi', { rd: 0, csr: CSR_FRM, rs1: 3 }), // frm = 3 (zimm in the rs1 field)
        enc('csrrsi', { rd: 0, csr: CSR_FFLAGS, rs1: 0b10101 }),
        enc('csrrs', { rd: 5, csr: CSR_FCSR, rs1: 0 }),
        enc('csrrci', { rd: 6, csr: CSR_FFLAGS, rs1: 1 }),
        enc('csrrs', { rd: 7, csr: CSR_FFLAGS, rs1: 0 }),
        enc('csrrw', { rd: 8, csr: CSR_FCSR, rs1: 9 }),
        enc('csrrs', { rd: 10, csr: CSR_FRM, rs1: 0 }),
        enc('csrrc', { rd: 11, csr: CSR_FCSR, rs1: 12 }),
      ],
      (hart) => {
        hart.writeX(9, 0xffn); // only 8 bits exist
        hart.writeX(12, 0x1fn);
      },
    );
    expect(h.readX(5)).toBe((3n << 5n) | 0b10101n);
    expect(h.readX(6)).toBe(0b10101n);
    expect(h.readX(7)).toBe(0b10100n);
    expect(h.readX(8)).toBe((3n << 5n) | 0b10100n);
    expect(h.readX(10)).toBe(7n);
    expect(h.readX(11)).toBe(0xffn);
    expect(h.getState().fcsr).toBe(0xe0);
  });

  it('instret and cycle count the instructions retired before the reading one', () => {
    const h = runToEcall([
      enc('addi', { rd: 1, imm: 1 }),
      enc('addi', { rd: 1, imm: 1 }),
      enc('csrrs', { rd: 5, csr: CSR_INSTRET }),
      enc('csrrs', { rd: 6, csr: CSR_CYCLE }),
    ]);
    expect(h.readX(5)).toBe(2n);
    expect(h.readX(6)).toBe(3n);
  });

  it('counters stay exact across run calls and a state round trip', () => {
    const { hart } = makeHart([
      enc('addi', { rd: 1, imm: 1 }),
      enc('addi', { rd: 1, imm: 1 }),
      enc('addi', { rd: 1, imm: 1 }),
      enc('csrrs', { rd: 5, csr: CSR_INSTRET }),
      enc('ecall'),
    ]);
    hart.run(2);
    const state = { ...hart.getState(), instret: 1000n };
    hart.setState(state);
    expect(hart.run(10).kind).toBe('ecall');
    expect(hart.readX(5)).toBe(1001n);
    expect(hart.instret).toBe(1003);
  });

  it('time comes from the timeSource option', () => {
    const memory = new PagedMemory();
    memory.map(CODE_BASE, 4096, PROT_READ | PROT_EXEC);
    memory.write(
      CODE_BASE,
      codeBytes([enc('addi', { rd: 1 }), enc('csrrs', { rd: 5, csr: CSR_TIME }), enc('ecall')]),
    );
    const hart = new Hart(memory, {
      timeSource: (instret) => 0x1_0000_0000n + BigInt(instret) * 10n,
    });
    hart.pc = BigInt(CODE_BASE);
    expect(hart.run(10).kind).toBe('ecall');
    expect(hart.readX(5)).toBe(0x1_0000_000an);
  });

  it('writing a read-only counter, or touching an unknown CSR, is illegal and changes nothing', () => {
    for (const insn of [
      enc('csrrw', { rd: 5, csr: CSR_CYCLE, rs1: 1 }),
      enc('csrrs', { rd: 5, csr: CSR_INSTRET, rs1: 1 }),
      enc('csrrwi', { rd: 5, csr: CSR_TIME, rs1: 0 }),
      enc('csrrs', { rd: 5, csr: 0x300 }), // mstatus: not reachable from user mode
      enc('csrrs', { rd: 5, csr: 0xc03 }), // hpmcounter3: not implemented
    ]) {
      const { hart } = makeHart([insn, enc('ecall')]);
      hart.writeX(1, 1n);
      hart.writeX(5, 77n);
      expect(hart.run(10)).toMatchObject({
        kind: 'illegal-instruction',
        bits: insn,
        pc: BigInt(CODE_BASE),
      });
      expect(hart.readX(5)).toBe(77n);
    }
  });

  it('csrrs/csrrc with rs1 = x0 and csrr*i with zimm = 0 may read read-only counters', () => {
    const h = runToEcall([
      enc('csrrc', { rd: 5, csr: CSR_CYCLE, rs1: 0 }),
      enc('csrrsi', { rd: 6, csr: CSR_INSTRET, rs1: 0 }),
      enc('csrrci', { rd: 7, csr: CSR_TIME, rs1: 0 }),
    ]);
    expect([h.readX(5), h.readX(6), h.readX(7)]).toEqual([0n, 1n, 2n]);
  });
});
