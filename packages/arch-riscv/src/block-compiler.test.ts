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

function pair(
  code: number[],
  codeProt = PROT_READ | PROT_EXEC,
): { harts: Hart[]; memories: PagedMemory[] } {
  const harts: Hart[] = [];
  const memories: PagedMemory[] = [];
  for (const compileBlocks of [true, false]) {
    const memory = new PagedMemory();
    memory.map(CODE_BASE, 4096, codeProt);
    memory.write(CODE_BASE, codeBytes(code));
    memory.map(DATA_BASE, DATA_BYTES, PROT_READ | PROT_WRITE);
    const hart = new Hart(memory, { compileBlocks, hotRuns: 16 });
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

  it('a trace through a not-taken branch and a jump, looping, stops where the interpreter does', () => {
    for (const budget of [1, 2, 3, 5, 7, 11, 64, 97, 1_000_000]) {
      const { harts } = pair(TRACE_LOOP);
      const trails = harts.map((h) => {
        h.writeX(1, BigInt(DATA_BASE));
        h.writeX(2, 500n);
        const trail: bigint[] = [];
        for (;;) {
          const stop = h.run(budget);
          trail.push(stop.pc, BigInt(stop.retired));
          if (stop.kind !== 'budget') break;
        }
        return trail;
      });
      expect(trails[0]).toEqual(trails[1]);
      expect(harts[0]!.getState()).toEqual(harts[1]!.getState());
      // 1 + 2 + ... + 500, with every fourth step subtracted instead of added
      let sum = 0n;
      for (let k = 1n; k <= 500n; k++) sum += k % 4n === 0n ? -k : k;
      expect(BigInt.asIntN(64, harts[0]!.readX(7))).toBe(sum);
    }
  });

  it('a store into the running trace takes effect at the next instruction, compiled or not', () => {
    const { harts } = pair(SELF_MODIFYING, PROT_READ | PROT_WRITE | PROT_EXEC);
    for (const h of harts) {
      h.writeX(2, 200n); // iterations
      h.writeX(8, 150n); // the iteration that rewrites the code
      h.writeX(9, BigInt(enc('addi', { rd: 7, rs1: 7, imm: 100 })));
      h.writeX(14, BigInt(CODE_BASE + 28 - DATA_BASE));
      h.writeX(15, BigInt(DATA_BASE));
      expect(h.run(1_000_000).kind).toBe('ecall');
    }
    expect(harts[0]!.getState()).toEqual(harts[1]!.getState());
    // 149 iterations add 1; from the 150th on (its own included) the rewritten instruction adds 100
    expect(harts[0]!.readX(7)).toBe(149n + 51n * 100n);
  });

  it('a copy-on-write grant taken by a compiled store replaces what compiled loads read', () => {
    // The data page answers reads with `original` until a write is granted,
    // which gets a fresh copy (a COW break after fork); reads then see the copy.
    for (const compileBlocks of [true, false]) {
      const original = new Uint8Array(4096).fill(1);
      const copy = new Uint8Array(4096);
      const inner = new PagedMemory();
      inner.map(CODE_BASE, 4096, PROT_READ | PROT_EXEC);
      inner.write(CODE_BASE, codeBytes(COW_LOOP));
      inner.map(DATA_BASE + 0x1000, 4096, PROT_READ | PROT_WRITE);
      let isCopied = false;
      const memory = {
        page(pageIndex: number, access: 'read' | 'write' | 'execute'): Uint8Array | undefined {
          if (pageIndex !== DATA_BASE / 4096) return inner.page(pageIndex, access);
          if (access === 'execute') return undefined;
          if (access === 'write' && !isCopied) {
            isCopied = true;
            copy.set(original);
          }
          return isCopied ? copy : original;
        },
      };
      const hart = new Hart(memory, { compileBlocks, hotRuns: 16 });
      hart.pc = BigInt(CODE_BASE);
      hart.writeX(1, BigInt(DATA_BASE));
      hart.writeX(2, 9n); // the byte stored
      hart.writeX(6, 300n); // iterations
      hart.writeX(8, 100n); // the iteration whose store goes to the COW page
      hart.writeX(14, -0x1000n); // from the other data page to the COW page
      hart.writeX(15, BigInt(DATA_BASE + 0x1000));
      expect(hart.run(1_000_000).kind).toBe('ecall');
      // 100 iterations read 1 (the 100th reads before it stores), 200 read 9
      expect(hart.readX(7)).toBe(100n + 200n * 9n);
      expect([original[0], copy[0]]).toEqual([1, 9]);
    }
  });

  it('a compiled loop sees mprotect and munmap once the hart is told', () => {
    const { harts, memories } = pair(WALK);
    for (const [k, h] of harts.entries()) {
      h.writeX(1, BigInt(DATA_BASE));
      h.writeX(2, 100_000n);
      expect(h.run(3000).kind).toBe('budget'); // hot and compiled by now
      // Read-only data: the next store faults, nothing after it retires.
      memories[k]!.protect(DATA_BASE, DATA_BYTES, PROT_READ);
      h.invalidate(DATA_BASE, DATA_BYTES);
      const stop = h.run(1_000_000);
      expect(stop).toMatchObject({
        kind: 'page-fault',
        access: 'write',
        pc: BigInt(CODE_BASE + 12),
      });
      // The code page unmapped: the next fetch faults.
      memories[k]!.unmap(CODE_BASE, 4096);
      h.invalidate(CODE_BASE, 4096);
      expect(h.run(1_000_000)).toMatchObject({ kind: 'page-fault', access: 'execute' });
    }
    expect(harts[0]!.getState()).toEqual(harts[1]!.getState());
  });
});

// x5 counts 1, 2, ...; x7 += x5, except every fourth step x7 -= x5; stored to
// [x1] each time; x2 iterations. The trace from the loop head runs through the
// not-taken beq, the block after it and its jal, and loops at the bne.
const TRACE_LOOP = [
  enc('addi', { rd: 5, rs1: 5, imm: 1 }), // 0
  enc('andi', { rd: 6, rs1: 5, imm: 3 }), // 4
  enc('beq', { rs1: 6, rs2: 0, imm: 12 }), // 8 -> 20
  enc('add', { rd: 7, rs1: 7, rs2: 5 }), // 12
  enc('jal', { rd: 0, imm: 8 }), // 16 -> 24
  enc('sub', { rd: 7, rs1: 7, rs2: 5 }), // 20
  enc('sd', { rs1: 1, rs2: 7 }), // 24
  enc('addi', { rd: 2, rs1: 2, imm: -1 }), // 28
  enc('bne', { rs1: 2, rs2: 0, imm: -32 }), // 32 -> 0
  enc('ecall'), // 36
];

// Counts x5 up and stores x9 each pass: into the data area (x15), except
// when x5 reaches x8, when the address becomes the instruction at offset 28
// (x14 = its distance from the data area), which the same pass runs next.
const SELF_MODIFYING = [
  enc('addi', { rd: 5, rs1: 5, imm: 1 }), // 0
  enc('sub', { rd: 12, rs1: 5, rs2: 8 }), // 4
  enc('sltiu', { rd: 12, rs1: 12, imm: 1 }), // 8: 1 when x5 = x8
  enc('sub', { rd: 12, rs1: 0, rs2: 12 }), // 12: all ones then
  enc('and', { rd: 13, rs1: 12, rs2: 14 }), // 16
  enc('add', { rd: 13, rs1: 13, rs2: 15 }), // 20
  enc('sw', { rs1: 13, rs2: 9 }), // 24
  enc('addi', { rd: 7, rs1: 7, imm: 1 }), // 28: rewritten
  enc('addi', { rd: 2, rs1: 2, imm: -1 }), // 32
  enc('bne', { rs1: 2, rs2: 0, imm: -36 }), // 36 -> 0
  enc('ecall'), // 40
];

// Reads the byte at x1 (the COW page) into a running sum each pass, and
// stores x2 at x15 (another page), except on pass x8, when the address
// becomes x1's page (x14 = the distance): that store breaks the COW.
const COW_LOOP = [
  enc('lbu', { rd: 3, rs1: 1 }), // 0
  enc('add', { rd: 7, rs1: 7, rs2: 3 }), // 4
  enc('addi', { rd: 5, rs1: 5, imm: 1 }), // 8
  enc('sub', { rd: 12, rs1: 5, rs2: 8 }), // 12
  enc('sltiu', { rd: 12, rs1: 12, imm: 1 }), // 16
  enc('sub', { rd: 12, rs1: 0, rs2: 12 }), // 20
  enc('and', { rd: 13, rs1: 12, rs2: 14 }), // 24
  enc('add', { rd: 13, rs1: 13, rs2: 15 }), // 28
  enc('sb', { rs1: 13, rs2: 2 }), // 32
  enc('addi', { rd: 6, rs1: 6, imm: -1 }), // 36
  enc('bne', { rs1: 6, rs2: 0, imm: -40 }), // 40 -> 0
  enc('ecall'), // 44
];
