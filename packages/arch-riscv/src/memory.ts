// The memory interface the hart runs against. arch-riscv defines it; the
// kernel's address-space code (mm-ghost) implements it, and `PagedMemory` is a
// plain reference implementation for tests and tools.
//
// The hart asks for one 4 KiB page at a time and caches the answer in its
// software TLB until `Hart.invalidate` (or `Hart.flushAll`) drops it. An
// implementation that changes what a page index maps to — unmap, mprotect,
// exec, a page taken away by another node, a copy-on-write break done outside
// the hart — must tell every hart that may have it cached.

/** What the hart wants to do with a page: the r/w/x permission it needs. */
export type AccessKind = 'read' | 'write' | 'execute';

/** Linux `mmap` protection bits, used by `PagedMemory`. */
export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export interface GuestMemory {
  /**
   * The 4096 bytes of page `pageIndex` (a guest address divided by 4096) if it
   * is mapped and permits `access`, else `undefined`: the hart then stops with
   * a page fault and commits nothing of the faulting instruction. The kernel
   * may resolve the fault at leisure (asynchronously, from another node) and
   * run the hart again from the same pc.
   *
   * A `'write'` answer may be a different array than the `'read'` answer for
   * the same page (a copy-on-write break): the hart then drops its cached read
   * copy of that page. A page granted for `'write'` must also be readable.
   * The returned array must be exactly 4096 bytes long and stay valid until
   * the hart is told to invalidate the page.
   */
  page(pageIndex: number, access: AccessKind): Uint8Array | undefined;
}
