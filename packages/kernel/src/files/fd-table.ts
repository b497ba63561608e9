// A process's file descriptor table (Linux's files_struct): small integers
// naming open file descriptions, each with its own close-on-exec bit. The
// lowest free number is always handed out, as POSIX requires, and every call
// answers with the errno Linux gives for the same misuse.
import { assert } from '@krg/epm-core';
import { FDS_PER_PROCESS_DEFAULT, FDS_PER_PROCESS_MAX } from '../limits.js';
import type { OpenFile } from './open-file.js';
import {
  FD_CLOEXEC,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  O_CLOEXEC,
  SETFL_MASK,
} from './open-flags.js';

export interface FdEntry {
  readonly file: OpenFile;
  readonly isCloseOnExec: boolean;
}

export type FdErrno = 'EBADF' | 'EMFILE' | 'EINVAL';
export type FdResult =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly errno: FdErrno };

const ok = (value: number): FdResult => ({ ok: true, value });
const fail = (errno: FdErrno): FdResult => ({ ok: false, errno });

export class FdTable {
  // Index = fd; holes are undefined.
  readonly #entries: (FdEntry | undefined)[] = [];
  readonly #limitOf: () => number;

  /**
   * `limit` is RLIMIT_NOFILE's soft limit, or a function that reads it (the
   * limit lives in the signal object and setrlimit may change it); open
   * descriptors above a lowered limit stay open, as on Linux.
   */
  constructor(limit: number | (() => number) = FDS_PER_PROCESS_DEFAULT) {
    this.#limitOf = typeof limit === 'number' ? () => limit : limit;
  }

  /** The RLIMIT_NOFILE soft limit this table enforces now. */
  get limit(): number {
    const limit = Math.min(this.#limitOf(), FDS_PER_PROCESS_MAX);
    assert(Number.isInteger(limit) && limit >= 0, 'fd limit in range');
    return limit;
  }

  get(fd: number): FdEntry | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.#entries[fd] : undefined;
  }

  /** The highest open descriptor, or -1 when none is open (select's fd-array size). */
  get highestFd(): number {
    let fd = this.#entries.length - 1;
    while (fd >= 0 && this.#entries[fd] === undefined) fd--;
    return fd;
  }

  /** Open descriptors in ascending order (for export, /proc/<pid>/fd, exit). */
  entries(): [number, FdEntry][] {
    const out: [number, FdEntry][] = [];
    this.#entries.forEach((e, fd) => {
      if (e !== undefined) out.push([fd, e]);
    });
    return out;
  }

  /**
   * Installs a file at the lowest free descriptor ≥ `minFd`, taking over the
   * caller's reference. On EMFILE the caller still holds its reference.
   */
  install(file: OpenFile, isCloseOnExec: boolean, minFd = 0): FdResult {
    const fd = this.#lowestFree(minFd);
    if (fd === undefined) return fail('EMFILE');
    this.#entries[fd] = { file, isCloseOnExec };
    return ok(fd);
  }

  /** Installs at exactly `fd`, closing what was there (dup2, restart). */
  installAt(fd: number, file: OpenFile, isCloseOnExec: boolean): void {
    assert(Number.isInteger(fd) && fd >= 0 && fd < FDS_PER_PROCESS_MAX, 'fd in range');
    const old = this.#entries[fd];
    while (this.#entries.length < fd) this.#entries.push(undefined);
    this.#entries[fd] = { file, isCloseOnExec };
    old?.file.release();
  }

  close(fd: number): FdResult {
    const entry = this.get(fd);
    if (entry === undefined) return fail('EBADF');
    this.#entries[fd] = undefined;
    this.#trim();
    entry.file.release();
    return ok(0);
  }

  dup(fd: number): FdResult {
    return this.#dupFrom(fd, 0, false);
  }

  /** dup2: the same descriptor is returned unchanged when `fd === newFd`. */
  dup2(fd: number, newFd: number): FdResult {
    if (this.get(fd) === undefined) return fail('EBADF');
    if (fd === newFd) return ok(newFd);
    return this.dup3(fd, newFd, 0);
  }

  dup3(fd: number, newFd: number, flags: number): FdResult {
    if ((flags & ~O_CLOEXEC) !== 0) return fail('EINVAL');
    const entry = this.get(fd);
    if (entry === undefined) return fail('EBADF');
    if (!Number.isInteger(newFd) || newFd < 0 || newFd >= this.limit) return fail('EBADF');
    if (fd === newFd) return fail('EINVAL');
    this.installAt(newFd, entry.file.retain(), (flags & O_CLOEXEC) !== 0);
    return ok(newFd);
  }

  /** fcntl for the descriptor-level commands; others are the caller's (locks, pipes). */
  fcntl(fd: number, cmd: number, arg: number): FdResult | undefined {
    const entry = this.get(fd);
    if (entry === undefined) return fail('EBADF');
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC:
        if (!Number.isInteger(arg) || arg < 0 || arg >= this.limit) return fail('EINVAL');
        return this.#dupFrom(fd, arg, cmd === F_DUPFD_CLOEXEC);
      case F_GETFD:
        return ok(entry.isCloseOnExec ? FD_CLOEXEC : 0);
      case F_SETFD:
        this.#entries[fd] = { file: entry.file, isCloseOnExec: (arg & FD_CLOEXEC) !== 0 };
        return ok(0);
      case F_GETFL:
        return ok(entry.file.statusFlags);
      case F_SETFL:
        entry.file.statusFlags = (entry.file.statusFlags & ~SETFL_MASK) | (arg & SETFL_MASK);
        return ok(0);
      default:
        return undefined;
    }
  }

  /** A copy for a forked child: every description is shared, one more reference each. */
  fork(limit: number | (() => number) = this.#limitOf): FdTable {
    const child = new FdTable(limit);
    for (const [fd, e] of this.entries())
      child.#entries[fd] = { file: e.file.retain(), isCloseOnExec: e.isCloseOnExec };
    return child;
  }

  /** execve: close every close-on-exec descriptor. */
  closeOnExec(): void {
    for (const [fd, e] of this.entries()) if (e.isCloseOnExec) this.close(fd);
  }

  /** exit: close everything. */
  closeAll(): void {
    for (const [fd] of this.entries()) this.close(fd);
  }

  #dupFrom(fd: number, minFd: number, isCloseOnExec: boolean): FdResult {
    const entry = this.get(fd);
    if (entry === undefined) return fail('EBADF');
    const newFd = this.#lowestFree(minFd);
    if (newFd === undefined) return fail('EMFILE');
    this.#entries[newFd] = { file: entry.file.retain(), isCloseOnExec };
    return ok(newFd);
  }

  #lowestFree(minFd: number): number | undefined {
    for (let fd = minFd; fd < this.limit; fd++) if (this.#entries[fd] === undefined) return fd;
    return undefined;
  }

  #trim(): void {
    while (this.#entries.length > 0 && this.#entries[this.#entries.length - 1] === undefined)
      this.#entries.pop();
  }
}
