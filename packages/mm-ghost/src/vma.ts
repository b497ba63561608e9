// A virtual memory area: a page-aligned range of an address space with one
// set of permissions and one kind. Addresses are safe-integer numbers: every
// user address of Sv39 fits in 38 bits.

import { PROT_EXEC, PROT_READ, PROT_WRITE } from '@krg/arch-riscv';

/** What a mapping is for; it decides how it is saved and shown in /proc/<pid>/maps. */
export type VmaKind =
  /** A PT_LOAD segment of the executable. */
  | 'elf'
  /** The brk heap. */
  | 'heap'
  /** The main thread's stack. */
  | 'stack'
  /** Anonymous mmap memory, private or shared. */
  | 'anon'
  /** The rt_sigreturn trampoline page that exec maps in every process. */
  | 'trampoline'
  /** A System V shared memory attachment. */
  | 'shm'
  /** A file of the image store mapped with mmap (`name`: its path; `offset`: the file offset of `start`). */
  | 'file';

export interface Vma {
  /** First byte, page-aligned. */
  readonly start: number;
  /** One past the last byte, page-aligned, > start. */
  readonly end: number;
  /** PROT_* bits. */
  readonly prot: number;
  readonly kind: VmaKind;
  /** MAP_SHARED rather than MAP_PRIVATE. */
  readonly isShared: boolean;
  /** For `elf` mappings: the file's path, for /proc and for restart checks. */
  readonly name?: string;
  /** For `shm` mappings: the segment id. */
  readonly shmId?: number;
  /**
   * The most rights mprotect may give (Linux's VM_MAY* bits); absent: all.
   * A shm segment attached SHM_RDONLY may never become writable.
   */
  readonly maxProt?: number;
  /**
   * Offset of `start` inside the object the mapping views (an ELF file's
   * segment, a shm segment), so a split keeps each half pointing at the same
   * bytes. Always 0 for memory without a backing object.
   */
  readonly offset: number;
}

/** True when two VMAs that touch could be one (Linux's vma_merge conditions). */
export function canMerge(a: Vma, b: Vma): boolean {
  return (
    a.end === b.start &&
    a.prot === b.prot &&
    a.kind === b.kind &&
    a.isShared === b.isShared &&
    a.name === b.name &&
    a.shmId === b.shmId &&
    a.maxProt === b.maxProt &&
    (!hasBackingObject(a) || a.offset + (a.end - a.start) === b.offset) &&
    // The heap, the stack and the trampoline keep their own identity; shm
    // mappings never merge (Linux: shm_vm_ops has a close, and each shmat
    // is its own file), so shm_nattch counts them as Linux does.
    (a.kind === 'anon' || a.kind === 'elf' || a.kind === 'file')
  );
}

/** True for mappings that view an object (a file, a shm segment) at an offset. */
export function hasBackingObject(vma: Vma): boolean {
  return vma.kind === 'elf' || vma.kind === 'shm' || vma.kind === 'file';
}

/** The part of `vma` within [start, end), with its offset adjusted. */
export function sliceVma(vma: Vma, start: number, end: number): Vma {
  const s = Math.max(vma.start, start);
  const e = Math.min(vma.end, end);
  const offset = hasBackingObject(vma) ? vma.offset + (s - vma.start) : 0;
  return { ...vma, start: s, end: e, offset };
}

/** The /proc/<pid>/maps permission string, e.g. "r-xp". */
export function permString(vma: Vma): string {
  return (
    (vma.prot & PROT_READ ? 'r' : '-') +
    (vma.prot & PROT_WRITE ? 'w' : '-') +
    (vma.prot & PROT_EXEC ? 'x' : '-') +
    (vma.isShared ? 's' : 'p')
  );
}
