// The VMAs of one address space, kept sorted and non-overlapping, with the
// range operations the mmap family is built from: find, insert, remove a
// range (splitting VMAs at its edges), change protection of a range, and find
// a free gap top-down. Adjacent compatible VMAs are merged, as Linux does, so
// the count stays small and /proc/<pid>/maps reads as on Linux.
import { assert } from '@krg/epm-core';
import { MMAP_MIN_ADDR, PAGE_BYTES, TASK_SIZE, VMAS_MAX } from './limits.js';
import { canMerge, sliceVma, type Vma } from './vma.js';

export class VmaMap {
  // Sorted by start; no two overlap.
  #vmas: Vma[] = [];

  get count(): number {
    return this.#vmas.length;
  }

  /** Every VMA, ascending. */
  list(): readonly Vma[] {
    return this.#vmas;
  }

  /** The VMA that contains `addr`, if any. */
  find(addr: number): Vma | undefined {
    const i = this.#indexAfter(addr) - 1;
    const vma = this.#vmas[i];
    return vma !== undefined && addr < vma.end ? vma : undefined;
  }

  /** True when no VMA overlaps [start, end). */
  isFree(start: number, end: number): boolean {
    return this.#overlapping(start, end).length === 0;
  }

  /** True when [start, end) is covered by VMAs with no hole. */
  isCovered(start: number, end: number): boolean {
    let at = start;
    for (const vma of this.#overlapping(start, end)) {
      if (vma.start > at) return false;
      at = vma.end;
    }
    return at >= end;
  }

  /** VMAs overlapping [start, end), clipped to it. */
  slices(start: number, end: number): Vma[] {
    return this.#overlapping(start, end).map((v) => sliceVma(v, start, end));
  }

  /**
   * Inserts a VMA into a free range. Returns false (and changes nothing) when
   * the map is full; the caller answers ENOMEM.
   */
  insert(vma: Vma): boolean {
    checkRange(vma.start, vma.end);
    assert(this.isFree(vma.start, vma.end), 'a VMA is inserted only into a free range');
    if (this.#vmas.length >= VMAS_MAX) return false;
    const i = this.#indexAfter(vma.start);
    this.#vmas.splice(i, 0, vma);
    this.#mergeAround(i);
    return true;
  }

  /**
   * Removes [start, end) from every VMA it overlaps, splitting at the edges.
   * Returns the removed pieces. Fails (false, nothing changed) only if a split
   * would exceed VMAS_MAX.
   */
  remove(start: number, end: number): Vma[] | false {
    checkRange(start, end);
    const hit = this.#overlapping(start, end);
    if (hit.length === 0) return [];
    const first = hit[0]!;
    const last = hit[hit.length - 1]!;
    const keep: Vma[] = [];
    if (first.start < start) keep.push(sliceVma(first, first.start, start));
    if (last.end > end) keep.push(sliceVma(last, end, last.end));
    if (this.#vmas.length - hit.length + keep.length > VMAS_MAX) return false;
    const i = this.#vmas.indexOf(first);
    this.#vmas.splice(i, hit.length, ...keep);
    return hit.map((v) => sliceVma(v, start, end));
  }

  /**
   * Applies `change` to every VMA piece in [start, end), splitting at the
   * edges and merging afterwards. The range must be covered (the caller
   * answers ENOMEM otherwise). Returns false if splits would exceed VMAS_MAX.
   */
  update(start: number, end: number, change: (vma: Vma) => Vma): boolean {
    checkRange(start, end);
    assert(this.isCovered(start, end), 'update needs a covered range');
    const hit = this.#overlapping(start, end);
    const replaced: Vma[] = [];
    for (const v of hit) {
      if (v.start < start) replaced.push(sliceVma(v, v.start, start));
      const mid = change(sliceVma(v, start, end));
      assert(mid.start === Math.max(v.start, start), 'a change keeps the range');
      replaced.push(mid);
      if (v.end > end) replaced.push(sliceVma(v, end, v.end));
    }
    if (this.#vmas.length - hit.length + replaced.length > VMAS_MAX) return false;
    const i = this.#vmas.indexOf(hit[0]!);
    this.#vmas.splice(i, hit.length, ...replaced);
    for (
      let j = Math.min(i + replaced.length, this.#vmas.length - 1);
      j >= Math.max(i - 1, 0);
      j--
    ) {
      this.#mergeAround(j);
    }
    return true;
  }

  /**
   * The highest free gap of `length` bytes that ends at or below `top` and
   * starts at or above MMAP_MIN_ADDR: Linux's top-down unmapped-area search.
   */
  findFreeTopDown(length: number, top: number): number | undefined {
    assert(length > 0 && length % PAGE_BYTES === 0, 'length is a positive page multiple');
    let ceiling = top;
    for (let i = this.#indexAfter(top - 1) - 1; i >= -1; i--) {
      const vma = this.#vmas[i];
      const floor = vma === undefined ? MMAP_MIN_ADDR : Math.max(vma.end, MMAP_MIN_ADDR);
      if (vma !== undefined && vma.start >= ceiling) continue;
      if (ceiling - floor >= length) return ceiling - length;
      if (vma === undefined) return undefined;
      ceiling = Math.min(ceiling, vma.start);
    }
    return undefined;
  }

  /** Replaces the whole map (restart and migration import). */
  replaceAll(vmas: readonly Vma[]): void {
    const sorted = [...vmas].sort((a, b) => a.start - b.start);
    for (let i = 0; i < sorted.length; i++) {
      checkRange(sorted[i]!.start, sorted[i]!.end);
      if (i > 0) assert(sorted[i - 1]!.end <= sorted[i]!.start, 'imported VMAs do not overlap');
    }
    assert(sorted.length <= VMAS_MAX, 'imported VMA count within VMAS_MAX');
    this.#vmas = sorted;
  }

  // Index of the first VMA whose start is > addr.
  #indexAfter(addr: number): number {
    let lo = 0;
    let hi = this.#vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#vmas[mid]!.start <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #overlapping(start: number, end: number): Vma[] {
    const out: Vma[] = [];
    let i = this.#indexAfter(start) - 1;
    if (i < 0 || this.#vmas[i]!.end <= start) i++;
    for (; i < this.#vmas.length && this.#vmas[i]!.start < end; i++) out.push(this.#vmas[i]!);
    return out;
  }

  #mergeAround(i: number): void {
    const next = this.#vmas[i + 1];
    const cur = this.#vmas[i];
    if (cur !== undefined && next !== undefined && canMerge(cur, next)) {
      this.#vmas.splice(i, 2, { ...cur, end: next.end });
    }
    const prev = this.#vmas[i - 1];
    const now = this.#vmas[i];
    if (prev !== undefined && now !== undefined && canMerge(prev, now)) {
      this.#vmas.splice(i - 1, 2, { ...prev, end: now.end });
    }
  }
}

function checkRange(start: number, end: number): void {
  assert(start % PAGE_BYTES === 0 && end % PAGE_BYTES === 0, 'VMA bounds are page-aligned');
  assert(start < end, 'a VMA range is not empty');
  assert(start >= 0 && end <= TASK_SIZE, 'a VMA lies in user space');
}
