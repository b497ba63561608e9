// Decoded blocks, keyed by pc: each instruction is decoded once, not on every
// execution. A block is a straight run of ops that ends at a control transfer,
// a stop (ecall, ebreak, fence.i, an illegal instruction), a page boundary or
// BLOCK_INSNS_MAX. The owner of every block is the table of the page(s) it was
// decoded from, so dropping a page drops exactly its blocks; a direct-mapped
// array in front of those tables makes the common lookup one load and a compare.
import { BLOCK_CACHE_SLOTS, DECODED_BLOCKS_MAX, PAGE_SIZE_BYTES } from './limits.js';
import type { CompiledBlock } from './block-compiler.js';
import type { Op } from './op.js';

export const SLOT_MASK = BLOCK_CACHE_SLOTS - 1;

export class Block {
  constructor(
    readonly pc: number,
    readonly ops: readonly Op[],
    /** pc after the last op when it falls through. */
    readonly endPc: number,
    /** Page indices the block's bytes come from (one, or two for a straddling instruction). */
    readonly pageIndices: readonly number[],
  ) {
    this.trace = ops;
  }

  /** Times the block was interpreted; at the hart's `hotRuns` it is compiled. */
  runs = 0;
  /** The block's trace as one JavaScript function, once it is hot. */
  compiled: CompiledBlock | undefined = undefined;
  /**
   * The ops the compiled function runs: this block's, then those of the
   * blocks it continues into (block-compiler.ts); an op's position here is
   * the number of instructions the function retired before it.
   */
  trace: readonly Op[];
}

/** Slot of the direct-mapped cache for a pc (ToUint32 keeps the low bits of any pc). */
export function blockSlot(pc: number): number {
  return (pc >>> 1) & SLOT_MASK;
}

export class CodeCache {
  /** Direct-mapped front cache; a slot may hold a block of another pc. */
  readonly slots: (Block | undefined)[] = new Array<Block | undefined>(BLOCK_CACHE_SLOTS).fill(
    undefined,
  );
  readonly #pages = new Map<number, Map<number, Block>>();
  #blockCount = 0;
  /**
   * Counts invalidations. A compiled trace reads it before and after an op
   * that may write memory and leaves when it changed, so code written by the
   * trace itself is seen from the next instruction on (as qemu does).
   */
  epoch = 0;
  /** Called with a page index when the page gets its first block. */
  onCodePage: (pageIndex: number) => void = () => {};

  get blockCount(): number {
    return this.#blockCount;
  }

  hasPage(pageIndex: number): boolean {
    return this.#pages.has(pageIndex);
  }

  /** The block starting at pc, if decoded, without touching the front cache. */
  peek(pc: number): Block | undefined {
    return this.#pages.get(Math.floor(pc / PAGE_SIZE_BYTES))?.get(pc);
  }

  /** The block starting at pc, from the page tables (refilling its slot), if decoded. */
  find(pc: number): Block | undefined {
    const block = this.#pages.get(Math.floor(pc / PAGE_SIZE_BYTES))?.get(pc);
    if (block !== undefined) this.slots[blockSlot(pc)] = block;
    return block;
  }

  insert(block: Block): void {
    if (this.#blockCount >= DECODED_BLOCKS_MAX) this.flush();
    for (const pageIndex of block.pageIndices) {
      let table = this.#pages.get(pageIndex);
      if (table === undefined) {
        table = new Map();
        this.#pages.set(pageIndex, table);
        this.onCodePage(pageIndex);
      }
      table.set(block.pc, block);
    }
    this.slots[blockSlot(block.pc)] = block;
    this.#blockCount++;
  }

  /** Drops every block decoded from the page. */
  invalidatePage(pageIndex: number): void {
    const table = this.#pages.get(pageIndex);
    if (table === undefined) return;
    this.epoch++;
    for (const block of table.values()) this.#drop(block);
  }

  /** The page indices that hold decoded blocks, for range invalidation. */
  codePages(): number[] {
    return [...this.#pages.keys()];
  }

  flush(): void {
    this.epoch++;
    this.#pages.clear();
    this.slots.fill(undefined);
    this.#blockCount = 0;
  }

  #drop(block: Block): void {
    for (const pageIndex of block.pageIndices) {
      const table = this.#pages.get(pageIndex);
      if (table === undefined) continue;
      table.delete(block.pc);
      if (table.size === 0) this.#pages.delete(pageIndex);
    }
    const slot = blockSlot(block.pc);
    if (this.slots[slot] === block) this.slots[slot] = undefined;
    this.#blockCount--;
  }
}
