// Compiled blocks must behave exactly as interpreted ones: the same state,
// the same retired counts, faults reported at the same instruction with
// nothing committed, and budget stops at any instruction. Each program runs
// on a compiling hart and on an interpreting one and the two are compared.
import { describe, expect, it } from 'vitest';
import { Hart } from './hart.js';
import { CODE_BASE, DATA_BASE, DATA_BYTES, codeBytes, enc } from './isa/encode.test-util.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from './memory.js';
import { PagedMemory } from './paged-memory.js';
import type { StopReason } from './stop-reason.js';

function pair(code: number[]): { harts: Hart[]; memories: PagedMemory[] } {
  const harts: Hart[] = [];
  const memories: PagedMemory[] = [];
  for (const compileBlocks of [true, false]) {
    const memory = new PagedMemory();
    memory.map(CODE_BASE, 4096, PROT_READ | PROT_EXEC);
    memory.write(CODE_BASE, codeBytes(code));
    memory.map(DATA_BASE, DATA_BYTES, PROT_READ | PROT_WRITE);
    const hart = new Hart(memory, { compileBlocks });
    hart.pc = BigInt(CODE_BASE);
    harts.push(hart);
    memories.push(memory);
  }
  return { harts, memories };
}

// Sums the 64-bit words from x1 upward until the sum loop has run x2 times; stores a running
// checksum back, so both loads and stores run inside a hot block.
const WALK = [
  enc('addi', { rd: 5, rs1: 5, imm: 1 }),
  enc('ld', { rd: 3, rs1: 1 }),
  enc('add', { rd: 4, rs1: 4, rs2: 3 }),
  enc('sd', { rs1: 1, rs2: 4 }),
  enc('addi', { rd: 1, rs1: 1, imm: 8 }),
  enc('addi', { rd: 2, rs1: 2, imm: -1 }),
  enc('bne', { rs1: 2, rs2: 0, imm: -24 }),
  enc('ecall'),
];

describe('compiled blocks', () => {
  it('a hot loop gives the same state and counts compiled and interpreted', () => {
    const { harts } = pair(WALK);
    const stops = harts.map((h) => {
      h.writeX(1, BigInt(DATA_BASE));
      h.writeX(2, 1000n);
      return h.run(1_000_000);
    });
    expect(stops[0]).toEqual(stops[1]);
    expect(stops[0]).toMatchObject({ kind: 'ecall', retired: 7001 });
    expect(harts[0]!.getState()).toEqual(harts[1]!.getState());
  });

  it('a fault inside a compiled block stops at the faulting instruction with nothing committed', () => {
    const { harts, memories } = pair(WALK);
    const results: [StopReason, ReturnType<Hart['getState']>][] = harts.map((h) => {
      h.writeX(1, BigInt(DATA_BASE));
      h.writeX(2, 5000n); // walks past the end of the data area
      h.writeX(3, 0xdeadn);
      return [h.run(1_000_000), h.getState()];
    });
    expect(results[0]).toEqual(results[1]);
    const [stop, state] = results[0]!;
    const pages = DATA_BYTES / 8;
    // The ld is the block's second op: the addi before it retired.
    expect(stop).toEqual({
      kind: 'page-fault',
      access: 'read',
      address: BigInt(DATA_BASE + DATA_BYTES),
      pc: BigInt(CODE_BASE + 4),
      retired: pages * 7 + 1,
    });
    expect(state.x[1]).toBe(BigInt(DATA_BASE + DATA_BYTES));
    // Resolve the fault and finish: both harts agree again.
    for (const [k, h] of harts.entries()) {
      memories[k]!.map(DATA_BASE + DATA_BYTES, 0x10000, PROT_READ | PROT_WRITE);
      expect(h.run(1_000_000).kind).toBe('ecall');
    }
    expect(harts[0]!.getState()).toEqual(harts[1]!.getState());
  });

  it('budget stops fall at the same instruction for every budget', () => {
    for (const budget of [1, 5, 6, 7, 13, 97]) {
      const { harts } = pair(WALK);
      const trails = harts.map((h) => {
        h.writeX(1, BigInt(DATA_BASE));
        h.writeX(2, 300n);
        const trail: bigint[] = [];
        for (;;) {
          const stop = h.run(budget);
          trail.push(stop.pc);
          if (stop.kind !== 'budget') break;
        }
        return trail;
      });
      expect(trails[0]).toEqual(trails[1]);
      expect(harts[0]!.getState()).toEqual(harts[1]!.getState());
    }
  });
});
