// The kernel's own per-task state: the CPU, the descriptor table, the
// filesystem context (cwd, umask) and the scheduler's bookkeeping. Other
// subsystems keep theirs in their own slots (mm-ghost's MM_SLOT, …).
import type { Hart } from '@krg/arch-riscv';
import { TaskSlot } from '@krg/epm-core';
import type { FdTable } from '../files/fd-table.js';
import type { ImageDirectory } from '../files/inode.js';

export const HART_SLOT = new TaskSlot<Hart>('hart');
export const FILES_SLOT = new TaskSlot<FdTable>('files');

/** Kerrighed's fs_struct: what export_fs_struct saves. */
export interface FsContext {
  /** The working directory's path (what a checkpoint saves). */
  cwd: string;
  /**
   * The working directory itself once chdir named it: relative paths start
   * there even after it or a parent was renamed (then `cwd` is refreshed
   * from it), and a removed one answers ENOENT, as on Linux.
   */
  cwdDir?: ImageDirectory;
  umask: number;
}
export const FS_SLOT = new TaskSlot<FsContext>('fs');
