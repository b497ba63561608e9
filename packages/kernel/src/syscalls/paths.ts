// Path syscalls over the read-only image store: openat, newfstatat,
// readlinkat (with /proc/self/exe), faccessat, getdents64, getcwd, chdir,
// umask. Paths are untrusted guest strings, bounded by PATH_MAX.
import {
  argAddress,
  argInt,
  argUint,
  fail,
  readUserString,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { ImageDirectoryHandle, ImageFileHandle } from '../files/image-file.js';
import type { ImageNode, ImageStore, Lookup } from '../files/image-store.js';
import type { OpenFile } from '../files/open-file.js';
import {
  O_ACCMODE,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_RDONLY,
  O_TRUNC,
} from '../files/open-flags.js';
import { encodeStat } from '../files/stat.js';
import { PATH_BYTES_MAX } from '../limits.js';
import { ACCOUNTING_SLOT } from '@krg/epm-core';
import { FILES_SLOT, FS_SLOT } from '../process/task-slots.js';
import { fdResult, statOf } from './fd-io.js';

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const AT_NO_AUTOMOUNT = 0x800;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EACCESS = 0x200;
const F_OK = 0;
const X_OK = 1;
const W_OK = 2;
const R_OK = 4;
const PROC_SELF_EXE = '/proc/self/exe';
const DT_DIR = 4;
const DT_REG = 8;

/** An open-file view of a store node, for stat and open. */
function handleFor(node: ImageNode, path: string, statusFlags = 0): OpenFile {
  return node.type === 'directory'
    ? new ImageDirectoryHandle(node, path, statusFlags)
    : new ImageFileHandle(node, path, statusFlags);
}

type Resolved = Lookup | { readonly ok: false; readonly errno: 'EFAULT' | 'EBADF' };

export function createPathSyscalls(store: ImageStore): SyscallEntry[] {
  /** The directory a relative path starts from: the cwd or an open directory. */
  function baseDir(
    ctx: SyscallContext,
    dirfd: number,
  ): { path: string } | { errno: 'EBADF' | 'ENOTDIR' } {
    if (dirfd === AT_FDCWD) return { path: ctx.task.get(FS_SLOT).cwd };
    const file = ctx.task.get(FILES_SLOT).get(dirfd)?.file;
    if (file === undefined) return { errno: 'EBADF' };
    return file instanceof ImageDirectoryHandle ? { path: file.path } : { errno: 'ENOTDIR' };
  }

  function resolve(ctx: SyscallContext, dirfd: number, path: string): Resolved {
    if (path === PROC_SELF_EXE) return store.lookup(ctx.task.get(ACCOUNTING_SLOT).exePath);
    const base = path.startsWith('/') ? { path: '/' } : baseDir(ctx, dirfd);
    if ('errno' in base) return { ok: false, errno: base.errno };
    return store.lookup(path, base.path);
  }

  function pathArg(ctx: SyscallContext, i: number): string | SyscallOutcome {
    const address = argAddress(ctx, i);
    if (address === undefined) return fail('EFAULT');
    const path = readUserString(ctx.memory, address, PATH_BYTES_MAX);
    return path.ok ? path.value : fail(path.errno);
  }

  function sysOpenat(ctx: SyscallContext): SyscallOutcome {
    const dirfd = argInt(ctx, 0);
    const path = pathArg(ctx, 1);
    if (typeof path !== 'string') return path;
    const flags = argInt(ctx, 2);
    const found = resolve(ctx, dirfd, path);
    const isWrite = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
    if (!found.ok) {
      // Creating a file in a read-only file system: EROFS once the parent exists.
      if (found.errno === 'ENOENT' && (flags & O_CREAT) !== 0) return fail('EROFS');
      return fail(found.errno);
    }
    if (isWrite) return found.node.type === 'directory' ? fail('EISDIR') : fail('EROFS');
    const table = ctx.task.get(FILES_SLOT);
    const isCloseOnExec = (flags & O_CLOEXEC) !== 0;
    const status = flags & ~(O_CLOEXEC | O_CREAT);
    if (found.node.type !== 'directory' && (flags & O_DIRECTORY) !== 0) return fail('ENOTDIR');
    const handle = handleFor(found.node, found.path, status);
    const r = table.install(handle, isCloseOnExec);
    if (!r.ok) handle.release();
    return fdResult(r);
  }

  function sysNewfstatat(ctx: SyscallContext): SyscallOutcome {
    const dirfd = argInt(ctx, 0);
    const path = pathArg(ctx, 1);
    if (typeof path !== 'string') return path;
    const buf = argAddress(ctx, 2);
    const flags = argInt(ctx, 3);
    if ((flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)) !== 0)
      return fail('EINVAL');
    if (buf === undefined) return fail('EFAULT');
    let file: OpenFile | undefined;
    if (path === '' && (flags & AT_EMPTY_PATH) !== 0 && dirfd !== AT_FDCWD) {
      file = ctx.task.get(FILES_SLOT).get(dirfd)?.file;
      if (file === undefined) return fail('EBADF');
    } else {
      const found =
        path === '' && (flags & AT_EMPTY_PATH) !== 0
          ? resolve(ctx, AT_FDCWD, '.')
          : resolve(ctx, dirfd, path);
      if (!found.ok) return fail(found.errno);
      file = handleFor(found.node, found.path);
    }
    return ctx.memory.writeUser(buf, encodeStat(statOf(ctx, file))) === 'ok'
      ? ret(0)
      : fail('EFAULT');
  }

  function sysReadlinkat(ctx: SyscallContext): SyscallOutcome {
    const path = pathArg(ctx, 1);
    if (typeof path !== 'string') return path;
    const buf = argAddress(ctx, 2);
    const size = argInt(ctx, 3);
    if (size <= 0) return fail('EINVAL');
    if (path !== PROC_SELF_EXE) {
      // The image store holds no symbolic links.
      const found = resolve(ctx, argInt(ctx, 0), path);
      return fail(found.ok ? 'EINVAL' : found.errno);
    }
    if (buf === undefined) return fail('EFAULT');
    const target = Buffer.from(ctx.task.get(ACCOUNTING_SLOT).exePath, 'utf8');
    const out = target.subarray(0, Math.min(size, target.length));
    return ctx.memory.writeUser(buf, out) === 'ok' ? ret(out.length) : fail('EFAULT');
  }

  function sysFaccessat(ctx: SyscallContext): SyscallOutcome {
    return access(ctx, 0);
  }

  function sysFaccessat2(ctx: SyscallContext): SyscallOutcome {
    return access(ctx, argInt(ctx, 3));
  }

  function access(ctx: SyscallContext, flags: number): SyscallOutcome {
    const path = pathArg(ctx, 1);
    if (typeof path !== 'string') return path;
    const mode = argInt(ctx, 2);
    if ((mode & ~(R_OK | W_OK | X_OK)) !== 0) return fail('EINVAL');
    if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return fail('EINVAL');
    const found = resolve(ctx, argInt(ctx, 0), path);
    if (!found.ok) return fail(found.errno);
    if (mode === F_OK) return ret(0);
    if ((mode & W_OK) !== 0) return fail('EROFS');
    if ((mode & X_OK) !== 0 && (found.node.mode & 0o111) === 0) return fail('EACCES');
    return ret(0);
  }

  function sysGetdents64(ctx: SyscallContext): SyscallOutcome {
    const file = ctx.task.get(FILES_SLOT).get(argInt(ctx, 0))?.file;
    const buf = argAddress(ctx, 1);
    const size = argUint(ctx, 2);
    if (file === undefined) return fail('EBADF');
    if (!(file instanceof ImageDirectoryHandle)) return fail('ENOTDIR');
    if (buf === undefined) return fail('EFAULT');
    const entries = store.list(file.node);
    const records: Uint8Array[] = [];
    let used = 0;
    let position = file.position;
    while (position < entries.length) {
      const entry = entries[position]!;
      const name = Buffer.from(entry.name, 'utf8');
      const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
      if (used + reclen > size) {
        if (records.length === 0) return fail('EINVAL');
        break;
      }
      const rec = new Uint8Array(reclen);
      const v = new DataView(rec.buffer);
      v.setBigUint64(0, BigInt(entry.node.ino), true);
      v.setBigInt64(8, BigInt(position + 1), true);
      v.setUint16(16, reclen, true);
      rec[18] = entry.node.type === 'directory' ? DT_DIR : DT_REG;
      rec.set(name, 19);
      records.push(rec);
      used += reclen;
      position++;
    }
    if (ctx.memory.writeUser(buf, Buffer.concat(records)) !== 'ok') return fail('EFAULT');
    file.position = position;
    return ret(used);
  }

  function sysGetcwd(ctx: SyscallContext): SyscallOutcome {
    const buf = argAddress(ctx, 0);
    const size = argAddress(ctx, 1) ?? 0;
    const cwd = Buffer.from(`${ctx.task.get(FS_SLOT).cwd}\0`, 'utf8');
    if (size < cwd.length) return fail('ERANGE');
    if (buf === undefined) return fail('EFAULT');
    return ctx.memory.writeUser(buf, cwd) === 'ok' ? ret(cwd.length) : fail('EFAULT');
  }

  function sysChdir(ctx: SyscallContext): SyscallOutcome {
    const path = pathArg(ctx, 0);
    if (typeof path !== 'string') return path;
    const found = resolve(ctx, AT_FDCWD, path);
    if (!found.ok) return fail(found.errno);
    if (found.node.type !== 'directory') return fail('ENOTDIR');
    ctx.task.get(FS_SLOT).cwd = found.path;
    return ret(0);
  }

  function sysUmask(ctx: SyscallContext): SyscallOutcome {
    const fs = ctx.task.get(FS_SLOT);
    const old = fs.umask;
    fs.umask = argInt(ctx, 0) & 0o777;
    return ret(old);
  }

  return [
    { nr: 17, name: 'getcwd', handler: sysGetcwd },
    { nr: 48, name: 'faccessat', handler: sysFaccessat },
    { nr: 49, name: 'chdir', handler: sysChdir },
    { nr: 56, name: 'openat', handler: sysOpenat },
    { nr: 61, name: 'getdents64', handler: sysGetdents64 },
    { nr: 78, name: 'readlinkat', handler: sysReadlinkat },
    { nr: 79, name: 'newfstatat', handler: sysNewfstatat },
    { nr: 166, name: 'umask', handler: sysUmask },
    { nr: 439, name: 'faccessat2', handler: sysFaccessat2 },
  ];
}
