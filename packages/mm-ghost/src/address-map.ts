// The mappings of one process and the Linux rules of the calls that change
// them: mmap, munmap, mprotect, brk, mremap. This is the VMA half of
// mm-ghost; pages live in the page store, which applies the `PageEffect`s
// these calls return (drop the pages of a range, move pages on mremap).
// Results carry the errno name Linux gives; the syscall layer turns it into
// a number for the guest.
import { assert } from '@krg/epm-core';
import { MAPPING_BYTES_MAX, MMAP_BASE, MMAP_MIN_ADDR, PAGE_BYTES, TASK_SIZE } from './limits.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '@krg/arch-riscv';
import { hasBackingObject, type Vma, type VmaKind } from './vma.js';
import { VmaMap } from './vma-map.js';

export type MmErrno = 'EINVAL' | 'ENOMEM' | 'EEXIST' | 'EPERM' | 'EFAULT' | 'EACCES';

/** What a call did to pages, for the page store to apply. */
export type PageEffect =
  /** The range's pages are gone (unmapped or replaced): free them. */
  | { readonly kind: 'drop'; readonly start: number; readonly end: number }
  /** mremap moved a mapping: pages of [from, from+length) now live at `to`. */
  | { readonly kind: 'move'; readonly from: number; readonly to: number; readonly length: number };

export type MmResult =
  | { readonly ok: true; readonly addr: number; readonly effects: readonly PageEffect[] }
  | { readonly ok: false; readonly errno: MmErrno };

/** mmap flags krg understands (Linux's values). */
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_STACK = 0x20000;
export const MAP_FIXED_NOREPLACE = 0x100000;
const MAP_KNOWN =
  MAP_SHARED |
  MAP_PRIVATE |
  MAP_FIXED |
  MAP_ANONYMOUS |
  MAP_NORESERVE |
  MAP_POPULATE |
  MAP_STACK |
  MAP_FIXED_NOREPLACE;

export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;

const PROT_ALL = PROT_READ | PROT_WRITE | PROT_EXEC;

export interface MmapRequest {
  readonly addr: number;
  readonly length: number;
  readonly prot: number;
  readonly flags: number;
  /** What the new mapping is (anonymous memory unless exec or shm says otherwise). */
  readonly kind?: VmaKind;
  readonly name?: string;
  readonly shmId?: number;
  readonly offset?: number;
  /** The most rights a later mprotect may give (absent: all). */
  readonly maxProt?: number;
}

const fail = (errno: MmErrno): MmResult => ({ ok: false, errno });

function pageUp(n: number): number {
  return Math.ceil(n / PAGE_BYTES) * PAGE_BYTES;
}

export class AddressMap {
  readonly vmas = new VmaMap();
  /** Start of the brk heap: just after the highest ELF segment, set at exec. */
  #startBrk = 0;
  /** Current program break (may be unaligned, as Linux reports it). */
  #brk = 0;

  get startBrk(): number {
    return this.#startBrk;
  }

  get brk(): number {
    return this.#brk;
  }

  /** Sets the heap start at exec; the heap is empty until the first brk. */
  setBrkStart(addr: number): void {
    assert(
      addr % PAGE_BYTES === 0 && addr >= MMAP_MIN_ADDR && addr < TASK_SIZE,
      'brk start is a user page',
    );
    this.#startBrk = addr;
    this.#brk = addr;
  }

  /** Restores the brk pair on import (restart or migration). */
  restoreBrk(startBrk: number, brk: number): void {
    assert(startBrk <= brk && brk <= TASK_SIZE, 'imported brk is ordered');
    this.#startBrk = startBrk;
    this.#brk = brk;
  }

  /** Linux's mmap for anonymous, exec-time and shm mappings. */
  mmap(req: MmapRequest): MmResult {
    const { addr, prot, flags } = req;
    if (req.length <= 0 || req.length > MAPPING_BYTES_MAX || !Number.isSafeInteger(req.length)) {
      return fail(req.length === 0 ? 'EINVAL' : 'ENOMEM');
    }
    if ((flags & ~MAP_KNOWN) !== 0) return fail('EINVAL');
    const sharing = flags & (MAP_SHARED | MAP_PRIVATE);
    if (sharing !== MAP_SHARED && sharing !== MAP_PRIVATE) return fail('EINVAL');
    if ((prot & ~PROT_ALL) !== 0) return fail('EINVAL');
    const length = pageUp(req.length);
    const isFixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
    let start: number;
    if (isFixed) {
      if (addr % PAGE_BYTES !== 0) return fail('EINVAL');
      if (addr < MMAP_MIN_ADDR || addr + length > TASK_SIZE)
        return fail(addr < MMAP_MIN_ADDR ? 'EPERM' : 'ENOMEM');
      if ((flags & MAP_FIXED_NOREPLACE) !== 0 && !this.vmas.isFree(addr, addr + length))
        return fail('EEXIST');
      start = addr;
    } else {
      const hint = Math.floor(addr / PAGE_BYTES) * PAGE_BYTES;
      if (
        hint >= MMAP_MIN_ADDR &&
        hint + length <= TASK_SIZE &&
        this.vmas.isFree(hint, hint + length)
      ) {
        start = hint;
      } else {
        const found = this.vmas.findFreeTopDown(length, MMAP_BASE);
        if (found === undefined) return fail('ENOMEM');
        start = found;
      }
    }
    const end = start + length;
    const effects: PageEffect[] = [];
    const removed = this.vmas.remove(start, end);
    if (removed === false) return fail('ENOMEM');
    if (removed.length > 0) effects.push({ kind: 'drop', start, end });
    const vma: Vma = {
      start,
      end,
      prot,
      kind: req.kind ?? 'anon',
      isShared: sharing === MAP_SHARED,
      offset: req.offset ?? 0,
      ...(req.name === undefined ? {} : { name: req.name }),
      ...(req.shmId === undefined ? {} : { shmId: req.shmId }),
      ...(req.maxProt === undefined ? {} : { maxProt: req.maxProt }),
    };
    if (!this.vmas.insert(vma)) {
      // Put back what MAP_FIXED removed so a failed call changes nothing.
      for (const v of removed) this.vmas.insert(v);
      return fail('ENOMEM');
    }
    return { ok: true, addr: start, effects };
  }

  /** Linux's munmap: unmapping holes is fine; the range must be page-aligned. */
  munmap(addr: number, lengthBytes: number): MmResult {
    if (addr % PAGE_BYTES !== 0 || lengthBytes <= 0 || addr + lengthBytes > TASK_SIZE)
      return fail('EINVAL');
    const end = pageUp(addr + lengthBytes);
    const removed = this.vmas.remove(addr, end);
    if (removed === false) return fail('ENOMEM');
    return {
      ok: true,
      addr: 0,
      effects: removed.map((v) => ({ kind: 'drop', start: v.start, end: v.end })),
    };
  }

  /** Linux's mprotect: the whole range must be mapped (ENOMEM otherwise). */
  mprotect(addr: number, lengthBytes: number, prot: number): MmResult {
    if (addr % PAGE_BYTES !== 0 || lengthBytes < 0 || (prot & ~PROT_ALL) !== 0)
      return fail('EINVAL');
    if (lengthBytes === 0) return { ok: true, addr: 0, effects: [] };
    const end = pageUp(addr + lengthBytes);
    if (end > TASK_SIZE || !this.vmas.isCovered(addr, end)) return fail('ENOMEM');
    // A right a mapping may never have (maxProt: a shm segment attached
    // SHM_RDONLY, a shared mapping of a read-only file) stops the call with
    // EACCES where that mapping starts; the mappings before it keep their
    // change, as Linux's walk in address order leaves them.
    const forbidden = this.vmas
      .list()
      .find((v) => v.start < end && v.end > addr && (prot & ~(v.maxProt ?? PROT_ALL)) !== 0);
    const stop = forbidden === undefined ? end : Math.max(addr, forbidden.start);
    if (stop > addr && !this.vmas.update(addr, stop, (v) => ({ ...v, prot })))
      return fail('ENOMEM');
    if (forbidden !== undefined) return fail('EACCES');
    return { ok: true, addr: 0, effects: [] };
  }

  /**
   * Linux's brk: returns the new break, or the old one when the request is
   * below the heap start or would run into another mapping. Shrinking frees
   * the pages above the new break.
   */
  setBrk(requested: number): { readonly brk: number; readonly effects: readonly PageEffect[] } {
    const unchanged = { brk: this.#brk, effects: [] };
    if (requested < this.#startBrk || requested > TASK_SIZE) return unchanged;
    const oldTop = pageUp(this.#brk);
    const newTop = pageUp(requested);
    if (newTop === oldTop) {
      this.#brk = requested;
      return { brk: requested, effects: [] };
    }
    if (newTop < oldTop) {
      const removed = this.vmas.remove(newTop, oldTop);
      if (removed === false) return unchanged;
      this.#brk = requested;
      return { brk: requested, effects: [{ kind: 'drop', start: newTop, end: oldTop }] };
    }
    // Growing: the new pages must not touch another mapping, and Linux keeps
    // a page of guard below the next mapping only for stacks; none here.
    if (!this.vmas.isFree(oldTop, newTop)) return unchanged;
    const heap = oldTop > this.#startBrk ? this.vmas.find(oldTop - PAGE_BYTES) : undefined;
    let ok: boolean;
    if (heap !== undefined && heap.kind === 'heap') {
      const removed = this.vmas.remove(heap.start, heap.end);
      assert(removed !== false && removed.length === 1, 'the heap is one VMA');
      ok = this.vmas.insert({ ...heap, end: newTop });
    } else {
      ok = this.vmas.insert({
        start: oldTop,
        end: newTop,
        prot: PROT_READ | PROT_WRITE,
        kind: 'heap',
        isShared: false,
        offset: 0,
      });
    }
    if (!ok) return unchanged;
    this.#brk = requested;
    return { brk: requested, effects: [] };
  }

  /** Linux's mremap for one mapping: shrink, grow in place, or move (MREMAP_MAYMOVE). */
  mremap(oldAddr: number, oldLength: number, newLengthBytes: number, flags: number): MmResult {
    if (oldAddr % PAGE_BYTES !== 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) !== 0)
      return fail('EINVAL');
    if ((flags & MREMAP_FIXED) !== 0) return fail('EINVAL'); // not supported: glibc never asks for it
    if (newLengthBytes <= 0 || newLengthBytes > MAPPING_BYTES_MAX) return fail('EINVAL');
    const oldEnd = oldAddr + pageUp(oldLength);
    const newLength = pageUp(newLengthBytes);
    const vma = this.vmas.find(oldAddr);
    if (vma === undefined || oldLength === 0 || vma.end < oldEnd) return fail('EFAULT');
    if (newLength === oldEnd - oldAddr) return { ok: true, addr: oldAddr, effects: [] };
    if (newLength < oldEnd - oldAddr) {
      const tail = this.munmap(oldAddr + newLength, oldEnd - oldAddr - newLength);
      return tail.ok ? { ok: true, addr: oldAddr, effects: tail.effects } : tail;
    }
    const growEnd = oldAddr + newLength;
    if (oldEnd === vma.end && growEnd <= TASK_SIZE && this.vmas.isFree(oldEnd, growEnd)) {
      if (
        !this.vmas.insert({
          ...vma,
          start: oldEnd,
          end: growEnd,
          offset: hasBackingObject(vma) ? vma.offset + (oldEnd - vma.start) : 0,
        })
      ) {
        return fail('ENOMEM');
      }
      return { ok: true, addr: oldAddr, effects: [] };
    }
    if ((flags & MREMAP_MAYMOVE) === 0) return fail('ENOMEM');
    const to = this.vmas.findFreeTopDown(newLength, MMAP_BASE);
    if (to === undefined) return fail('ENOMEM');
    const moved = this.vmas.slices(oldAddr, oldEnd);
    const removed = this.vmas.remove(oldAddr, oldEnd);
    if (removed === false) return fail('ENOMEM');
    const first = moved[0]!;
    const ok = this.vmas.insert({ ...first, start: to, end: to + newLength });
    if (!ok) {
      for (const v of removed) this.vmas.insert(v);
      return fail('ENOMEM');
    }
    return {
      ok: true,
      addr: to,
      effects: [{ kind: 'move', from: oldAddr, to, length: oldEnd - oldAddr }],
    };
  }
}
