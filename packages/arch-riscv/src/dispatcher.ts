// The one place where instructions are fetched, decoded, counted and
// sequenced (Spike's execute.cc / insn_template.cc). An instruction function
// only changes state; the dispatcher
//   - finds the decoded block at pc (decoding it on a miss),
//   - runs its ops in order, at most `budget` of them,
//   - advances pc (the block's fall-through, or what its last op set),
//   - counts retired instructions exactly, and
//   - turns a trap thrown by an op into "this instruction did not happen":
//     pc stays at it and it is not counted.
import { Block, blockSlot } from './code-cache.js';
import { type Cpu, STOP_NONE } from './cpu.js';
import { decodeInsn } from './decoder.js';
import { compileBlock } from './block-compiler.js';
import { BLOCK_HOT_RUNS, BLOCK_INSNS_MAX, PAGE_SIZE_BYTES } from './limits.js';
import type { Op } from './op.js';
import { CAUSE_PAGE_FAULT } from './trap.js';

/** Why `execute` returned. */
export const EXIT_BUDGET = 0;
export const EXIT_STOP = 1; // an op set c.stop (ecall)
export const EXIT_TRAP = 2; // an op or the fetch threw c.trap

/**
 * Executes up to `budget` instructions. On return `c.pc` is the next
 * instruction to execute (for a trap: the trapping one) and `c.instret`
 * counts every retired instruction.
 */
export function execute(c: Cpu, budget: number): number {
  const slots = c.code.slots;
  let left = budget;
  while (left > 0) {
    const pc = c.pc;
    let block = slots[blockSlot(pc)];
    if (block === undefined || block.pc !== pc) {
      block = c.code.find(pc);
      if (block === undefined) {
        try {
          block = decodeBlock(c, pc);
        } catch (e) {
          if (e !== c.trap) throw e;
          return EXIT_TRAP;
        }
      }
    }
    const ops = block.ops;
    const compiled = block.compiled;
    c.pc = block.endPc;
    if (compiled !== undefined && ops.length <= left) {
      try {
        compiled(c);
      } catch (e) {
        // Anything thrown (a trap, or a bug in a GuestMemory) leaves the hart
        // at the instruction that threw, with what retired before it counted.
        c.pc = ops[c.faultIndex]!.pc;
        c.instret += c.faultIndex;
        if (e !== c.trap) throw e;
        return EXIT_TRAP;
      }
      c.instret += ops.length;
      left -= ops.length;
    } else {
      const n = ops.length <= left ? ops.length : left;
      let i = 0;
      try {
        for (; i < n; i++) {
          const o = ops[i]!;
          o.exec(c, o);
        }
      } catch (e) {
        c.pc = ops[i]!.pc;
        c.instret += i;
        if (e !== c.trap) throw e;
        return EXIT_TRAP;
      }
      if (n < ops.length) c.pc = ops[n]!.pc;
      c.instret += n;
      left -= n;
      if (++block.runs === BLOCK_HOT_RUNS && c.isCompiling) block.compiled = compileBlock(block);
    }
    if (c.stop !== STOP_NONE) return EXIT_STOP;
  }
  return EXIT_BUDGET;
}

/**
 * Decodes the block at pc and caches it. The first instruction must be
 * fetchable (else a fetch page fault is thrown); later ones that are not end
 * the block before them, so their fault is reported when pc reaches them.
 */
export function decodeBlock(c: Cpu, startPc: number): Block {
  const firstPage = Math.floor(startPc / PAGE_SIZE_BYTES);
  const page = fetchPage(c, firstPage, startPc);
  const ops: Op[] = [];
  const pageIndices = [firstPage];
  let pc = startPc;
  while (ops.length < BLOCK_INSNS_MAX) {
    const offset = pc - firstPage * PAGE_SIZE_BYTES;
    if (offset >= PAGE_SIZE_BYTES) break;
    const parcel = page[offset]! | (page[offset + 1]! << 8);
    let upper = 0;
    let isStraddling = false;
    if ((parcel & 3) === 3) {
      if (offset + 2 < PAGE_SIZE_BYTES) {
        upper = page[offset + 2]! | (page[offset + 3]! << 8);
      } else {
        // A 32-bit instruction whose second half is on the next page.
        const next = c.memory.page(firstPage + 1, 'execute');
        if (next === undefined) {
          if (ops.length > 0) break;
          fetchPage(c, firstPage + 1, (firstPage + 1) * PAGE_SIZE_BYTES);
          break; // unreachable: fetchPage threw
        }
        upper = next[0]! | (next[1]! << 8);
        isStraddling = true;
        pageIndices.push(firstPage + 1);
      }
    }
    const op = decodeInsn(pc, parcel, upper);
    op.index = ops.length;
    ops.push(op);
    pc += op.lengthBytes;
    if (op.endsBlock || isStraddling) break;
  }
  const block = new Block(startPc, ops, pc, pageIndices);
  c.code.insert(block);
  return block;
}

function fetchPage(c: Cpu, pageIndex: number, address: number): Uint8Array {
  const bytes = c.memory.page(pageIndex, 'execute');
  if (bytes === undefined) {
    throw c.trap.memory(
      CAUSE_PAGE_FAULT,
      'execute',
      address | 0,
      Math.floor(address / 2 ** 32) | 0,
    );
  }
  return bytes;
}
