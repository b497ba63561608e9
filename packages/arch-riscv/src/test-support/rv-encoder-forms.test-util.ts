// Every instruction form the test encoder knows, with operands at the edges
// of their ranges: the list the GNU-assembler fixture was made from.
import * as E from './rv-encoder.test-util.js';

export function everyForm(): E.Insn[] {
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
  for (const n of ['flw', 'fld'] as const)
    for (const imm of [-2048, -8, 0, 12, 2047])
      out.push(E.fLoad(n, 3, 9, imm), E.fLoad(n, 31, 2, imm));
  for (const n of ['fsw', 'fsd'] as const)
    for (const imm of [-2048, -8, 0, 12, 2047])
      out.push(E.fStore(n, 3, 9, imm), E.fStore(n, 0, 31, imm));
  for (const n of ['fmv.x.w', 'fmv.w.x', 'fmv.x.d', 'fmv.d.x'] as const)
    out.push(E.fMove(n, 5, 7), E.fMove(n, 31, 0));
  for (const off of [0, 8, 128, 248])
    out.push(E.cFpMem('c.fld', 10, 8, off), E.cFpMem('c.fsd', 15, 9, off));
  for (const off of [0, 8, 256, 504])
    out.push(E.cFpSpMem('c.fldsp', 1, off), E.cFpSpMem('c.fsdsp', 31, off));
  for (const n of Object.keys(E.CSR_OPS))
    for (const csr of [1, 2, 3, 0xc00]) out.push(E.csrOp(n, 5, csr, 31), E.csrOp(n, 0, csr, 0));
  return out;
}

/** The list as GNU assembler source, compressed ones under `.option rvc`. */
export function formsAssembly(insns: readonly E.Insn[]): string {
  const lines = ['.text'];
  for (const insn of insns)
    lines.push(
      insn.size === 2 ? '.option rvc' : '.option norvc',
      insn.text.replace(/\bsp\b/g, 'x2'),
    );
  return lines.join('\n') + '\n';
}
