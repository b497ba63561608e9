// The hart's view of guest memory: a software TLB in front of `GuestMemory`.
//
// Two direct-mapped TLBs (reads, writes) map a page to a DataView of its bytes;
// a hit costs two compares. Misses, accesses that straddle two pages, and
// writes to pages holding decoded code take the slow path. A straddling access
// translates both pages before touching either, so a fault commits nothing.
// Writes to a page with decoded blocks never enter the write TLB: each such
// write invalidates the page's blocks, which is how self-modifying code is
// seen (spec: Zifencei; Linux user space also relies on fence.i).
//
// Addresses arrive as two 32-bit halves (lo, hi) because that is how the
// registers hold them; a page index is hi * 2^20 + (lo >>> 12).
import { assert } from './assert.js';
import type { CodeCache } from './code-cache.js';
import { PAGE_SHIFT_BITS, PAGE_SIZE_BYTES, TLB_ENTRIES } from './limits.js';
import type { AccessKind, GuestMemory } from './memory.js';
import { CAUSE_MISALIGNED, CAUSE_PAGE_FAULT, type Trap } from './trap.js';

const TLB_MASK = TLB_ENTRIES - 1;
const PAGE_BASE_MASK = -PAGE_SIZE_BYTES; // ~0xfff as an int32
const OFFSET_MASK = PAGE_SIZE_BYTES - 1;
const NO_TAG = 1; // never equal to a page base (those have the low 12 bits clear)
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/** Page index of an address given as 32-bit halves. */
export function pageIndexOf(lo: number, hi: number): number {
  return (hi >>> 0) * 2 ** (32 - PAGE_SHIFT_BITS) + (lo >>> PAGE_SHIFT_BITS);
}

export class Mmu {
  // The TLB arrays are public to the block compiler only: compiled blocks
  // inline the hit path of loads and stores (src/isa/rv64i-templates.ts) and
  // call the methods below on a miss. Nothing else writes them.
  readonly readTagLo = new Int32Array(TLB_ENTRIES).fill(NO_TAG);
  readonly readTagHi = new Int32Array(TLB_ENTRIES);
  readonly readView: DataView[] = new Array<DataView>(TLB_ENTRIES).fill(EMPTY_VIEW);
  readonly writeTagLo = new Int32Array(TLB_ENTRIES).fill(NO_TAG);
  readonly writeTagHi = new Int32Array(TLB_ENTRIES);
  readonly writeView: DataView[] = new Array<DataView>(TLB_ENTRIES).fill(EMPTY_VIEW);
  // Bytes of an access that straddles two pages.
  readonly #bounce = new DataView(new ArrayBuffer(8));

  /** High word of the last 64-bit load. */
  hi = 0;
  /** Offset into the view returned by `atomicView`. */
  offset = 0;

  constructor(
    readonly memory: GuestMemory,
    readonly trap: Trap,
    readonly code: CodeCache,
  ) {}

  // ---- loads: fast path inline, everything else in #loadSlow ----

  loadU8(lo: number, hi: number): number {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    if (this.readTagLo[i] === (lo & PAGE_BASE_MASK) && this.readTagHi[i] === hi) {
      return this.readView[i]!.getUint8(lo & OFFSET_MASK);
    }
    return this.#loadSlow(lo, hi, 1);
  }

  loadU16(lo: number, hi: number): number {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    const offset = lo & OFFSET_MASK;
    if (
      this.readTagLo[i] === (lo & PAGE_BASE_MASK) &&
      this.readTagHi[i] === hi &&
      offset <= PAGE_SIZE_BYTES - 2
    ) {
      return this.readView[i]!.getUint16(offset, true);
    }
    return this.#loadSlow(lo, hi, 2);
  }

  /** A 32-bit load, returned as a signed int32. */
  loadI32(lo: number, hi: number): number {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    const offset = lo & OFFSET_MASK;
    if (
      this.readTagLo[i] === (lo & PAGE_BASE_MASK) &&
      this.readTagHi[i] === hi &&
      offset <= PAGE_SIZE_BYTES - 4
    ) {
      return this.readView[i]!.getInt32(offset, true);
    }
    return this.#loadSlow(lo, hi, 4);
  }

  /** A 64-bit load: returns the low word, leaves the high word in `this.hi`. */
  load64(lo: number, hi: number): number {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    const offset = lo & OFFSET_MASK;
    if (
      this.readTagLo[i] === (lo & PAGE_BASE_MASK) &&
      this.readTagHi[i] === hi &&
      offset <= PAGE_SIZE_BYTES - 8
    ) {
      const view = this.readView[i]!;
      this.hi = view.getInt32(offset + 4, true);
      return view.getInt32(offset, true);
    }
    return this.#loadSlow(lo, hi, 8);
  }

  // ---- stores ----

  store8(lo: number, hi: number, value: number): void {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    if (this.writeTagLo[i] === (lo & PAGE_BASE_MASK) && this.writeTagHi[i] === hi) {
      this.writeView[i]!.setUint8(lo & OFFSET_MASK, value);
      return;
    }
    this.#storeSlow(lo, hi, 1, value, 0);
  }

  store16(lo: number, hi: number, value: number): void {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    const offset = lo & OFFSET_MASK;
    if (
      this.writeTagLo[i] === (lo & PAGE_BASE_MASK) &&
      this.writeTagHi[i] === hi &&
      offset <= PAGE_SIZE_BYTES - 2
    ) {
      this.writeView[i]!.setUint16(offset, value, true);
      return;
    }
    this.#storeSlow(lo, hi, 2, value, 0);
  }

  store32(lo: number, hi: number, value: number): void {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    const offset = lo & OFFSET_MASK;
    if (
      this.writeTagLo[i] === (lo & PAGE_BASE_MASK) &&
      this.writeTagHi[i] === hi &&
      offset <= PAGE_SIZE_BYTES - 4
    ) {
      this.writeView[i]!.setInt32(offset, value, true);
      return;
    }
    this.#storeSlow(lo, hi, 4, value, 0);
  }

  store64(lo: number, hi: number, valueLo: number, valueHi: number): void {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    const offset = lo & OFFSET_MASK;
    if (
      this.writeTagLo[i] === (lo & PAGE_BASE_MASK) &&
      this.writeTagHi[i] === hi &&
      offset <= PAGE_SIZE_BYTES - 8
    ) {
      const view = this.writeView[i]!;
      view.setInt32(offset, valueLo, true);
      view.setInt32(offset + 4, valueHi, true);
      return;
    }
    this.#storeSlow(lo, hi, 8, valueLo, valueHi);
  }

  /**
   * The page view for an atomic read-modify-write of `sizeBytes` at (lo, hi),
   * with `this.offset` set. Atomics must be naturally aligned (spec: A
   * extension; Linux delivers SIGBUS otherwise) and need write permission.
   * Decoded blocks of the page are dropped first: the caller writes next, and
   * nothing after this point can fault.
   */
  atomicView(lo: number, hi: number, sizeBytes: number): DataView {
    if ((lo & (sizeBytes - 1)) !== 0) throw this.trap.memory(CAUSE_MISALIGNED, 'write', lo, hi);
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    this.offset = lo & OFFSET_MASK;
    if (this.writeTagLo[i] === (lo & PAGE_BASE_MASK) && this.writeTagHi[i] === hi)
      return this.writeView[i]!;
    const pageIndex = pageIndexOf(lo, hi);
    const view = this.#translate(pageIndex, 'write', lo, hi);
    this.code.invalidatePage(pageIndex);
    return view;
  }

  /** Raises a misaligned-access trap unless an atomic access (LR, SC) is naturally aligned. */
  checkAtomicAlignment(lo: number, hi: number, sizeBytes: number, access: AccessKind): void {
    if ((lo & (sizeBytes - 1)) !== 0) throw this.trap.memory(CAUSE_MISALIGNED, access, lo, hi);
  }

  // ---- TLB maintenance ----

  /** Drops the cached translations of one page. */
  dropPage(pageIndex: number): void {
    const i = pageIndex & TLB_MASK;
    const tagLo = ((pageIndex % 2 ** (32 - PAGE_SHIFT_BITS)) * PAGE_SIZE_BYTES) | 0;
    const tagHi = Math.floor(pageIndex / 2 ** (32 - PAGE_SHIFT_BITS)) | 0;
    if (this.readTagLo[i] === tagLo && this.readTagHi[i] === tagHi) this.readTagLo[i] = NO_TAG;
    this.dropWrite(pageIndex);
  }

  /** Drops the cached write translation of one page (it now holds code). */
  dropWrite(pageIndex: number): void {
    const i = pageIndex & TLB_MASK;
    const tagLo = ((pageIndex % 2 ** (32 - PAGE_SHIFT_BITS)) * PAGE_SIZE_BYTES) | 0;
    const tagHi = Math.floor(pageIndex / 2 ** (32 - PAGE_SHIFT_BITS)) | 0;
    if (this.writeTagLo[i] === tagLo && this.writeTagHi[i] === tagHi) this.writeTagLo[i] = NO_TAG;
  }

  /** Drops every cached translation. */
  flush(): void {
    this.readTagLo.fill(NO_TAG);
    this.writeTagLo.fill(NO_TAG);
    this.readView.fill(EMPTY_VIEW);
    this.writeView.fill(EMPTY_VIEW);
  }

  // ---- slow paths ----

  // Returns the loaded value: zero-extended for 1 and 2 bytes, int32 for 4, the
  // low word for 8 (high word in this.hi).
  #loadSlow(lo: number, hi: number, sizeBytes: number): number {
    const offset = lo & OFFSET_MASK;
    const pageIndex = pageIndexOf(lo, hi);
    const view = this.#readPage(pageIndex, lo, hi);
    if (offset + sizeBytes <= PAGE_SIZE_BYTES) return readValue(view, offset, sizeBytes, this);
    // Straddles two pages: translate the second before reading anything.
    const nextLo = (lo & PAGE_BASE_MASK) + PAGE_SIZE_BYTES;
    const nextHi = nextLo === 0 ? (hi + 1) | 0 : hi;
    const next = this.#readPage(pageIndex + 1, nextLo | 0, nextHi);
    const bounce = this.#bounce;
    const first = PAGE_SIZE_BYTES - offset;
    for (let k = 0; k < first; k++) bounce.setUint8(k, view.getUint8(offset + k));
    for (let k = first; k < sizeBytes; k++) bounce.setUint8(k, next.getUint8(k - first));
    return readValue(bounce, 0, sizeBytes, this);
  }

  #storeSlow(lo: number, hi: number, sizeBytes: number, valueLo: number, valueHi: number): void {
    const offset = lo & OFFSET_MASK;
    const pageIndex = pageIndexOf(lo, hi);
    const view = this.#writePage(pageIndex, lo, hi);
    if (offset + sizeBytes <= PAGE_SIZE_BYTES) {
      writeValue(view, offset, sizeBytes, valueLo, valueHi);
      this.code.invalidatePage(pageIndex);
      return;
    }
    const nextLo = (lo & PAGE_BASE_MASK) + PAGE_SIZE_BYTES;
    const nextHi = nextLo === 0 ? (hi + 1) | 0 : hi;
    const next = this.#writePage(pageIndex + 1, nextLo | 0, nextHi);
    const bounce = this.#bounce;
    writeValue(bounce, 0, sizeBytes, valueLo, valueHi);
    const first = PAGE_SIZE_BYTES - offset;
    for (let k = 0; k < first; k++) view.setUint8(offset + k, bounce.getUint8(k));
    for (let k = first; k < sizeBytes; k++) next.setUint8(k - first, bounce.getUint8(k));
    this.code.invalidatePage(pageIndex);
    this.code.invalidatePage(pageIndex + 1);
  }

  #readPage(pageIndex: number, lo: number, hi: number): DataView {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    if (this.readTagLo[i] === (lo & PAGE_BASE_MASK) && this.readTagHi[i] === hi)
      return this.readView[i]!;
    const view = this.#translate(pageIndex, 'read', lo, hi);
    this.readTagLo[i] = lo & PAGE_BASE_MASK;
    this.readTagHi[i] = hi;
    this.readView[i] = view;
    return view;
  }

  // A page granted for writing enters the write TLB unless it holds decoded
  // code; its read entry is dropped because a write grant may be a fresh copy.
  #writePage(pageIndex: number, lo: number, hi: number): DataView {
    const i = (lo >>> PAGE_SHIFT_BITS) & TLB_MASK;
    if (this.writeTagLo[i] === (lo & PAGE_BASE_MASK) && this.writeTagHi[i] === hi)
      return this.writeView[i]!;
    const view = this.#translate(pageIndex, 'write', lo, hi);
    if (this.readTagLo[i] === (lo & PAGE_BASE_MASK) && this.readTagHi[i] === hi) {
      this.readTagLo[i] = NO_TAG;
    }
    if (!this.code.hasPage(pageIndex)) {
      this.writeTagLo[i] = lo & PAGE_BASE_MASK;
      this.writeTagHi[i] = hi;
      this.writeView[i] = view;
    }
    return view;
  }

  #translate(pageIndex: number, access: AccessKind, lo: number, hi: number): DataView {
    const bytes = this.memory.page(pageIndex, access);
    if (bytes === undefined) {
      // (lo, hi) is the first byte of the access that lies in this page.
      throw this.trap.memory(CAUSE_PAGE_FAULT, access, lo, hi);
    }
    assert(bytes.length === PAGE_SIZE_BYTES, 'GuestMemory.page returns 4096 bytes');
    return new DataView(bytes.buffer, bytes.byteOffset, PAGE_SIZE_BYTES);
  }
}

function readValue(view: DataView, offset: number, sizeBytes: number, mmu: Mmu): number {
  switch (sizeBytes) {
    case 1:
      return view.getUint8(offset);
    case 2:
      return view.getUint16(offset, true);
    case 4:
      return view.getInt32(offset, true);
    default:
      mmu.hi = view.getInt32(offset + 4, true);
      return view.getInt32(offset, true);
  }
}

function writeValue(
  view: DataView,
  offset: number,
  sizeBytes: number,
  valueLo: number,
  valueHi: number,
): void {
  switch (sizeBytes) {
    case 1:
      view.setUint8(offset, valueLo);
      return;
    case 2:
      view.setUint16(offset, valueLo, true);
      return;
    case 4:
      view.setInt32(offset, valueLo, true);
      return;
    default:
      view.setInt32(offset, valueLo, true);
      view.setInt32(offset + 4, valueHi, true);
  }
}
