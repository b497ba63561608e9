// Each template must say exactly what its instruction function says. Seeded
// random cases: an instruction with random registers (aliasing often) and
// immediate, random 64-bit register values, and for loads and stores a base
// that lands inside a mapped page, across into a read-only or unmapped one,
// or on a page whose translation is (or is not) cached. The op runs once
// through its function and once compiled from its template; registers, pc,
// memory and any trap must agree. Replay: KRG_SEED=<seed>.
import { describe, expect, it } from 'vitest';
import { compileBlock } from '../block-compiler.js';
import { Block } from '../code-cache.js';
import { Cpu } from '../cpu.js';
import { decodeInsn } from '../decoder.js';
import type { InsnName } from '../encoding.js';
import { PROT_READ, PROT_WRITE } from '../memory.js';
import { PagedMemory } from '../paged-memory.js';
import { Prng } from '../test-support/prng.test-util.js';
import { Trap } from '../trap.js';
import { enc } from './encode.test-util.js';
import { FD_TEMPLATES } from './fd-templates.js';
import { RV64I_TEMPLATES } from './rv64i-templates.js';

const SEED = Number(process.env['KRG_SEED'] ?? '20261125');
const CASES = 2000;
const PC = 0x1_0000;
const RW_PAGE = 0x4_0000; // read-write; the page after it is read-only, the one after that unmapped
const RO_PAGE = RW_PAGE + 0x1000;

const NAMES: InsnName[] = [
  'lui', 'auipc', 'jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
  'lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd',
  'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
  'add', 'sub', 'slt', 'sltu', 'xor', 'or', 'and',
  'addiw', 'slliw', 'srliw', 'sraiw', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'fld', 'fsd', 'flw', 'fsw', 'fmv.x.d', 'fmv.d.x',
]; // prettier-ignore
const MEMORY = new Set<string>([
  'lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd', 'fld', 'fsd', 'flw', 'fsw',
]); // prettier-ignore

const EDGES = [0, 1, -1, 0x7fffffff, -0x80000000, 0x80, 0xff, 31, 32, 63];

function word(rng: Prng): number {
  return rng.below(3) === 0 ? EDGES[rng.below(EDGES.length)]! : rng.u32() | 0;
}

function immediateFor(rng: Prng, name: string): number {
  if (name === 'lui' || name === 'auipc') return rng.u32() >>> 12;
  if (name === 'jal') return (rng.below(1 << 19) - (1 << 18)) * 2;
  if (/^b/.test(name)) return (rng.below(1 << 11) - (1 << 10)) * 2;
  if (/^s(l|r)[la]iw$/.test(name)) return rng.below(32);
  if (/^s(l|r)[la]i$/.test(name)) return rng.below(64);
  return rng.below(4096) - 2048;
}

interface Outcome {
  readonly x: number[];
  readonly f: number[];
  readonly pc: number;
  readonly trap: string | undefined;
  readonly bytes: number[];
}

function setUp(regs: Int32Array, fregs: Int32Array, data: Uint8Array): Cpu[] {
  return [0, 1].map(() => {
    const memory = new PagedMemory();
    memory.map(RW_PAGE, 0x1000, PROT_READ | PROT_WRITE);
    memory.map(RO_PAGE, 0x1000, PROT_READ);
    memory.write(RW_PAGE, data);
    const c = new Cpu(memory, (n) => BigInt(n), true);
    c.x.set(regs);
    c.fi.set(fregs);
    c.x[0] = 0;
    c.x[1] = 0;
    return c;
  });
}

function run(c: Cpu, compiled: boolean, bits: number, warm: number): Outcome {
  const op = decodeInsn(PC, bits & 0xffff, bits >>> 16);
  // Cached translations (or none) for the pages the access may touch, the same on both sides.
  if (warm & 1) c.mmu.loadU8(RW_PAGE, 0);
  if (warm & 2) c.mmu.store8(RW_PAGE, 0, c.mmu.loadU8(RW_PAGE, 0));
  if (warm & 4) c.mmu.loadU8(RO_PAGE, 0);
  let trap: string | undefined;
  try {
    if (compiled) {
      const block = new Block(PC, [op], op.next, [PC / 0x1000]);
      expect(compileBlock(block, c.code)(c, 1)).toBe(1);
    } else {
      c.pc = op.next;
      op.exec(c, op);
    }
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    trap = `${String(e.kind)} ${e.access} ${String(e.addressLo)} ${String(e.addressHi)}`;
  }
  const bytes = (c.memory as PagedMemory).read(RW_PAGE, 0x2000);
  // After a trap the dispatcher puts pc back at the op; only the state matters here.
  return {
    x: [...c.x.subarray(0, 64)],
    f: [...c.fi],
    pc: trap === undefined ? c.pc : -1,
    trap,
    bytes: [...bytes],
  };
}

describe('rv64i templates', () => {
  it('every templated instruction has a case', () => {
    expect(RV64I_TEMPLATES.size + FD_TEMPLATES.size).toBe(NAMES.length);
  });

  it(`agree with the instruction functions on ${String(CASES)} random cases (seed ${String(SEED)})`, () => {
    const rng = new Prng(SEED);
    for (let n = 0; n < CASES; n++) {
      const name = NAMES[rng.below(NAMES.length)]!;
      const pick = (): number => (rng.below(2) === 0 ? rng.below(4) : rng.below(32));
      // fmv's rs2 field is part of its encoding (zero)
      const rs2 = name.startsWith('fmv') ? 0 : pick();
      const operands = { rd: pick(), rs1: pick(), rs2, imm: immediateFor(rng, name) };
      const bits = enc(name, operands);
      const regs = new Int32Array(66);
      for (let s = 2; s < 64; s++) regs[s] = word(rng);
      if (MEMORY.has(name)) {
        // A base near the pages' boundaries, so that with imm the access may
        // straddle into the read-only page or leave the mapped ones.
        const base =
          rng.below(2) === 0
            ? RW_PAGE + rng.below(0x3000) - 0x800
            : RW_PAGE + 0x1000 * rng.below(3) - 8 + rng.below(12); // at a page's end
        const r = operands.rs1 * 2;
        if (r !== 0) {
          regs[r] = (base - operands.imm) | 0;
          regs[r + 1] = rng.below(8) === 0 ? 1 : 0;
        }
      }
      const fregs = Int32Array.from({ length: 64 }, () => word(rng));
      const data = Uint8Array.from({ length: 0x1000 }, () => rng.below(256));
      const warm = rng.below(8);
      const [a, b] = setUp(regs, fregs, data);
      const interpreted = run(a!, false, bits, warm);
      const compiled = run(b!, true, bits, warm);
      if (JSON.stringify(interpreted) !== JSON.stringify(compiled)) {
        throw new Error(
          `seed ${String(SEED)} case ${String(n)}: ${name} ${JSON.stringify(operands)} ` +
            `differs:\n interpreted ${JSON.stringify({ ...interpreted, bytes: undefined })}\n compiled    ${JSON.stringify({ ...compiled, bytes: undefined })}` +
            `\n memory equal: ${String(JSON.stringify(interpreted.bytes) === JSON.stringify(compiled.bytes))}`,
        );
      }
    }
  });
});
