// The syscall-handler contract: how a subsystem's handler sees the calling
// task, reads its arguments and user memory, answers, and blocks. The
// kernel assembles handlers from every subsystem into its table (indexed by
// riscv64 syscall number) and runs them; handlers never touch the CPU.
//
// Blocking follows Linux's wait loops: a handler that cannot finish now
// returns `block` with the wait queues (and optional deadline) it waits on;
// the kernel puts the task to sleep and runs the same handler again, with
// the same arguments, when a queue wakes it or the deadline passes. A
// handler therefore re-checks its condition from scratch each time, and
// returns `block` right after its last check, with no await in between, so
// no wake-up can fall between the check and the sleep.
import type { KddmNode } from '@krg/kddm-core';
import { ERRNO, type ErrnoName } from './abi/errno.js';
import type { WaitStatus } from './abi/wait-status.js';

/** Who sent a signal and how (the fields of siginfo the kernel fills at generation). */
export interface SignalInfo {
  /** si_code: SI_USER (0) for kill, SI_TKILL (−6) for tkill/tgkill, SI_KERNEL (0x80). */
  readonly code: number;
  readonly senderPid: number;
  readonly senderUid: number;
  /** si_value of a signal queued by sigqueue (rt_sigqueueinfo) or a timer. */
  readonly value?: bigint;
  /** SIGCHLD: the child's wait status word and CPU times (si_status, si_utime, si_stime). */
  readonly child?: { readonly status: number; readonly userNs: number; readonly systemNs: number };
}
import type { MappableFiles } from './mappable-file.js';
import type { PriorityReply, PriorityRequest } from './priority.js';
import type { Task } from './task.js';
import type { TaskChange } from './task-hooks.js';
import type { WaitQueue } from './wait-queue.js';

/** What a node answers about one of its processes for another node (Kerrighed's remote syscalls, §7). */
export type TaskQuery = 'pgid' | 'sid' | 'nice';

/**
 * Processes named by a cluster-wide question: a process group (within
 * session `sid` if given), a user's, or a group's anchors — its live members
 * whose parent (not init) is in another group of the same session; a group
 * without one is orphaned (POSIX; Linux's will_become_orphaned_pgrp).
 */
export type ProcessSelector =
  | { readonly kind: 'group'; readonly pgid: number; readonly sid?: number }
  | { readonly kind: 'user'; readonly uid: number }
  | { readonly kind: 'group-anchors'; readonly pgid: number };

/**
 * Copies between kernel and the calling task's user memory, with user-access
 * permissions. A copy never waits: a page that is not here but can be
 * brought in (a SysV shm page another node holds) answers EFAULT like a
 * bad address, and the kernel notes it. When the handler returns, the
 * kernel drops its outcome, brings the pages in (the path an instruction's
 * fault takes) and runs the call again from scratch. So a handler copies
 * its user buffers in before it acts, and copies out before it acts or
 * undoes its action when the copy fails (as it must for a bad address
 * anyway); for the calls where Linux acts first and copies out last (a
 * signal dequeued, bytes taken from a pipe, a child forked), the kernel
 * brings the out-buffers in before the handler runs.
 */
export interface UserMemory {
  readUser(address: number, length: number): Uint8Array | 'EFAULT';
  writeUser(address: number, bytes: Uint8Array): 'ok' | 'EFAULT';
}

/**
 * What the kernel offers handlers of every subsystem: the operations that
 * need the scheduler or another subsystem's state. The kernel implements it;
 * subsystems only see this interface.
 */
export interface KernelServices {
  /**
   * Generates a signal for a task (kill, SIGPIPE on a broken pipe, …) and
   * wakes it if it sleeps, so delivery happens at its next return to user
   * space. `info` defaults to a kernel-sent siginfo.
   */
  sendSignal(task: Task, sig: number, info?: SignalInfo): void;
  /** Ends the calling task (exit, exit_group, a fatal signal). */
  exitTask(task: Task, status: WaitStatus): void;
  /**
   * The task with this pid on the caller's node (pid 1: the node's init);
   * undefined if none runs here. Processes of other nodes are reached by
   * queryTask, surveyProcesses and the subsystems' own routed requests.
   */
  findTask(pid: number): Task | undefined;
  /** Every task of the caller's node, in pid order (zombies included; not init). */
  allTasks(): readonly Task[];
  /** A copy of `parent` (fork): every slot filled through the task hooks, not yet running. */
  forkTask(parent: Task, exitSignal: number): Task | ErrnoName;
  /** Makes a forked child runnable. */
  startTask(child: Task): void;
  /** Drops a forked child that never ran (a later step of clone failed). */
  discardTask(child: Task): void;
  /** The user memory of another task (clone's CLONE_CHILD_SETTID). */
  memoryOf(task: Task): UserMemory;
  /** Removes a zombie for good (wait4 reaped it). */
  reapTask(zombie: Task): void;
  /**
   * The KDDM node of the node `task` runs on: where a subsystem finds its
   * sets (created at the node's boot, the same static ids on every node).
   */
  kddmOf(task: Task): KddmNode;
  /** Shared fields of `task` changed (setpgid, setsid): its lifecycle hooks publish them. */
  taskChanged(task: Task, change: TaskChange): void;
  /**
   * A question about the process `pid` wherever it runs (getpgid, getsid,
   * getpriority): a process of the caller's node answers at once; another
   * is found through its task object's `node` and asked there over RPC.
   * 'ESRCH' when no such process lives (or its node is gone).
   */
  queryTask(caller: Task, pid: number, what: TaskQuery): Promise<number | 'ESRCH'>;
  /**
   * How many processes of the whole cluster `selector` names, zombies
   * included (setsid's and setpgid's group checks, getpriority of a group or
   * a user): every live node counts its own, as ps asks them. Synchronous
   * when the caller's node is the only one up.
   */
  surveyProcesses(caller: Task, selector: ProcessSelector): number | Promise<number>;
  /**
   * getpriority/setpriority on the processes `request` names, served where
   * they run (priority.ts): one process on its node (at once on the
   * caller's), a group or a user's on every live node. One reply per node asked.
   */
  priorityOfProcesses(
    caller: Task,
    request: PriorityRequest,
  ): readonly PriorityReply[] | Promise<readonly PriorityReply[]>;
  /** The files a task may map (mmap of a descriptor), as the file table's owner presents them. */
  readonly files: MappableFiles;
  /** Replaces the task's program (execve); 'ok' or why not, with the task untouched. */
  execTask(
    task: Task,
    path: string,
    argv: readonly string[],
    envp: readonly string[],
  ): 'ok' | ErrnoName;
}

export interface SyscallContext {
  readonly task: Task;
  readonly kernel: KernelServices;
  /** a0–a5 as unsigned 64-bit values. */
  readonly args: readonly bigint[];
  readonly memory: UserMemory;
  /** The current simulated instant. */
  readonly nowNs: number;
  /** True when this run of the handler follows a wake-up (not the first attempt). */
  readonly isRetry: boolean;
  /**
   * Work an earlier attempt of this call already did (bytes written to a
   * pipe before it blocked): the handler continues from there. 0 at first.
   */
  readonly progress: number;
}

export type SyscallOutcome =
  /** Write `value` (a result, or −errno) to a0 and continue. */
  | { readonly kind: 'return'; readonly value: bigint }
  /**
   * Sleep until a queue wakes the task or `untilNs` passes, then run the
   * handler again, with `progress` as its context's progress.
   */
  | {
      readonly kind: 'block';
      readonly queues: readonly WaitQueue[];
      readonly untilNs?: number;
      readonly progress?: number;
    }
  /** The handler changed the task's execution itself (exit, a successful execve, rt_sigreturn): write nothing. */
  | { readonly kind: 'no-return' };

export type SyscallHandler = (ctx: SyscallContext) => SyscallOutcome | Promise<SyscallOutcome>;

export interface SyscallEntry {
  /** riscv64 (asm-generic) syscall number. */
  readonly nr: number;
  readonly name: string;
  readonly handler: SyscallHandler;
  /**
   * What a blocked call answers when a signal handler interrupts it
   * (Linux's restart codes). 'sa-restart' (the default, -ERESTARTSYS): the
   * call runs again after the handler if the action has SA_RESTART, else it
   * fails with EINTR. 'eintr' (-ERESTARTNOHAND, -ERESTART_RESTARTBLOCK:
   * sleeps, sigsuspend, sigtimedwait, poll): always EINTR. A signal that runs
   * no handler (ignored, a stop then continue) never interrupts a call.
   */
  readonly onHandler?: 'sa-restart' | 'eintr';
  /**
   * Called when a handler interrupts the blocked call, with the context of
   * its last attempt: the result to give instead of EINTR or a restart (a
   * write that moved some bytes returns that count), or undefined. It may
   * also copy out what Linux copies on interruption (nanosleep's remaining
   * time).
   */
  readonly interrupted?: (ctx: SyscallContext) => bigint | undefined;
}

const U64 = (1n << 64n) - 1n;

export function ret(value: number | bigint): SyscallOutcome {
  return { kind: 'return', value: BigInt.asUintN(64, BigInt(value)) & U64 };
}

export function fail(errno: ErrnoName): SyscallOutcome {
  return ret(-ERRNO[errno]);
}

export function block(
  queues: readonly WaitQueue[],
  options: { readonly untilNs?: number; readonly progress?: number } = {},
): SyscallOutcome {
  return { kind: 'block', queues, ...options };
}

export const NO_RETURN: SyscallOutcome = { kind: 'no-return' };

/** Argument `i` as a C int (the low 32 bits, signed). */
export function argInt(ctx: SyscallContext, i: number): number {
  return Number(BigInt.asIntN(32, ctx.args[i] ?? 0n));
}

/** Argument `i` as an unsigned C int. */
export function argUint(ctx: SyscallContext, i: number): number {
  return Number(BigInt.asUintN(32, ctx.args[i] ?? 0n));
}

/** Argument `i` as a signed 64-bit long. */
export function argLong(ctx: SyscallContext, i: number): bigint {
  return BigInt.asIntN(64, ctx.args[i] ?? 0n);
}

/**
 * Argument `i` as a user address or size: a safe integer, or undefined when
 * it is beyond 2^53 (no user mapping lies there: the caller answers EFAULT
 * or EINVAL).
 */
export function argAddress(ctx: SyscallContext, i: number): number | undefined {
  const v = ctx.args[i] ?? 0n;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

const NS_PER_SECOND = 1_000_000_000n;

/**
 * Reads a `struct timespec` from user memory as nanoseconds: EFAULT for an
 * unreadable (or unrepresentable) address, EINVAL when a field is negative
 * or tv_nsec ≥ 10^9 — the checks nanosleep, ppoll and sigtimedwait share.
 */
export function readUserTimespec(
  memory: UserMemory,
  address: number | undefined,
): bigint | 'EFAULT' | 'EINVAL' {
  if (address === undefined) return 'EFAULT';
  const raw = memory.readUser(address, 16);
  if (raw === 'EFAULT') return 'EFAULT';
  const v = new DataView(raw.buffer, raw.byteOffset, 16);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NS_PER_SECOND) return 'EINVAL';
  return sec * NS_PER_SECOND + nsec;
}

/**
 * Writes a C int (32 bits, little-endian) to user memory — a status word, a
 * pid, an id. Values up to 2^32 − 1 (uids) are written as their unsigned bits.
 */
export function writeUserInt32(
  memory: UserMemory,
  address: number | undefined,
  value: number,
): 'ok' | 'EFAULT' {
  if (address === undefined) return 'EFAULT';
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value, true);
  return memory.writeUser(address, out);
}

/** Reads a NUL-terminated string of at most `maxBytes` (NUL included) from user memory. */
export function readUserString(
  memory: UserMemory,
  address: number,
  maxBytes: number,
):
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly errno: 'EFAULT' | 'ENAMETOOLONG' } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < maxBytes) {
    // Read up to the end of the current page so an unmapped next page is not touched.
    const at = address + total;
    const n = Math.min(4096 - (at % 4096), maxBytes - total);
    const bytes = memory.readUser(at, n);
    if (bytes === 'EFAULT') return { ok: false, errno: 'EFAULT' };
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      chunks.push(bytes.subarray(0, nul));
      return { ok: true, value: Buffer.concat(chunks).toString('utf8') };
    }
    chunks.push(bytes);
    total += n;
  }
  return { ok: false, errno: 'ENAMETOOLONG' };
}
