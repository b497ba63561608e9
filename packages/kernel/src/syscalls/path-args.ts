// What every path syscall does first: read the path from guest memory
// (bounded by PATH_MAX), pick the directory a relative path starts from
// (the cwd for AT_FDCWD, else an open directory), and walk the tree.
// `/proc/self/exe` names the caller's program, as on Linux.
import {
  ACCOUNTING_SLOT,
  argAddress,
  fail,
  readUserString,
  type SyscallContext,
  type SyscallOutcome,
} from '@krg/epm-core';
import { ImageDeviceHandle, ImageDirectoryHandle, ImageFileHandle } from '../files/image-file.js';
import type { ImageStore } from '../files/image-store.js';
import type { ImageDirectory, ImageNode } from '../files/inode.js';
import type { OpenFile } from '../files/open-file.js';
import { walkPath, type WalkResult } from '../files/path-walk.js';
import { PATH_BYTES_MAX } from '../limits.js';
import { FILES_SLOT, FS_SLOT } from '../process/task-slots.js';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;
const PROC_SELF_EXE = '/proc/self/exe';

export type Walk = WalkResult | { readonly ok: false; readonly errno: 'EBADF' | 'ENOTDIR' };

export interface PathArgs {
  readonly store: ImageStore;
  /** The path argument `i`, or the outcome that refuses it (EFAULT, ENAMETOOLONG). */
  path(ctx: SyscallContext, i: number): string | SyscallOutcome;
  /** The directory a relative path given with `dirfd` starts from. */
  baseDir(ctx: SyscallContext, dirfd: number): ImageDirectory | 'EBADF' | 'ENOTDIR' | 'ENOENT';
  /** Walks `path` from `dirfd`; `followLast` follows a final symbolic link. */
  walk(ctx: SyscallContext, dirfd: number, path: string, followLast: boolean): Walk;
  /** The open file behind `fd` (AT_EMPTY_PATH, the f* calls). */
  fileOf(ctx: SyscallContext, fd: number): OpenFile | undefined;
  /** The tree node an open file refers to, if it is one. */
  nodeOf(file: OpenFile): ImageNode | undefined;
}

export function createPathArgs(store: ImageStore): PathArgs {
  function fileOf(ctx: SyscallContext, fd: number): OpenFile | undefined {
    return ctx.task.get(FILES_SLOT).get(fd)?.file;
  }

  function baseDir(
    ctx: SyscallContext,
    dirfd: number,
  ): ImageDirectory | 'EBADF' | 'ENOTDIR' | 'ENOENT' {
    if (dirfd === AT_FDCWD) {
      const fs = ctx.task.get(FS_SLOT);
      if (fs.cwdDir !== undefined) return fs.cwdDir;
      const cwd = walkPath(store.root, store.root, fs.cwd, true);
      if (!cwd.ok || cwd.node === undefined) return 'ENOENT';
      return cwd.node.type === 'directory' ? cwd.node : 'ENOTDIR';
    }
    const file = fileOf(ctx, dirfd);
    if (file === undefined) return 'EBADF';
    return file instanceof ImageDirectoryHandle ? file.node : 'ENOTDIR';
  }

  return {
    store,
    fileOf,
    baseDir,
    path(ctx, i) {
      const address = argAddress(ctx, i);
      if (address === undefined) return fail('EFAULT');
      const path = readUserString(ctx.memory, address, PATH_BYTES_MAX);
      return path.ok ? path.value : fail(path.errno);
    },
    walk(ctx, dirfd, path, followLast) {
      if (path === PROC_SELF_EXE)
        return walkPath(store.root, store.root, ctx.task.get(ACCOUNTING_SLOT).exePath, true);
      if (path.startsWith('/')) return walkPath(store.root, store.root, path, followLast);
      if (path.length === 0) return { ok: false, errno: 'ENOENT' };
      const base = baseDir(ctx, dirfd);
      if (typeof base === 'string') return { ok: false, errno: base };
      return walkPath(store.root, base, path, followLast);
    },
    nodeOf(file) {
      if (
        file instanceof ImageFileHandle ||
        file instanceof ImageDirectoryHandle ||
        file instanceof ImageDeviceHandle
      )
        return file.node;
      return undefined;
    },
  };
}
