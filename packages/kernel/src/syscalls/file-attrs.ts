// Syscalls that change or report a file's attributes, by descriptor or by
// path: chmod (fchmod, fchmodat, fchmodat2), chown (fchown, fchownat),
// timestamps (utimensat with UTIME_NOW/UTIME_OMIT, futimens through it),
// size (truncate, ftruncate, fallocate's plain mode), durability (fsync,
// fdatasync, sync: the tree is memory every node shares, so there is
// nothing to flush), statfs/fstatfs and flock (files/flock.ts). Linux's
// argument checks come first, in its order; a refused call changes nothing.
import {
  argAddress,
  argInt,
  argLong,
  argUint,
  block,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { ConsoleFile } from '../files/console.js';
import { flockRelease, flockTry } from '../files/flock.js';
import { ImageDirectoryHandle, ImageFileHandle } from '../files/image-file.js';
import type { ImageStore } from '../files/image-store.js';
import type { ImageNode } from '../files/inode.js';
import type { OpenFile } from '../files/open-file.js';
import { O_PATH } from '../files/open-flags.js';
import { MAY_WRITE, mayAccess } from '../files/permission.js';
import { PipeEnd } from '../files/pipe.js';
import { IMAGE_FILES_MAX, NAME_BYTES_MAX } from '../limits.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, type PathArgs } from './path-args.js';

const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IXGRP = 0o010;
const NO_ID = 0xffffffff;
const STATFS_BYTES = 120;
const TMPFS_MAGIC = 0x01021994;
const PIPEFS_MAGIC = 0x50495045;
const DEVPTS_MAGIC = 0x1cd1;
const ST_VALID = 0x20;
const BLOCK_BYTES = 4096;
const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

export function createFileAttrSyscalls(args: PathArgs): SyscallEntry[] {
  const store: ImageStore = args.store;

  /** The node behind an open descriptor that the f* calls may change (O_PATH ones may not). */
  function nodeOfFd(ctx: SyscallContext, fd: number): ImageNode | 'EBADF' | undefined {
    const file = args.fileOf(ctx, fd);
    if (file === undefined || (file.statusFlags & O_PATH) !== 0) return 'EBADF';
    return args.nodeOf(file);
  }

  /** The node a path names, links followed unless AT_SYMLINK_NOFOLLOW; AT_EMPTY_PATH names dirfd. */
  function nodeAt(
    ctx: SyscallContext,
    dirfd: number,
    pathIndex: number,
    flags: number,
  ): ImageNode | SyscallOutcome {
    const path = args.path(ctx, pathIndex);
    if (typeof path !== 'string') return path;
    if (path === '' && (flags & AT_EMPTY_PATH) !== 0) {
      if (dirfd === AT_FDCWD) {
        const cwd = args.baseDir(ctx, dirfd);
        return typeof cwd === 'string' ? fail(cwd) : cwd;
      }
      const file = args.fileOf(ctx, dirfd);
      if (file === undefined) return fail('EBADF');
      return args.nodeOf(file) ?? fail('EPERM');
    }
    const walked = args.walk(ctx, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
    if (!walked.ok) return fail(walked.errno);
    if (walked.node === undefined) return fail('ENOENT');
    if (walked.hasTrailingSlash && walked.node.type !== 'directory') return fail('ENOTDIR');
    return walked.node;
  }

  function isNode(x: ImageNode | SyscallOutcome): x is ImageNode {
    return 'ino' in x;
  }

  function chmod(ctx: SyscallContext, node: ImageNode, mode: number): SyscallOutcome {
    const cred = ctx.task.credentials;
    if (cred.euid !== 0 && cred.euid !== node.uid) return fail('EPERM');
    // A symbolic link's own mode cannot change (Linux: EOPNOTSUPP through fchmodat2).
    if (node.type === 'symlink') return fail('EOPNOTSUPP');
    let bits = mode & 0o7777;
    if (cred.euid !== 0 && node.type !== 'directory' && cred.egid !== node.gid) bits &= ~S_ISGID;
    node.mode = bits;
    node.ctimeNs = store.timeAt(ctx.nowNs);
    return ret(0);
  }

  function chown(ctx: SyscallContext, node: ImageNode, uid: number, gid: number): SyscallOutcome {
    const cred = ctx.task.credentials;
    if (cred.euid !== 0) {
      const isOwner = cred.euid === node.uid;
      const keepsUid = uid === NO_ID || uid === node.uid;
      const gidOk = gid === NO_ID || gid === node.gid || gid === cred.egid;
      if (!isOwner || !keepsUid || !gidOk) return fail('EPERM');
    }
    if (uid !== NO_ID) node.uid = uid;
    if (gid !== NO_ID) node.gid = gid;
    // chown_common: a non-directory loses set-user-ID, and set-group-ID when group-executable.
    if (node.type !== 'directory' && node.type !== 'symlink') {
      node.mode &= ~S_ISUID;
      if ((node.mode & S_IXGRP) !== 0) node.mode &= ~S_ISGID;
    }
    node.ctimeNs = store.timeAt(ctx.nowNs);
    return ret(0);
  }

  function sysFchmod(ctx: SyscallContext): SyscallOutcome {
    const node = nodeOfFd(ctx, argInt(ctx, 0));
    if (node === 'EBADF') return fail('EBADF');
    if (node === undefined) return ret(0); // a pipe or console: its inode is not modelled
    return chmod(ctx, node, argUint(ctx, 1));
  }

  function fchmodat(ctx: SyscallContext, flags: number): SyscallOutcome {
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return fail('EINVAL');
    const node = nodeAt(ctx, argInt(ctx, 0), 1, flags);
    return isNode(node) ? chmod(ctx, node, argUint(ctx, 2)) : node;
  }

  function sysFchown(ctx: SyscallContext): SyscallOutcome {
    const node = nodeOfFd(ctx, argInt(ctx, 0));
    if (node === 'EBADF') return fail('EBADF');
    if (node === undefined) return ret(0);
    return chown(ctx, node, argUint(ctx, 1), argUint(ctx, 2));
  }

  function sysFchownat(ctx: SyscallContext): SyscallOutcome {
    const flags = argInt(ctx, 4);
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return fail('EINVAL');
    const node = nodeAt(ctx, argInt(ctx, 0), 1, flags);
    return isNode(node) ? chown(ctx, node, argUint(ctx, 2), argUint(ctx, 3)) : node;
  }

  function sysUtimensat(ctx: SyscallContext): SyscallOutcome {
    const dirfd = argInt(ctx, 0);
    const pathAddress = argAddress(ctx, 1);
    const timesAddress = argAddress(ctx, 2);
    const flags = argInt(ctx, 3);
    // [sec, nsec] for atime and mtime; undefined: both now.
    let times: [bigint, number][] | undefined;
    if (timesAddress !== 0) {
      const raw = timesAddress === undefined ? 'EFAULT' : ctx.memory.readUser(timesAddress, 32);
      if (raw === 'EFAULT') return fail('EFAULT');
      const v = new DataView(raw.buffer, raw.byteOffset, 32);
      times = [0, 16].map((at) => [v.getBigInt64(at, true), Number(v.getBigInt64(at + 8, true))]);
      // Nothing to do, so the path is not even looked at (sys_utimensat).
      if (times.every(([, ns]) => ns === UTIME_OMIT)) return ret(0);
      for (const [, ns] of times)
        if (ns !== UTIME_NOW && ns !== UTIME_OMIT && (ns < 0 || ns > 999_999_999))
          return fail('EINVAL');
    }
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return fail('EINVAL');
    let node: ImageNode | SyscallOutcome;
    if (pathAddress === 0 && dirfd !== AT_FDCWD) {
      const found = nodeOfFd(ctx, dirfd);
      if (found === 'EBADF') return fail('EBADF');
      if (found === undefined) return ret(0);
      node = found;
    } else node = nodeAt(ctx, dirfd, 1, flags);
    if (!isNode(node)) return node;
    const now = store.timeAt(ctx.nowNs);
    const pick = (t: [bigint, number] | undefined, old: bigint): bigint => {
      if (t === undefined || t[1] === UTIME_NOW) return now;
      if (t[1] === UTIME_OMIT) return old;
      return t[0] * 1_000_000_000n + BigInt(t[1]);
    };
    node.atimeNs = pick(times?.[0], node.atimeNs);
    node.mtimeNs = pick(times?.[1], node.mtimeNs);
    node.ctimeNs = now;
    return ret(0);
  }

  function truncateNode(ctx: SyscallContext, node: ImageNode, length: bigint): SyscallOutcome {
    if (node.type === 'directory') return fail('EISDIR');
    if (node.type !== 'file') return fail('EINVAL');
    if (!mayAccess(node, ctx.task.credentials, MAY_WRITE, false)) return fail('EACCES');
    if (length > BigInt(Number.MAX_SAFE_INTEGER)) return fail('EFBIG');
    const r = store.truncate(node, Number(length), store.timeAt(ctx.nowNs));
    return r === 0 ? ret(0) : fail(r);
  }

  function sysTruncate(ctx: SyscallContext): SyscallOutcome {
    const length = argLong(ctx, 1);
    const path = args.path(ctx, 0);
    if (typeof path !== 'string') return path;
    if (length < 0n) return fail('EINVAL');
    const walked = args.walk(ctx, AT_FDCWD, path, true);
    if (!walked.ok) return fail(walked.errno);
    if (walked.node === undefined) return fail('ENOENT');
    if (walked.hasTrailingSlash && walked.node.type !== 'directory') return fail('ENOTDIR');
    return truncateNode(ctx, walked.node, length);
  }

  function sysFtruncate(ctx: SyscallContext): SyscallOutcome {
    const length = argLong(ctx, 1);
    if (length < 0n) return fail('EINVAL');
    const file = args.fileOf(ctx, argInt(ctx, 0));
    if (file === undefined || (file.statusFlags & O_PATH) !== 0) return fail('EBADF');
    if (!(file instanceof ImageFileHandle) || !file.isWritable) return fail('EINVAL');
    if (length > BigInt(Number.MAX_SAFE_INTEGER)) return fail('EFBIG');
    const r = store.truncate(file.node, Number(length), store.timeAt(ctx.nowNs));
    return r === 0 ? ret(0) : fail(r);
  }

  function sysFallocate(ctx: SyscallContext): SyscallOutcome {
    const file = args.fileOf(ctx, argInt(ctx, 0));
    const mode = argInt(ctx, 1);
    const offset = argLong(ctx, 2);
    const length = argLong(ctx, 3);
    if (offset < 0n || length <= 0n) return fail('EINVAL');
    if (file === undefined || !file.isWritable) return fail('EBADF');
    if (file instanceof ImageDirectoryHandle) return fail('EISDIR');
    if (file instanceof PipeEnd) return fail('ESPIPE');
    if (!(file instanceof ImageFileHandle)) return fail('ENODEV');
    // Only the plain mode (allocate, extending the size); punching and zeroing ranges are not modelled.
    if (mode !== 0) return fail('EOPNOTSUPP');
    const end = offset + length;
    if (end > BigInt(Number.MAX_SAFE_INTEGER)) return fail('EFBIG');
    if (Number(end) <= file.node.size) return ret(0);
    const r = store.truncate(file.node, Number(end), store.timeAt(ctx.nowNs));
    return r === 0 ? ret(0) : fail(r);
  }

  function sysFsync(ctx: SyscallContext): SyscallOutcome {
    const file = args.fileOf(ctx, argInt(ctx, 0));
    if (file === undefined || (file.statusFlags & O_PATH) !== 0) return fail('EBADF');
    // Files and directories of the tree have nothing volatile to flush; pipes and consoles cannot sync.
    return file instanceof ImageFileHandle || file instanceof ImageDirectoryHandle
      ? ret(0)
      : fail('EINVAL');
  }

  function encodeStatfs(kind: 'tree' | 'pipe' | 'terminal'): Uint8Array {
    const bytes = new Uint8Array(STATFS_BYTES);
    const v = new DataView(bytes.buffer);
    const put = (at: number, n: number): void => v.setBigInt64(at, BigInt(n), true);
    if (kind === 'tree') {
      const freeBlocks = Math.floor((store.treeBytesMax - store.usedBytes) / BLOCK_BYTES);
      put(0, TMPFS_MAGIC);
      put(16, Math.floor(store.treeBytesMax / BLOCK_BYTES));
      put(24, freeBlocks);
      put(32, freeBlocks);
      put(40, IMAGE_FILES_MAX);
      put(48, IMAGE_FILES_MAX - store.inodeCount);
    } else put(0, kind === 'pipe' ? PIPEFS_MAGIC : DEVPTS_MAGIC);
    put(8, BLOCK_BYTES);
    put(64, NAME_BYTES_MAX);
    put(72, BLOCK_BYTES);
    put(80, ST_VALID);
    return bytes;
  }

  function writeStatfs(ctx: SyscallContext, kind: 'tree' | 'pipe' | 'terminal'): SyscallOutcome {
    const buf = argAddress(ctx, 1);
    if (buf === undefined) return fail('EFAULT');
    return ctx.memory.writeUser(buf, encodeStatfs(kind)) === 'ok' ? ret(0) : fail('EFAULT');
  }

  function sysStatfs(ctx: SyscallContext): SyscallOutcome {
    const path = args.path(ctx, 0);
    if (typeof path !== 'string') return path;
    const walked = args.walk(ctx, AT_FDCWD, path, true);
    if (!walked.ok) return fail(walked.errno);
    if (walked.node === undefined) return fail('ENOENT');
    if (walked.hasTrailingSlash && walked.node.type !== 'directory') return fail('ENOTDIR');
    return writeStatfs(ctx, 'tree');
  }

  function sysFstatfs(ctx: SyscallContext): SyscallOutcome {
    const file: OpenFile | undefined = args.fileOf(ctx, argInt(ctx, 0));
    if (file === undefined) return fail('EBADF');
    if (file instanceof ConsoleFile) return writeStatfs(ctx, file.isTerminal ? 'terminal' : 'pipe');
    return writeStatfs(ctx, file instanceof PipeEnd ? 'pipe' : 'tree');
  }

  function sysFlock(ctx: SyscallContext): SyscallOutcome {
    const file = args.fileOf(ctx, argInt(ctx, 0));
    const op = argInt(ctx, 1);
    if (file === undefined || (file.statusFlags & O_PATH) !== 0) return fail('EBADF');
    const cmd = op & ~LOCK_NB;
    if (cmd === LOCK_UN) {
      flockRelease(file.lockTarget, file);
      return ret(0);
    }
    if (cmd !== LOCK_SH && cmd !== LOCK_EX) return fail('EINVAL');
    const r = flockTry(file.lockTarget, file, cmd === LOCK_SH ? 'shared' : 'exclusive');
    if (r === 'ok') return ret(0);
    // Another description holds a conflicting lock: EWOULDBLOCK, or sleep until a lock goes.
    return (op & LOCK_NB) !== 0 ? fail('EAGAIN') : block([r]);
  }

  return [
    { nr: 32, name: 'flock', handler: sysFlock },
    { nr: 43, name: 'statfs', handler: sysStatfs },
    { nr: 44, name: 'fstatfs', handler: sysFstatfs },
    { nr: 45, name: 'truncate', handler: sysTruncate },
    { nr: 46, name: 'ftruncate', handler: sysFtruncate },
    { nr: 47, name: 'fallocate', handler: sysFallocate },
    { nr: 52, name: 'fchmod', handler: sysFchmod },
    { nr: 53, name: 'fchmodat', handler: (ctx) => fchmodat(ctx, 0) },
    { nr: 54, name: 'fchownat', handler: sysFchownat },
    { nr: 55, name: 'fchown', handler: sysFchown },
    { nr: 81, name: 'sync', handler: () => ret(0) },
    { nr: 82, name: 'fsync', handler: sysFsync },
    { nr: 83, name: 'fdatasync', handler: sysFsync },
    { nr: 88, name: 'utimensat', handler: sysUtimensat },
    { nr: 452, name: 'fchmodat2', handler: (ctx) => fchmodat(ctx, argInt(ctx, 3)) },
  ];
}
