// The one place where instructions are fetched, decoded, counted and
// sequenced (Spike's execute.cc / insn_template.cc). An instruction function
// only changes state; the dispatcher
//   - finds the decoded block at pc (decoding it on a miss),
//   - runs its ops in order, at most `budget` of them,
//   - advances pc (the block's fall-through, or what its last op set),
//   - counts retired instructions exactly, and
//   - turns a trap thrown by an op into "this instruction did not happen":
//     pc stays at it and it is not counted.
import { Block, SLOT_MASK } from './code-cache.js';
import { type Cpu, STOP_NONE } from './cpu.js';
import { decodeInsn } from './decoder.js';
import { compileBlock } from './block-compiler.js';
import { BLOCK_INSNS_MAX, PAGE_SIZE_BYTES } from './limits.js';
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
  const code = c.code;
  let left = budget;
  while (left > 0) {
    left = runCompiled(c, left);
    if (left < 0) return left === RAN_STOP ? EXIT_STOP : EXIT_TRAP;
    if (left === 0) break;
    const pc = c.pc;
    let block = code.find(pc);
    if (block === undefined) {
      try {
        block = decodeBlock(c, pc);
      } catch (e) {
        if (e !== c.trap) throw e;
        return EXIT_TRAP;
      }
    }
    if (block.compiled !== undefined && block.trace.length <= left) continue;
    // Interpreted: the block's ops in order, at most `left` of them. A write
    // to code (the epoch moves) ends the block after the writing op, as it
    // ends a compiled trace.
    const ops = block.ops;
    const n = ops.length <= left ? ops.length : left;
    const epoch = code.epoch;
    c.pc = block.endPc;
    let i = 0;
    try {
      while (i < n) {
        const o = ops[i]!;
        o.exec(c, o);
        i++;
        if (code.epoch !== epoch && i < ops.length) break;
      }
    } catch (e) {
      c.pc = ops[i]!.pc;
      c.instret += i;
      if (e !== c.trap) throw e;
      return EXIT_TRAP;
    }
    if (i < ops.length) c.pc = ops[i]!.pc;
    c.instret += i;
    left -= i;
    if (++block.runs === c.hotRuns && c.isCompiling) block.compiled = compileBlock(block, code);
    if (c.stop !== STOP_NONE) return EXIT_STOP;
  }
  return EXIT_BUDGET;
}

const RAN_STOP = -1;
const RAN_TRAP = -2;

/**
 * Runs compiled traces found through the direct-mapped cache while they fit
 * the budget. Returns the budget left when the next block is not there, not
 * compiled or larger than what is left (the caller takes over), RAN_STOP
 * after a stop (ecall) and RAN_TRAP after a trap.
 */
function runCompiled(c: Cpu, budget: number): number {
  const slots = c.code.slots;
  let left = budget;
  let block: Block | undefined;
  try {
    for (;;) {
      const pc = c.pc;
      block = slots[(pc >>> 1) & SLOT_MASK];
      if (block === undefined || block.pc !== pc) return left;
      const compiled = block.compiled;
      if (compiled === undefined || block.trace.length > left) return left;
      const retired = compiled(c, left);
      c.instret += retired;
      left -= retired;
      if (c.stop !== STOP_NONE) return RAN_STOP;
      if (left === 0) return 0;
    }
  } catch (e) {
    // Anything thrown (a trap, or a bug in a GuestMemory) leaves the hart
    // at the instruction that threw, with what retired before it counted.
    c.pc = block!.trace[c.faultIndex]!.pc;
    c.instret += c.faultIndex;
    if (e !== c.trap) throw e;
    return RAN_TRAP;
  }
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
