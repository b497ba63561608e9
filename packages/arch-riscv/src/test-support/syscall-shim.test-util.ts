// A minimal Linux system-call shim for tests: just what the freestanding
// guests (write, exit) and glibc 2.36's static start-up and stdio need, so
// that the differential tests can run real binaries on the hart before the
// kernel exists. It is test tooling, not the kernel: one process, one
// address space, fds 0-2 only, time derived from the instruction count.
//
// System-call numbers are riscv64's (the asm-generic table).

export const SYS = {
  ioctl: 29,
  faccessat: 48,
  close: 57,
  lseek: 62,
  read: 63,
  write: 64,
  writev: 66,
  readlinkat: 78,
  newfstatat: 79,
  fstat: 80,
  exit: 93,
  exit_group: 94,
  set_tid_address: 96,
  set_robust_list: 99,
  clock_gettime: 113,
  rt_sigaction: 134,
  rt_sigprocmask: 135,
  uname: 160,
  getpid: 172,
  getppid: 173,
  getuid: 174,
  geteuid: 175,
  getgid: 176,
  getegid: 177,
  gettid: 178,
  sysinfo: 179,
  brk: 214,
  munmap: 215,
  mremap: 216,
  mmap: 222,
  mprotect: 226,
  madvise: 233,
  prlimit64: 261,
  getrandom: 278,
  rseq: 293,
} as const;

const ENOENT = 2;
const EBADF = 9;
const ENOMEM = 12;
const EFAULT = 14;
const EINVAL = 22;
const ENOTTY = 25;
const ENOSYS = 38;

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_ANONYMOUS = 0x20;
const TCGETS = 0x5401;
const S_IFIFO = 0o010000;
const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** What the shim needs of an address space: PagedMemory provides it. */
export interface ShimMemory {
  map(address: number, lengthBytes: number, prot: number): void;
  unmap(address: number, lengthBytes: number): void;
  protect(address: number, lengthBytes: number, prot: number): void;
  isMapped(address: number, lengthBytes: number): boolean;
  read(address: number, lengthBytes: number): Uint8Array;
  write(address: number, bytes: Uint8Array): void;
}

export interface ShimOptions {
  readonly memory: ShimMemory;
  /** Drops what the hart cached of a page range (unmap, mprotect). */
  readonly invalidate: (address: number, lengthBytes: number) => void;
  readonly brkStart: number;
  /** What readlinkat("/proc/self/exe") answers. */
  readonly exePath: string;
  readonly stdin?: Uint8Array;
  /** Instructions retired so far: the shim's clock (1 ns per instruction). */
  readonly instret: () => number;
}

export type SyscallResult =
  | { readonly kind: 'return'; readonly value: bigint }
  | { readonly kind: 'exit'; readonly status: number };

const PAGE = 4096;
const BRK_MAX_BYTES = 256 * 1024 * 1024;
const MMAP_BASE = 0x20_0000_0000;
const MMAP_END = 0x30_0000_0000;
const IO_MAX_BYTES = 16 * 1024 * 1024;

const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;
const errno = (code: number): SyscallResult => ({ kind: 'return', value: BigInt(-code) });
const ok = (value: number | bigint): SyscallResult => ({ kind: 'return', value: BigInt(value) });

export class SyscallShim {
  readonly stdout: number[] = [];
  readonly stderr: number[] = [];
  /** Numbers of the calls seen, in order (for failure reports). */
  readonly trace: number[] = [];
  #brk: number;
  readonly #brkStart: number;
  #mmapNext = MMAP_BASE;
  #stdinAt = 0;
  #randomState = 0x2545f491;

  constructor(readonly options: ShimOptions) {
    this.#brk = options.brkStart;
    this.#brkStart = options.brkStart;
  }

  /** Handles one system call; `args` are a0..a5 as unsigned 64-bit values. */
  handle(nr: number, args: readonly bigint[]): SyscallResult {
    this.trace.push(nr);
    const a = (i: number): bigint => args[i] ?? 0n;
    const n = (i: number): number => {
      const value = a(i);
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(value);
    };
    const int = (i: number): number => Number(BigInt.asIntN(32, a(i)));
    try {
      switch (nr) {
        case SYS.write:
          return this.#write(int(0), n(1), n(2));
        case SYS.writev:
          return this.#writev(int(0), n(1), n(2));
        case SYS.read:
          return this.#read(int(0), n(1), n(2));
        case SYS.exit:
        case SYS.exit_group:
          return { kind: 'exit', status: int(0) & 0xff };
        case SYS.brk:
          return this.#brkCall(n(0));
        case SYS.mmap:
          return this.#mmap(n(1), int(2), int(3), int(4));
        case SYS.mremap:
          return this.#mremap(n(0), n(1), n(2), int(3));
        case SYS.munmap:
          return this.#munmap(n(0), n(1));
        case SYS.mprotect:
          this.options.memory.protect(n(0), pageUp(n(1)), int(2));
          this.options.invalidate(n(0), pageUp(n(1)));
          return ok(0);
        case SYS.set_tid_address:
        case SYS.getpid:
        case SYS.gettid:
          return ok(1);
        case SYS.getppid:
          return ok(0);
        case SYS.set_robust_list:
        case SYS.rt_sigaction:
        case SYS.rt_sigprocmask:
        case SYS.madvise:
        case SYS.close:
          return ok(0);
        case SYS.rseq:
          return errno(ENOSYS);
        case SYS.getuid:
        case SYS.geteuid:
        case SYS.getgid:
        case SYS.getegid:
          return ok(0);
        case SYS.ioctl:
          return int(1) === TCGETS ? errno(ENOTTY) : errno(EINVAL);
        case SYS.uname:
          return this.#uname(n(0));
        case SYS.prlimit64:
          return this.#prlimit(int(1), n(3));
        case SYS.readlinkat:
          return this.#readlink(n(1), n(2), n(3));
        case SYS.getrandom:
          return this.#getrandom(n(0), n(1));
        case SYS.newfstatat:
        case SYS.fstat:
          return this.#fstat(int(0), n(nr === SYS.fstat ? 1 : 2));
        case SYS.clock_gettime:
          return this.#clockGettime(n(1));
        case SYS.sysinfo:
          return this.#sysinfo(n(0));
        case SYS.lseek:
          return errno(29); // ESPIPE: the standard streams are pipes
        case SYS.faccessat:
          return errno(ENOENT);
        default:
          throw new Error(
            `syscall shim: system call ${nr} is not supported (calls so far: ${this.trace.join(',')})`,
          );
      }
    } catch (error) {
      if (error instanceof ShimFault) return errno(EFAULT);
      throw error;
    }
  }

  #bytes(address: number, length: number): Uint8Array {
    if (
      length < 0 ||
      length > IO_MAX_BYTES ||
      address < 0 ||
      !this.options.memory.isMapped(address, length)
    ) {
      throw new ShimFault();
    }
    return this.options.memory.read(address, length);
  }

  #store(address: number, bytes: Uint8Array): void {
    if (address < 0 || !this.options.memory.isMapped(address, bytes.length)) throw new ShimFault();
    this.options.memory.write(address, bytes);
  }

  #write(fd: number, address: number, length: number): SyscallResult {
    const sink = fd === 1 ? this.stdout : fd === 2 ? this.stderr : undefined;
    if (sink === undefined) return errno(EBADF);
    for (const byte of this.#bytes(address, length)) sink.push(byte);
    return ok(length);
  }

  #writev(fd: number, iov: number, count: number): SyscallResult {
    if (count < 0 || count > 1024) return errno(EINVAL);
    const vectors = new DataView(this.#bytes(iov, count * 16).buffer);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const base = Number(vectors.getBigUint64(i * 16, true));
      const length = Number(vectors.getBigUint64(i * 16 + 8, true));
      const result = this.#write(fd, base, length);
      if (result.kind !== 'return' || result.value < 0n) return result;
      total += length;
    }
    return ok(total);
  }

  #read(fd: number, address: number, length: number): SyscallResult {
    if (fd !== 0) return errno(EBADF);
    const input = this.options.stdin ?? new Uint8Array(0);
    const chunk = input.subarray(
      this.#stdinAt,
      this.#stdinAt + Math.max(0, Math.min(length, IO_MAX_BYTES)),
    );
    this.#store(address, chunk);
    this.#stdinAt += chunk.length;
    return ok(chunk.length);
  }

  #brkCall(requested: number): SyscallResult {
    const current = this.#brk;
    if (requested < this.#brkStart || requested > this.#brkStart + BRK_MAX_BYTES)
      return ok(current);
    const oldTop = pageUp(current);
    const newTop = pageUp(requested);
    if (newTop > oldTop) {
      if (!this.#isFree(oldTop, newTop - oldTop)) return ok(current);
      this.options.memory.map(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE);
    } else if (newTop < oldTop) {
      this.options.memory.unmap(newTop, oldTop - newTop);
      this.options.invalidate(newTop, oldTop - newTop);
    }
    this.#brk = requested;
    return ok(requested);
  }

  #isFree(address: number, length: number): boolean {
    for (let at = address; at < address + length; at += PAGE)
      if (this.options.memory.isMapped(at, 1)) return false;
    return true;
  }

  #mmap(length: number, prot: number, flags: number, fd: number): SyscallResult {
    if ((flags & MAP_ANONYMOUS) === 0 || fd !== -1) return errno(ENOSYS);
    if (length <= 0 || length > BRK_MAX_BYTES) return errno(EINVAL);
    const size = pageUp(length);
    if (this.#mmapNext + size > MMAP_END) return errno(ENOMEM);
    const address = this.#mmapNext;
    this.#mmapNext += size;
    this.options.memory.map(address, size, prot);
    return ok(address);
  }

  /** mremap: shrink in place, or grow by moving (MREMAP_MAYMOVE) into fresh pages. */
  #mremap(address: number, oldLength: number, newLength: number, flags: number): SyscallResult {
    const MREMAP_MAYMOVE = 1;
    if (address % PAGE !== 0 || newLength <= 0 || newLength > BRK_MAX_BYTES) return errno(EINVAL);
    const oldSize = pageUp(oldLength);
    const newSize = pageUp(newLength);
    if (!this.options.memory.isMapped(address, oldSize)) return errno(EFAULT);
    if (newSize <= oldSize) {
      if (newSize < oldSize) this.#munmap(address + newSize, oldSize - newSize);
      return ok(address);
    }
    if ((flags & MREMAP_MAYMOVE) === 0) return errno(ENOMEM);
    const moved = this.#mmap(newSize, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1);
    if (moved.kind !== 'return' || moved.value < 0n) return moved;
    const target = Number(moved.value);
    this.options.memory.write(target, this.options.memory.read(address, oldSize));
    this.#munmap(address, oldSize);
    return ok(target);
  }

  #munmap(address: number, length: number): SyscallResult {
    if (address % PAGE !== 0 || length <= 0) return errno(EINVAL);
    this.options.memory.unmap(address, pageUp(length));
    this.options.invalidate(address, pageUp(length));
    return ok(0);
  }

  #uname(address: number): SyscallResult {
    const fields = ['Linux', 'krg', '6.1.0', '#1 SMP krg', 'riscv64', '(none)'];
    const bytes = new Uint8Array(65 * 6);
    fields.forEach((field, i) => bytes.set(new TextEncoder().encode(field), i * 65));
    this.#store(address, bytes);
    return ok(0);
  }

  #prlimit(resource: number, oldAddress: number): SyscallResult {
    if (oldAddress !== 0) {
      const bytes = new Uint8Array(16);
      const view = new DataView(bytes.buffer);
      const RLIMIT_STACK = 3;
      view.setBigUint64(0, resource === RLIMIT_STACK ? 8n * 1024n * 1024n : RLIM_INFINITY, true);
      view.setBigUint64(8, RLIM_INFINITY, true);
      this.#store(oldAddress, bytes);
    }
    return ok(0);
  }

  #readlink(pathAddress: number, buffer: number, size: number): SyscallResult {
    const path = new TextDecoder().decode(this.#bytes(pathAddress, 14));
    if (path !== '/proc/self/exe') return errno(ENOENT);
    const target = new TextEncoder().encode(this.options.exePath).subarray(0, Math.max(0, size));
    this.#store(buffer, target);
    return ok(target.length);
  }

  #getrandom(address: number, length: number): SyscallResult {
    if (length < 0 || length > IO_MAX_BYTES) return errno(EINVAL);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      this.#randomState = (Math.imul(this.#randomState, 1103515245) + 12345) >>> 0;
      bytes[i] = this.#randomState >>> 24;
    }
    this.#store(address, bytes);
    return ok(length);
  }

  #fstat(fd: number, address: number): SyscallResult {
    if (fd < 0 || fd > 2) return errno(EBADF);
    const bytes = new Uint8Array(128);
    const view = new DataView(bytes.buffer);
    view.setUint32(16, S_IFIFO | 0o600, true); // st_mode: the streams are pipes, as under the test runner
    view.setUint32(20, 1, true); // st_nlink
    view.setInt32(56, PAGE, true); // st_blksize
    this.#store(address, bytes);
    return ok(0);
  }

  #clockGettime(address: number): SyscallResult {
    const ns = BigInt(this.options.instret());
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setBigInt64(0, ns / 1_000_000_000n, true);
    view.setBigInt64(8, ns % 1_000_000_000n, true);
    this.#store(address, bytes);
    return ok(0);
  }

  #sysinfo(address: number): SyscallResult {
    const bytes = new Uint8Array(112);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(32, 1n << 30n, true); // totalram
    view.setBigUint64(40, 1n << 29n, true); // freeram
    view.setUint16(80, 1, true); // procs
    view.setUint32(104, 1, true); // mem_unit
    this.#store(address, bytes);
    return ok(0);
  }
}

class ShimFault extends Error {}
