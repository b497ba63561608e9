// What mmap of a file needs from the file table's owner, defined here so
// that mm-ghost (which maps) and the kernel (which owns descriptors and the
// image store) meet without importing each other: the kernel offers it in
// KernelServices and in a restart's import target, mm-ghost uses it.
import type { Task } from './task.js';

/** A regular file's contents as a mapping sees them. */
export interface MappableFile {
  /** Its path in the cluster's image store: what the mm section saves, so restart maps it again. */
  readonly path: string;
  /**
   * The file's bytes when it was mapped: a snapshot that never changes (a
   * later write to the file copies first), so a mapping does not see later
   * writes — on Linux the untouched pages of a private mapping would.
   */
  readonly bytes: Uint8Array;
}

/** The open file behind a descriptor, as mmap checks it (Linux's do_mmap). */
export interface MappableDescriptor {
  /** The file, or undefined when its kind cannot be mapped (pipe, console, directory: ENODEV). */
  readonly file: MappableFile | undefined;
  /** Opened for reading (FMODE_READ): every file mapping needs it. */
  readonly isReadable: boolean;
  /** Opened for writing (FMODE_WRITE): a writable MAP_SHARED mapping needs it. */
  readonly isWritable: boolean;
}

/** The kernel's side of file mappings. */
export interface MappableFiles {
  /** The open file behind descriptor `fd` of `task`, or EBADF. */
  ofDescriptor(task: Task, fd: number): MappableDescriptor | 'EBADF';
  /** The file at absolute `path` (restart mapping it again), or undefined when there is none. */
  ofPath(path: string): MappableFile | undefined;
}
