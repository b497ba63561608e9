// Syscalls that change the tree's names: mkdirat, unlinkat (with
// AT_REMOVEDIR), symlinkat, linkat and renameat2 (RENAME_NOREPLACE,
// RENAME_EXCHANGE). riscv64 has no plain rename/renameat: glibc's rename
// is renameat2. Every answer follows Linux's namei: the kind of the last
// component (`.`, `..`, the root), a trailing slash, and an existing or
// missing entry are checked in the order Linux checks them. One tree, so
// EXDEV never happens.
import {
  argInt,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { RENAME_EXCHANGE, RENAME_NOREPLACE } from '../files/image-store.js';
import type { ImageNode } from '../files/inode.js';
import { ownerOf } from '../files/permission.js';
import type { Walked } from '../files/path-walk.js';
import { FS_SLOT } from '../process/task-slots.js';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_SYMLINK_FOLLOW,
  type PathArgs,
} from './path-args.js';

const RENAME_WHITEOUT = 4;

export function createPathChangeSyscalls(args: PathArgs): SyscallEntry[] {
  const store = args.store;

  /**
   * Where a new entry goes (filename_create): a plain last component that
   * does not exist yet, in a directory that still exists. A trailing slash
   * is allowed only when a directory is being made.
   */
  function newEntry(
    ctx: SyscallContext,
    dirfd: number,
    pathIndex: number,
    isDirectory: boolean,
  ): Walked | SyscallOutcome {
    const path = args.path(ctx, pathIndex);
    if (typeof path !== 'string') return path;
    const walked = args.walk(ctx, dirfd, path, false);
    if (!walked.ok) return fail(walked.errno);
    if (walked.last !== 'name' || walked.node !== undefined) return fail('EEXIST');
    if (walked.hasTrailingSlash && !isDirectory) return fail('ENOENT');
    if (walked.parent.isRemoved) return fail('ENOENT');
    return walked;
  }

  function isWalked(x: Walked | SyscallOutcome): x is Walked {
    return 'parent' in x;
  }

  function sysMkdirat(ctx: SyscallContext): SyscallOutcome {
    const at = newEntry(ctx, argInt(ctx, 0), 1, true);
    if (!isWalked(at)) return at;
    const mode = argInt(ctx, 2) & 0o1777 & ~ctx.task.get(FS_SLOT).umask;
    const r = store.mkdir(
      at.parent,
      at.name,
      mode,
      ownerOf(ctx.task.credentials),
      store.timeAt(ctx.nowNs),
    );
    return typeof r === 'string' ? fail(r) : ret(0);
  }

  function sysUnlinkat(ctx: SyscallContext): SyscallOutcome {
    const dirfd = argInt(ctx, 0);
    const flags = argInt(ctx, 2);
    if ((flags & ~AT_REMOVEDIR) !== 0) return fail('EINVAL');
    const path = args.path(ctx, 1);
    if (typeof path !== 'string') return path;
    const walked = args.walk(ctx, dirfd, path, false);
    if (!walked.ok) return fail(walked.errno);
    const timeNs = store.timeAt(ctx.nowNs);
    if ((flags & AT_REMOVEDIR) !== 0) {
      if (walked.last === 'dot') return fail('EINVAL');
      if (walked.last === 'dotdot') return fail('ENOTEMPTY');
      if (walked.last === 'root') return fail('EBUSY');
      const node = walked.node;
      if (node === undefined) return fail('ENOENT');
      if (node.type !== 'directory') return fail('ENOTDIR');
      if (node.children.size > 0) return fail('ENOTEMPTY');
      store.rmdir(walked.parent, walked.name, timeNs);
      return ret(0);
    }
    if (walked.last !== 'name') return fail('EISDIR');
    const node = walked.node;
    if (walked.hasTrailingSlash) {
      if (node === undefined) return fail('ENOENT');
      return fail(node.type === 'directory' ? 'EISDIR' : 'ENOTDIR');
    }
    if (node === undefined) return fail('ENOENT');
    if (node.type === 'directory') return fail('EISDIR');
    store.unlink(walked.parent, walked.name, timeNs);
    return ret(0);
  }

  function sysSymlinkat(ctx: SyscallContext): SyscallOutcome {
    const target = args.path(ctx, 0);
    if (typeof target !== 'string') return target;
    if (target.length === 0) return fail('ENOENT');
    const at = newEntry(ctx, argInt(ctx, 1), 2, false);
    if (!isWalked(at)) return at;
    const r = store.symlink(
      at.parent,
      at.name,
      target,
      ownerOf(ctx.task.credentials),
      store.timeAt(ctx.nowNs),
    );
    return typeof r === 'string' ? fail(r) : ret(0);
  }

  function sysLinkat(ctx: SyscallContext): SyscallOutcome {
    const olddirfd = argInt(ctx, 0);
    const flags = argInt(ctx, 4);
    if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) !== 0) return fail('EINVAL');
    const oldPath = args.path(ctx, 1);
    if (typeof oldPath !== 'string') return oldPath;
    let node: ImageNode;
    if (oldPath === '' && (flags & AT_EMPTY_PATH) !== 0) {
      const file = olddirfd === AT_FDCWD ? undefined : args.fileOf(ctx, olddirfd);
      if (file === undefined) return fail(olddirfd === AT_FDCWD ? 'ENOENT' : 'EBADF');
      const n = args.nodeOf(file);
      if (n === undefined) return fail('ENOENT');
      node = n;
    } else {
      const walked = args.walk(ctx, olddirfd, oldPath, (flags & AT_SYMLINK_FOLLOW) !== 0);
      if (!walked.ok) return fail(walked.errno);
      if (walked.node === undefined) return fail('ENOENT');
      if (walked.hasTrailingSlash && walked.node.type !== 'directory') return fail('ENOTDIR');
      node = walked.node;
    }
    const at = newEntry(ctx, argInt(ctx, 2), 3, false);
    if (!isWalked(at)) return at;
    if (node.type === 'directory') return fail('EPERM');
    // An unlinked file cannot get a name again, unless O_TMPFILE made it linkable.
    if (node.nlink === 0 && !(node.type === 'file' && node.isLinkable)) return fail('ENOENT');
    const r = store.link(at.parent, at.name, node, store.timeAt(ctx.nowNs));
    if (r !== 0) return fail(r);
    if (node.type === 'file') node.isLinkable = false;
    return ret(0);
  }

  function sysRenameat2(ctx: SyscallContext): SyscallOutcome {
    const flags = argInt(ctx, 4);
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0)
      return fail('EINVAL');
    if ((flags & RENAME_NOREPLACE) !== 0 && (flags & RENAME_EXCHANGE) !== 0) return fail('EINVAL');
    // Whiteouts exist for overlay file systems; the tree has none.
    if ((flags & RENAME_WHITEOUT) !== 0) return fail('EINVAL');
    const oldPath = args.path(ctx, 1);
    if (typeof oldPath !== 'string') return oldPath;
    const newPath = args.path(ctx, 3);
    if (typeof newPath !== 'string') return newPath;
    const from = args.walk(ctx, argInt(ctx, 0), oldPath, false);
    if (!from.ok) return fail(from.errno);
    const to = args.walk(ctx, argInt(ctx, 2), newPath, false);
    if (!to.ok) return fail(to.errno);
    if (from.last !== 'name' || to.last !== 'name') return fail('EBUSY');
    const source = from.node;
    if (source === undefined || from.parent.isRemoved) return fail('ENOENT');
    if (to.parent.isRemoved) return fail('ENOENT');
    if ((flags & RENAME_NOREPLACE) !== 0 && to.node !== undefined) return fail('EEXIST');
    if ((flags & RENAME_EXCHANGE) !== 0 && to.node === undefined) return fail('ENOENT');
    if (source.type !== 'directory') {
      if (from.hasTrailingSlash) return fail('ENOTDIR');
      if ((flags & RENAME_EXCHANGE) === 0 && to.hasTrailingSlash) return fail('ENOTDIR');
    }
    const r = store.rename(
      { parent: from.parent, name: from.name },
      { parent: to.parent, name: to.name },
      flags,
      store.timeAt(ctx.nowNs),
    );
    return r === 0 ? ret(0) : fail(r);
  }

  return [
    { nr: 34, name: 'mkdirat', handler: sysMkdirat },
    { nr: 35, name: 'unlinkat', handler: sysUnlinkat },
    { nr: 36, name: 'symlinkat', handler: sysSymlinkat },
    { nr: 37, name: 'linkat', handler: sysLinkat },
    { nr: 276, name: 'renameat2', handler: sysRenameat2 },
  ];
}
