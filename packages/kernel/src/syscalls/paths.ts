// Path syscalls that open, inspect and list the cluster's file tree:
// openat (create, exclusive, truncate, append, directory, nofollow),
// newfstatat, statx, readlinkat (with /proc/self/exe), faccessat(2), getdents64,
// getcwd, chdir, fchdir, umask. Each answers what Linux answers for the
// same call, in the order Linux checks. Paths are untrusted guest strings,
// bounded by PATH_MAX.
import {
  argAddress,
  argInt,
  argUint,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { ImageDeviceHandle, ImageDirectoryHandle, ImageFileHandle } from '../files/image-file.js';
import type { ImageStore } from '../files/image-store.js';
import type { ImageNode } from '../files/inode.js';
import type { OpenFile } from '../files/open-file.js';
import {
  O_ACCMODE,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOCTTY,
  O_NOFOLLOW,
  O_PATH,
  O_RDONLY,
  O_TMPFILE,
  O_TRUNC,
} from '../files/open-flags.js';
import { mayAccess, ownerOf, MAY_EXEC, MAY_READ, MAY_WRITE } from '../files/permission.js';
import { encodeStat, encodeStatx, statOfNode, type StatInfo } from '../files/stat.js';
import { FILES_SLOT, FS_SLOT } from '../process/task-slots.js';
import { fdResult, statOf } from './fd-io.js';
import {
  AT_EACCESS,
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_NO_AUTOMOUNT,
  AT_SYMLINK_NOFOLLOW,
  createPathArgs,
  type PathArgs,
} from './path-args.js';

const F_OK = 0;
const X_OK = 1;
const W_OK = 2;
const R_OK = 4;
const DT_CHR = 2;
const DT_DIR = 4;
const DT_REG = 8;
const DT_LNK = 10;

/** An open file description for a node of the tree. */
function openNode(
  store: ImageStore,
  node: ImageNode,
  path: string,
  statusFlags: number,
): OpenFile | 'ELOOP' {
  switch (node.type) {
    case 'directory':
      return new ImageDirectoryHandle(node, path, statusFlags);
    case 'file':
      return new ImageFileHandle(store, node, path, statusFlags);
    case 'device':
      return new ImageDeviceHandle(node, path, statusFlags);
    case 'symlink':
      // O_PATH | O_NOFOLLOW on a link opens the link itself on Linux; krg does not model that.
      return 'ELOOP';
  }
}

function direntType(node: ImageNode): number {
  switch (node.type) {
    case 'directory':
      return DT_DIR;
    case 'file':
      return DT_REG;
    case 'symlink':
      return DT_LNK;
    case 'device':
      return DT_CHR;
  }
}

function joined(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function createPathSyscalls(
  store: ImageStore,
  args: PathArgs = createPathArgs(store),
): SyscallEntry[] {
  function sysOpenat(ctx: SyscallContext): SyscallOutcome {
    const dirfd = argInt(ctx, 0);
    const path = args.path(ctx, 1);
    if (typeof path !== 'string') return path;
    let flags = argInt(ctx, 2);
    const mode = argUint(ctx, 3);
    // build_open_flags: O_PATH keeps only what names the file.
    if ((flags & O_PATH) !== 0) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    if ((flags & O_TMPFILE) === O_TMPFILE) return openTmpfile(ctx, dirfd, path, flags, mode);
    const isCreate = (flags & O_CREAT) !== 0;
    if (isCreate && (flags & O_DIRECTORY) !== 0) return fail('EINVAL');
    const isExclusive = isCreate && (flags & O_EXCL) !== 0;
    const walked = args.walk(ctx, dirfd, path, (flags & O_NOFOLLOW) === 0 && !isExclusive);
    if (!walked.ok) return fail(walked.errno);
    let node = walked.node;
    let isCreated = false;
    const fs = ctx.task.get(FS_SLOT);
    const timeNs = store.timeAt(ctx.nowNs);
    if (isCreate) {
      if (walked.last !== 'name') return fail('EISDIR');
      if (node === undefined) {
        if (walked.hasTrailingSlash) return fail('EISDIR');
        if (walked.parent.isRemoved) return fail('ENOENT');
        const made = store.createFile(
          walked.parent,
          walked.name,
          mode & 0o7777 & ~fs.umask,
          ownerOf(ctx.task.credentials),
          timeNs,
        );
        if (typeof made === 'string') return fail(made);
        node = made;
        isCreated = true;
      } else if (isExclusive) return fail('EEXIST');
    }
    if (node === undefined) return fail('ENOENT');
    if (walked.hasTrailingSlash && node.type !== 'directory') return fail('ENOTDIR');
    if (node.type === 'symlink' && (flags & O_PATH) === 0) return fail('ELOOP');
    if (node.type !== 'directory' && (flags & O_DIRECTORY) !== 0) return fail('ENOTDIR');
    const accessMode = flags & O_ACCMODE;
    const wantsWrite = accessMode !== O_RDONLY || (flags & O_TRUNC) !== 0;
    if ((flags & O_PATH) === 0) {
      if (node.type === 'directory' && wantsWrite) return fail('EISDIR');
      if (!isCreated) {
        const want = (accessMode !== 1 ? MAY_READ : 0) | (wantsWrite ? MAY_WRITE : 0);
        if (!mayAccess(node, ctx.task.credentials, want, false)) return fail('EACCES');
      }
      if (node.type === 'file' && (flags & O_TRUNC) !== 0 && !isCreated) {
        const cut = store.truncate(node, 0, timeNs);
        if (cut !== 0) return fail(cut);
      }
    }
    const table = ctx.task.get(FILES_SLOT);
    // Linux's f_flags: the creation-only flags are not kept.
    const status = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    const where = node.type === 'directory' ? node.path : joined(walked.parent.path, walked.name);
    const handle = openNode(store, node, where, status);
    if (typeof handle === 'string') return fail(handle);
    const r = table.install(handle, (flags & O_CLOEXEC) !== 0);
    if (!r.ok) handle.release();
    return fdResult(r);
  }

  /**
   * O_TMPFILE: an unnamed regular file in the directory `path` names, freed
   * at its last close unless linkat (with AT_EMPTY_PATH) names it first —
   * which O_EXCL forbids. Linux's build_open_flags rules come first.
   */
  function openTmpfile(
    ctx: SyscallContext,
    dirfd: number,
    path: string,
    flags: number,
    mode: number,
  ): SyscallOutcome {
    if ((flags & (O_TMPFILE | O_CREAT)) !== O_TMPFILE) return fail('EINVAL');
    const accessMode = flags & O_ACCMODE;
    if (accessMode !== 1 && accessMode !== 2) return fail('EINVAL');
    const walked = args.walk(ctx, dirfd, path, true);
    if (!walked.ok) return fail(walked.errno);
    const dir = walked.node;
    if (dir === undefined) return fail('ENOENT');
    if (dir.type !== 'directory') return fail('ENOTDIR');
    if (dir.isRemoved) return fail('ENOENT');
    const file = store.createOrphan(
      new Uint8Array(0),
      mode & 0o7777 & ~ctx.task.get(FS_SLOT).umask,
      ownerOf(ctx.task.credentials),
      store.timeAt(ctx.nowNs),
    );
    if (typeof file === 'string') return fail(file);
    file.isLinkable = (flags & O_EXCL) === 0;
    const status = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    const handle = new ImageFileHandle(store, file, joined(dir.path, `#${file.ino}`), status);
    const r = ctx.task.get(FILES_SLOT).install(handle, (flags & O_CLOEXEC) !== 0);
    if (!r.ok) handle.release();
    return fdResult(r);
  }

  function sysNewfstatat(ctx: SyscallContext): SyscallOutcome {
    const path = args.path(ctx, 1);
    if (typeof path !== 'string') return path;
    const buf = argAddress(ctx, 2);
    const flags = argInt(ctx, 3);
    if ((flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)) !== 0)
      return fail('EINVAL');
    if (buf === undefined) return fail('EFAULT');
    const stat = statAt(ctx, argInt(ctx, 0), path, flags);
    if (!('ino' in stat)) return stat;
    return ctx.memory.writeUser(buf, encodeStat(stat)) === 'ok' ? ret(0) : fail('EFAULT');
  }

  /** statx: the same answer as newfstatat in struct statx (basic stats; no birth time). */
  function sysStatx(ctx: SyscallContext): SyscallOutcome {
    const flags = argInt(ctx, 2);
    const mask = argUint(ctx, 3);
    const buf = argAddress(ctx, 4);
    const AT_STATX_SYNC_TYPE = 0x6000;
    const STATX_RESERVED = 0x80000000;
    if (
      (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) !==
      0
    )
      return fail('EINVAL');
    if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return fail('EINVAL');
    if ((mask & STATX_RESERVED) !== 0) return fail('EINVAL');
    const path = args.path(ctx, 1);
    if (typeof path !== 'string') return path;
    const stat = statAt(ctx, argInt(ctx, 0), path, flags);
    if (!('ino' in stat)) return stat;
    if (buf === undefined) return fail('EFAULT');
    return ctx.memory.writeUser(buf, encodeStatx(stat)) === 'ok' ? ret(0) : fail('EFAULT');
  }

  /** What the stat calls report for `path` from `dirfd` (AT_EMPTY_PATH: the descriptor itself). */
  function statAt(
    ctx: SyscallContext,
    dirfd: number,
    path: string,
    flags: number,
  ): StatInfo | SyscallOutcome {
    let stat: StatInfo;
    if (path === '' && (flags & AT_EMPTY_PATH) !== 0) {
      if (dirfd === AT_FDCWD) {
        const cwd = args.baseDir(ctx, AT_FDCWD);
        if (typeof cwd === 'string') return fail(cwd);
        stat = statOfNode(cwd);
      } else {
        const file = args.fileOf(ctx, dirfd);
        if (file === undefined) return fail('EBADF');
        stat = statOf(ctx, file);
      }
    } else {
      const walked = args.walk(ctx, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
      if (!walked.ok) return fail(walked.errno);
      if (walked.node === undefined) return fail('ENOENT');
      if (walked.hasTrailingSlash && walked.node.type !== 'directory') return fail('ENOTDIR');
      stat = statOfNode(walked.node);
    }
    return stat;
  }

  function sysReadlinkat(ctx: SyscallContext): SyscallOutcome {
    const path = args.path(ctx, 1);
    if (typeof path !== 'string') return path;
    const buf = argAddress(ctx, 2);
    const size = argInt(ctx, 3);
    if (size <= 0) return fail('EINVAL');
    let target: string;
    if (path === '/proc/self/exe') {
      const exe = args.walk(ctx, AT_FDCWD, path, true);
      if (!exe.ok || exe.node === undefined) return fail('ENOENT');
      target = exe.node.type === 'directory' ? exe.node.path : joined(exe.parent.path, exe.name);
    } else {
      const walked = args.walk(ctx, argInt(ctx, 0), path, false);
      if (!walked.ok) return fail(walked.errno);
      if (walked.node === undefined) return fail('ENOENT');
      if (walked.node.type !== 'symlink') return fail('EINVAL');
      target = walked.node.target;
    }
    if (buf === undefined) return fail('EFAULT');
    const bytes = Buffer.from(target, 'utf8');
    const out = bytes.subarray(0, Math.min(size, bytes.length));
    return ctx.memory.writeUser(buf, out) === 'ok' ? ret(out.length) : fail('EFAULT');
  }

  function access(ctx: SyscallContext, flags: number): SyscallOutcome {
    const path = args.path(ctx, 1);
    if (typeof path !== 'string') return path;
    const mode = argInt(ctx, 2);
    if ((mode & ~(R_OK | W_OK | X_OK)) !== 0) return fail('EINVAL');
    if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return fail('EINVAL');
    const dirfd = argInt(ctx, 0);
    let node: ImageNode;
    if (path === '' && (flags & AT_EMPTY_PATH) !== 0) {
      const found = dirfd === AT_FDCWD ? args.baseDir(ctx, dirfd) : args.fileOf(ctx, dirfd);
      if (found === undefined) return fail('EBADF');
      if (typeof found === 'string') return fail(found);
      const n = 'type' in found ? found : args.nodeOf(found);
      if (n === undefined) return ret(0);
      node = n;
    } else {
      const walked = args.walk(ctx, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
      if (!walked.ok) return fail(walked.errno);
      if (walked.node === undefined) return fail('ENOENT');
      if (walked.hasTrailingSlash && walked.node.type !== 'directory') return fail('ENOTDIR');
      node = walked.node;
    }
    if (mode === F_OK) return ret(0);
    const want =
      ((mode & R_OK) !== 0 ? MAY_READ : 0) |
      ((mode & W_OK) !== 0 ? MAY_WRITE : 0) |
      ((mode & X_OK) !== 0 ? MAY_EXEC : 0);
    // faccessat checks with the real ids unless AT_EACCESS asks for the effective ones.
    return mayAccess(node, ctx.task.credentials, want, (flags & AT_EACCESS) === 0)
      ? ret(0)
      : fail('EACCES');
  }

  function sysGetdents64(ctx: SyscallContext): SyscallOutcome {
    const file = args.fileOf(ctx, argInt(ctx, 0));
    const buf = argAddress(ctx, 1);
    const size = argUint(ctx, 2);
    if (file === undefined || (file.statusFlags & O_PATH) !== 0) return fail('EBADF');
    if (!(file instanceof ImageDirectoryHandle)) return fail('ENOTDIR');
    if (buf === undefined) return fail('EFAULT');
    const dir = file.node;
    if (dir.isRemoved) return fail('ENOENT');
    const records: Uint8Array[] = [];
    let used = 0;
    let position = file.position;
    let after = file.after;
    const names = position < 2 ? store.namesAfter(dir, undefined) : store.namesAfter(dir, after);
    let next = 0;
    for (;;) {
      let name: string;
      let node: ImageNode;
      if (position === 0) [name, node] = ['.', dir];
      else if (position === 1) [name, node] = ['..', dir.parent ?? dir];
      else {
        const n = names[next];
        if (n === undefined) break;
        name = n;
        node = dir.children.get(n)!;
      }
      const bytes = Buffer.from(name, 'utf8');
      const reclen = Math.ceil((19 + bytes.length + 1) / 8) * 8;
      if (used + reclen > size) {
        if (records.length === 0) return fail('EINVAL');
        break;
      }
      const rec = new Uint8Array(reclen);
      const v = new DataView(rec.buffer);
      v.setBigUint64(0, BigInt(node.ino), true);
      v.setBigInt64(8, BigInt(position + 1), true);
      v.setUint16(16, reclen, true);
      rec[18] = direntType(node);
      rec.set(bytes, 19);
      records.push(rec);
      used += reclen;
      if (position >= 2) {
        after = name;
        next++;
      }
      position++;
    }
    if (ctx.memory.writeUser(buf, Buffer.concat(records)) !== 'ok') return fail('EFAULT');
    file.position = position;
    file.after = after;
    return ret(used);
  }

  function sysGetcwd(ctx: SyscallContext): SyscallOutcome {
    const buf = argAddress(ctx, 0);
    const size = argAddress(ctx, 1) ?? 0;
    const fs = ctx.task.get(FS_SLOT);
    if (fs.cwdDir?.isRemoved === true) return fail('ENOENT');
    if (fs.cwdDir !== undefined) fs.cwd = fs.cwdDir.path;
    const cwd = Buffer.from(`${fs.cwd}\0`, 'utf8');
    if (size < cwd.length) return fail('ERANGE');
    if (buf === undefined) return fail('EFAULT');
    return ctx.memory.writeUser(buf, cwd) === 'ok' ? ret(cwd.length) : fail('EFAULT');
  }

  function changeDirectory(ctx: SyscallContext, node: ImageNode): SyscallOutcome {
    if (node.type !== 'directory') return fail('ENOTDIR');
    if (!mayAccess(node, ctx.task.credentials, MAY_EXEC, false)) return fail('EACCES');
    const fs = ctx.task.get(FS_SLOT);
    fs.cwd = node.path;
    fs.cwdDir = node;
    return ret(0);
  }

  function sysChdir(ctx: SyscallContext): SyscallOutcome {
    const path = args.path(ctx, 0);
    if (typeof path !== 'string') return path;
    const walked = args.walk(ctx, AT_FDCWD, path, true);
    if (!walked.ok) return fail(walked.errno);
    if (walked.node === undefined) return fail('ENOENT');
    return changeDirectory(ctx, walked.node);
  }

  function sysFchdir(ctx: SyscallContext): SyscallOutcome {
    const file = args.fileOf(ctx, argInt(ctx, 0));
    if (file === undefined) return fail('EBADF');
    const node = args.nodeOf(file);
    return node === undefined ? fail('ENOTDIR') : changeDirectory(ctx, node);
  }

  function sysUmask(ctx: SyscallContext): SyscallOutcome {
    const fs = ctx.task.get(FS_SLOT);
    const old = fs.umask;
    fs.umask = argInt(ctx, 0) & 0o777;
    return ret(old);
  }

  return [
    { nr: 17, name: 'getcwd', handler: sysGetcwd },
    { nr: 48, name: 'faccessat', handler: (ctx) => access(ctx, 0) },
    { nr: 49, name: 'chdir', handler: sysChdir },
    { nr: 50, name: 'fchdir', handler: sysFchdir },
    { nr: 56, name: 'openat', handler: sysOpenat },
    { nr: 61, name: 'getdents64', handler: sysGetdents64 },
    { nr: 78, name: 'readlinkat', handler: sysReadlinkat },
    { nr: 79, name: 'newfstatat', handler: sysNewfstatat },
    { nr: 166, name: 'umask', handler: sysUmask },
    { nr: 291, name: 'statx', handler: sysStatx },
    { nr: 439, name: 'faccessat2', handler: (ctx) => access(ctx, argInt(ctx, 3)) },
  ];
}
