// Descriptor I/O syscalls the kernel's file table owns: read, write and
// their vector and positional forms, lseek, close, dup, dup3, fcntl, pipe2,
// ioctl on the consoles, fstat. Blocking follows the syscall contract: a
// read of an empty pipe returns `block` and runs again when woken. Regular
// files of the cluster's tree are read and written in place (O_APPEND
// writes at the end, as pwrite does on such a descriptor on Linux); the
// devices read EOF (/dev/null), zeros (/dev/zero, /dev/full) or the seeded
// generator (/dev/random, /dev/urandom) and swallow writes (/dev/full: ENOSPC).
import {
  SIGNAL,
  argAddress,
  argInt,
  argLong,
  argUint,
  block,
  fail,
  ret,
  type ErrnoName,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { ConsoleFile } from '../files/console.js';
import type { FdResult } from '../files/fd-table.js';
import { ImageDeviceHandle, ImageDirectoryHandle, ImageFileHandle } from '../files/image-file.js';
import type { OpenFile } from '../files/open-file.js';
import { O_APPEND, O_CLOEXEC, O_NONBLOCK } from '../files/open-flags.js';
import { Pipe, PipeEnd } from '../files/pipe.js';
import { encodeStat, statOfNode, type StatInfo } from '../files/stat.js';
import { DEVICE_ZERO_READ_BYTES_MAX, IO_BYTES_MAX, IOV_MAX } from '../limits.js';
import { FILES_SLOT } from '../process/task-slots.js';

const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
const SEEK_DATA = 3;
const SEEK_HOLE = 4;
const TCGETS = 0x5401;
const TIOCGWINSZ = 0x5413;
const FIONBIO = 0x5421;

export function fdResult(r: FdResult): SyscallOutcome {
  return r.ok ? ret(r.value) : fail(r.errno);
}

function openFile(ctx: SyscallContext, fd: number): OpenFile | undefined {
  return ctx.task.get(FILES_SLOT).get(fd)?.file;
}

/** Reads up to `count` bytes from a file into a fresh buffer (or answers why not). */
function readFrom(
  ctx: SyscallContext,
  file: OpenFile,
  count: number,
  position?: number,
): Uint8Array | SyscallOutcome {
  if (!file.isReadable) return fail('EBADF');
  if (count === 0) return new Uint8Array(0);
  const isNonBlocking = (file.statusFlags & O_NONBLOCK) !== 0;
  if (file instanceof PipeEnd) {
    if (position !== undefined) return fail('ESPIPE');
    const r = file.pipe.read(count);
    if (r.kind === 'data') return r.bytes;
    if (r.kind === 'eof') return new Uint8Array(0);
    return isNonBlocking ? fail('EAGAIN') : block([file.pipe.readable]);
  }
  if (file instanceof ConsoleFile) {
    if (position !== undefined) return fail('ESPIPE');
    const input = file.input;
    if (input === undefined) return fail('EBADF');
    const r = input.read(count);
    if (r === 'eof') return new Uint8Array(0);
    if (r === 'block') return isNonBlocking ? fail('EAGAIN') : block([input.readable]);
    return r;
  }
  if (file instanceof ImageFileHandle) {
    const bytes = file.node.read(position ?? file.offset, count);
    if (position === undefined) file.offset += bytes.length;
    return bytes;
  }
  if (file instanceof ImageDeviceHandle) {
    if (file.node.device === 'null') return new Uint8Array(0);
    const out = new Uint8Array(Math.min(count, DEVICE_ZERO_READ_BYTES_MAX));
    const random = file.node.random;
    if (random !== undefined)
      for (let i = 0; i < out.length; i++) out[i] = random.nextUint32() & 0xff;
    return out;
  }
  if (file instanceof ImageDirectoryHandle) return fail('EISDIR');
  return fail('EINVAL');
}

/** Writes bytes to a file; answers the count written or why not. */
function writeTo(
  ctx: SyscallContext,
  file: OpenFile,
  bytes: Uint8Array,
  position?: number,
): number | SyscallOutcome {
  if (!file.isWritable) return fail('EBADF');
  if (file instanceof ConsoleFile) {
    if (position !== undefined) return fail('ESPIPE');
    file.sink?.write(bytes);
    return bytes.length;
  }
  if (file instanceof PipeEnd) {
    if (position !== undefined) return fail('ESPIPE');
    const r = file.pipe.write(bytes);
    if (r.kind === 'epipe') {
      ctx.kernel.sendSignal(ctx.task, SIGNAL.SIGPIPE);
      return fail('EPIPE');
    }
    if (r.kind === 'written') return r.count;
    return (file.statusFlags & O_NONBLOCK) !== 0 ? fail('EAGAIN') : block([file.pipe.writable]);
  }
  if (file instanceof ImageFileHandle) {
    const at = (file.statusFlags & O_APPEND) !== 0 ? file.node.size : (position ?? file.offset);
    const r = file.store.write(file.node, at, bytes, file.store.timeAt(ctx.nowNs));
    if (typeof r === 'string') return fail(r);
    if (position === undefined) file.offset = at + r;
    return r;
  }
  if (file instanceof ImageDeviceHandle) {
    // /dev/full: the device is always full, even for a zero-length write (Linux's write_full).
    if (file.node.device === 'full') return fail('ENOSPC');
    return bytes.length;
  }
  return fail('EBADF');
}

function sysRead(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  const buf = argAddress(ctx, 1);
  const count = Math.min(Number(BigInt.asUintN(63, ctx.args[2] ?? 0n)), IO_BYTES_MAX);
  if (file === undefined) return fail('EBADF');
  if (buf === undefined) return fail('EFAULT');
  const data = readFrom(ctx, file, count);
  if (!(data instanceof Uint8Array)) return data;
  return ctx.memory.writeUser(buf, data) === 'ok' ? ret(data.length) : fail('EFAULT');
}

function sysWrite(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  const buf = argAddress(ctx, 1);
  const count = Math.min(Number(BigInt.asUintN(63, ctx.args[2] ?? 0n)), IO_BYTES_MAX);
  if (file === undefined) return fail('EBADF');
  if (buf === undefined) return fail('EFAULT');
  const data = ctx.memory.readUser(buf, count);
  if (data === 'EFAULT') return fail('EFAULT');
  return continueWrite(ctx, file, data);
}

/**
 * A blocking write to a pipe writes everything before returning (atomic
 * pieces up to PIPE_BUF, the rest as room appears): `ctx.progress` says how
 * much an earlier attempt already wrote.
 */
function continueWrite(ctx: SyscallContext, file: OpenFile, data: Uint8Array): SyscallOutcome {
  // A zero-length write moves nothing, but a device still answers it (/dev/full: ENOSPC).
  if (data.length === 0 && file instanceof ImageDeviceHandle) {
    const r = writeTo(ctx, file, data);
    return typeof r === 'number' ? ret(r) : r;
  }
  let done = ctx.progress;
  while (done < data.length) {
    const r = writeTo(ctx, file, data.subarray(done));
    if (typeof r !== 'number') {
      if (r.kind === 'block') return block(r.queues, { progress: done });
      // An error after partial progress reports the progress, as Linux does.
      return done > 0 ? ret(done) : r;
    }
    done += r;
  }
  return ret(done);
}

/** A handler interrupted a write that moved some bytes: it returns that count (pipe_write). */
function partialWrite(ctx: SyscallContext): bigint | undefined {
  return ctx.progress > 0 ? BigInt(ctx.progress) : undefined;
}

interface Iovec {
  readonly base: number;
  readonly length: number;
}

function readIovecs(
  ctx: SyscallContext,
  address: number | undefined,
  count: number,
): Iovec[] | ErrnoName {
  if (count < 0 || count > IOV_MAX) return 'EINVAL';
  if (address === undefined) return 'EFAULT';
  const raw = ctx.memory.readUser(address, count * 16);
  if (raw === 'EFAULT') return 'EFAULT';
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: Iovec[] = [];
  let total = 0n;
  for (let i = 0; i < count; i++) {
    const base = view.getBigUint64(i * 16, true);
    const length = view.getBigUint64(i * 16 + 8, true);
    total += length;
    if (total > BigInt(IO_BYTES_MAX) * 2n) return 'EINVAL';
    if (base > BigInt(Number.MAX_SAFE_INTEGER)) return 'EFAULT';
    out.push({ base: Number(base), length: Number(length) });
  }
  return out;
}

function sysWritev(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  if (file === undefined) return fail('EBADF');
  const iovs = readIovecs(ctx, argAddress(ctx, 1), argInt(ctx, 2));
  if (typeof iovs === 'string') return fail(iovs);
  const data = gather(ctx, iovs);
  return data instanceof Uint8Array ? continueWrite(ctx, file, data) : data;
}

function sysReadv(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  if (file === undefined) return fail('EBADF');
  const iovs = readIovecs(ctx, argAddress(ctx, 1), argInt(ctx, 2));
  if (typeof iovs === 'string') return fail(iovs);
  const total = Math.min(
    iovs.reduce((n, v) => n + v.length, 0),
    IO_BYTES_MAX,
  );
  const data = readFrom(ctx, file, total);
  return data instanceof Uint8Array ? scatter(ctx, iovs, data) : data;
}

// The positional calls check in ksys_pread64's order: a negative offset
// first, then the descriptor, then whether it can be positioned at all.
function sysPread(ctx: SyscallContext): SyscallOutcome {
  const position = positionArg(ctx, 3);
  const file = openFile(ctx, argInt(ctx, 0));
  const buf = argAddress(ctx, 1);
  const count = Math.min(Number(BigInt.asUintN(63, ctx.args[2] ?? 0n)), IO_BYTES_MAX);
  if (position === undefined) return fail('EINVAL');
  if (file === undefined) return fail('EBADF');
  if (!isSeekable(file)) return fail('ESPIPE');
  if (buf === undefined) return fail('EFAULT');
  const data = readFrom(ctx, file, count, position);
  if (!(data instanceof Uint8Array)) return data;
  return ctx.memory.writeUser(buf, data) === 'ok' ? ret(data.length) : fail('EFAULT');
}

/** A positional offset argument: EINVAL when negative (Linux's rw_verify_area). */
function positionArg(ctx: SyscallContext, i: number): number | undefined {
  const offset = argLong(ctx, i);
  if (offset < 0n) return undefined;
  return Number(
    offset > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : offset,
  );
}

/** Consoles and pipes cannot be positioned: pread/pwrite on them answer ESPIPE. */
function isSeekable(file: OpenFile): boolean {
  return !(file instanceof ConsoleFile || file instanceof PipeEnd);
}

function sysPwrite(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  const buf = argAddress(ctx, 1);
  const count = Math.min(Number(BigInt.asUintN(63, ctx.args[2] ?? 0n)), IO_BYTES_MAX);
  const position = positionArg(ctx, 3);
  if (position === undefined) return fail('EINVAL');
  if (file === undefined) return fail('EBADF');
  if (!isSeekable(file)) return fail('ESPIPE');
  if (!file.isWritable) return fail('EBADF');
  if (buf === undefined) return fail('EFAULT');
  const data = ctx.memory.readUser(buf, count);
  if (data === 'EFAULT') return fail('EFAULT');
  const r = writeTo(ctx, file, data, position);
  return typeof r === 'number' ? ret(r) : r;
}

/** Reads the iovecs' bytes from guest memory, in order, as one buffer. */
function gather(ctx: SyscallContext, iovs: readonly Iovec[]): Uint8Array | SyscallOutcome {
  const parts: Uint8Array[] = [];
  for (const iov of iovs) {
    const data = ctx.memory.readUser(iov.base, iov.length);
    if (data === 'EFAULT') return fail('EFAULT');
    parts.push(data);
  }
  return Buffer.concat(parts);
}

/** Copies `data` into the iovecs, in order; answers the count. */
function scatter(ctx: SyscallContext, iovs: readonly Iovec[], data: Uint8Array): SyscallOutcome {
  let done = 0;
  for (const iov of iovs) {
    if (done >= data.length) break;
    const piece = data.subarray(done, done + iov.length);
    if (ctx.memory.writeUser(iov.base, piece) !== 'ok') return fail('EFAULT');
    done += piece.length;
  }
  return ret(data.length);
}

function sysPreadv(ctx: SyscallContext): SyscallOutcome {
  const position = positionArg(ctx, 3);
  if (position === undefined) return fail('EINVAL');
  const file = openFile(ctx, argInt(ctx, 0));
  if (file === undefined) return fail('EBADF');
  if (!isSeekable(file)) return fail('ESPIPE');
  if (!file.isReadable) return fail('EBADF');
  const iovs = readIovecs(ctx, argAddress(ctx, 1), argInt(ctx, 2));
  if (typeof iovs === 'string') return fail(iovs);
  const total = Math.min(
    iovs.reduce((n, v) => n + v.length, 0),
    IO_BYTES_MAX,
  );
  const data = readFrom(ctx, file, total, position);
  return data instanceof Uint8Array ? scatter(ctx, iovs, data) : data;
}

function sysPwritev(ctx: SyscallContext): SyscallOutcome {
  const position = positionArg(ctx, 3);
  if (position === undefined) return fail('EINVAL');
  const file = openFile(ctx, argInt(ctx, 0));
  if (file === undefined) return fail('EBADF');
  if (!isSeekable(file)) return fail('ESPIPE');
  if (!file.isWritable) return fail('EBADF');
  const iovs = readIovecs(ctx, argAddress(ctx, 1), argInt(ctx, 2));
  if (typeof iovs === 'string') return fail(iovs);
  const data = gather(ctx, iovs);
  if (!(data instanceof Uint8Array)) return data;
  const r = writeTo(ctx, file, data, position);
  return typeof r === 'number' ? ret(r) : r;
}

function sysLseek(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  const offset = argLong(ctx, 1);
  const whence = argInt(ctx, 2);
  if (file === undefined) return fail('EBADF');
  if (file instanceof ImageDirectoryHandle) {
    if (whence !== SEEK_SET || offset !== 0n) return fail('EINVAL');
    file.rewind();
    return ret(0);
  }
  if (file instanceof ImageDeviceHandle) return ret(0);
  if (!(file instanceof ImageFileHandle)) return fail('ESPIPE');
  const size = BigInt(file.node.size);
  if (whence === SEEK_DATA || whence === SEEK_HOLE) {
    // Files are dense: all data up to the size, the one hole at the end.
    if (offset < 0n || offset >= size) return fail('ENXIO');
    file.offset = Number(whence === SEEK_DATA ? offset : size);
    return ret(file.offset);
  }
  const base =
    whence === SEEK_SET
      ? 0n
      : whence === SEEK_CUR
        ? BigInt(file.offset)
        : whence === SEEK_END
          ? size
          : -1n;
  if (base < 0n) return fail('EINVAL');
  const next = base + offset;
  if (next < 0n || next > BigInt(Number.MAX_SAFE_INTEGER)) return fail('EINVAL');
  file.offset = Number(next);
  return ret(next);
}

function sysClose(ctx: SyscallContext): SyscallOutcome {
  return fdResult(ctx.task.get(FILES_SLOT).close(argInt(ctx, 0)));
}

function sysDup(ctx: SyscallContext): SyscallOutcome {
  return fdResult(ctx.task.get(FILES_SLOT).dup(argInt(ctx, 0)));
}

function sysDup3(ctx: SyscallContext): SyscallOutcome {
  return fdResult(ctx.task.get(FILES_SLOT).dup3(argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2)));
}

function sysFcntl(ctx: SyscallContext): SyscallOutcome {
  const r = ctx.task.get(FILES_SLOT).fcntl(argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2));
  // Locks, leases, pipe sizes and signals-on-I/O are not modelled.
  return r === undefined ? fail('EINVAL') : fdResult(r);
}

function sysPipe2(ctx: SyscallContext): SyscallOutcome {
  const fdsAddress = argAddress(ctx, 0);
  const flags = argInt(ctx, 1);
  if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) return fail('EINVAL');
  if (fdsAddress === undefined) return fail('EFAULT');
  const table = ctx.task.get(FILES_SLOT);
  const { reader, writer } = new Pipe().open(flags);
  const isCloseOnExec = (flags & O_CLOEXEC) !== 0;
  const r = table.install(reader, isCloseOnExec);
  if (!r.ok) {
    reader.release();
    writer.release();
    return fail(r.errno);
  }
  const w = table.install(writer, isCloseOnExec);
  if (!w.ok) {
    table.close(r.value);
    writer.release();
    return fail(w.errno);
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setInt32(0, r.value, true);
  new DataView(out.buffer).setInt32(4, w.value, true);
  if (ctx.memory.writeUser(fdsAddress, out) !== 'ok') {
    table.close(r.value);
    table.close(w.value);
    return fail('EFAULT');
  }
  return ret(0);
}

function sysIoctl(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  const request = argUint(ctx, 1);
  const arg = argAddress(ctx, 2);
  if (file === undefined) return fail('EBADF');
  if (request === FIONBIO) {
    const flag = arg === undefined ? 'EFAULT' : ctx.memory.readUser(arg, 4);
    if (flag === 'EFAULT') return fail('EFAULT');
    const on = new DataView(flag.buffer, flag.byteOffset).getInt32(0, true) !== 0;
    file.statusFlags = on ? file.statusFlags | O_NONBLOCK : file.statusFlags & ~O_NONBLOCK;
    return ret(0);
  }
  if (!(file instanceof ConsoleFile) || !file.isTerminal) return fail('ENOTTY');
  if (arg === undefined) return fail('EFAULT');
  if (request === TCGETS) {
    // A canonical, echoing terminal at 38400 baud: what a fresh Linux tty reports.
    const termios = new Uint8Array(36);
    const v = new DataView(termios.buffer);
    v.setUint32(0, 0x500, true); // ICRNL | IXON
    v.setUint32(4, 0x5, true); // OPOST | ONLCR
    v.setUint32(8, 0xbf, true); // B38400 | CS8 | CREAD
    v.setUint32(12, 0x8a3b, true); // ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
    return ctx.memory.writeUser(arg, termios) === 'ok' ? ret(0) : fail('EFAULT');
  }
  if (request === TIOCGWINSZ) {
    const ws = new Uint8Array(8);
    const v = new DataView(ws.buffer);
    v.setUint16(0, 24, true);
    v.setUint16(2, 80, true);
    return ctx.memory.writeUser(arg, ws) === 'ok' ? ret(0) : fail('EFAULT');
  }
  return fail('ENOTTY');
}

/** stat of an open file, as fstat reports it. */
export function statOf(ctx: SyscallContext, file: OpenFile): StatInfo {
  const base = { nlink: 1, uid: 0, gid: 0, rdev: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
  if (
    file instanceof ImageFileHandle ||
    file instanceof ImageDirectoryHandle ||
    file instanceof ImageDeviceHandle
  )
    return statOfNode(file.node);
  if (file instanceof ConsoleFile) {
    const isTerminal = file.isTerminal;
    return {
      ...base,
      dev: isTerminal ? 22 : 12,
      ino: 1,
      mode: file.fileType | 0o620,
      rdev: isTerminal ? 0x8800 : 0,
      size: 0,
      blksize: isTerminal ? 1024 : 4096,
    };
  }
  return { ...base, dev: 12, ino: 2, mode: 0o010600, size: 0, blksize: 4096 };
}

function sysFstat(ctx: SyscallContext): SyscallOutcome {
  const file = openFile(ctx, argInt(ctx, 0));
  const buf = argAddress(ctx, 1);
  if (file === undefined) return fail('EBADF');
  if (buf === undefined) return fail('EFAULT');
  return ctx.memory.writeUser(buf, encodeStat(statOf(ctx, file))) === 'ok'
    ? ret(0)
    : fail('EFAULT');
}

/** The descriptor-I/O rows of the syscall table (riscv64 numbers). */
export const FD_IO_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 23, name: 'dup', handler: sysDup },
  { nr: 24, name: 'dup3', handler: sysDup3 },
  { nr: 25, name: 'fcntl', handler: sysFcntl },
  { nr: 29, name: 'ioctl', handler: sysIoctl },
  { nr: 57, name: 'close', handler: sysClose },
  { nr: 59, name: 'pipe2', handler: sysPipe2 },
  { nr: 62, name: 'lseek', handler: sysLseek },
  { nr: 63, name: 'read', handler: sysRead },
  { nr: 64, name: 'write', handler: sysWrite, interrupted: partialWrite },
  { nr: 65, name: 'readv', handler: sysReadv },
  { nr: 66, name: 'writev', handler: sysWritev, interrupted: partialWrite },
  { nr: 67, name: 'pread64', handler: sysPread },
  { nr: 68, name: 'pwrite64', handler: sysPwrite },
  { nr: 69, name: 'preadv', handler: sysPreadv },
  { nr: 70, name: 'pwritev', handler: sysPwritev },
  { nr: 80, name: 'fstat', handler: sysFstat },
];
