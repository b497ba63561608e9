// The process syscalls epm-core owns (DESIGN.md): identity (getpid, getppid,
// gettid, the uid/gid getters, getresuid/getresgid, getgroups), process groups and sessions (getpgid,
// setpgid, getsid, setsid), exit and exit_group, the thread bookkeeping glibc
// performs at start-up (set_tid_address, set_robust_list, rseq), futex for
// one thread, and CPU accounting (times, getrusage).
import { ERRNO } from './abi/errno.js';
import { ACCOUNTING_SLOT } from './accounting.js';
import {
  NO_RETURN,
  argAddress,
  argInt,
  argUint,
  block,
  fail,
  ret,
  writeUserInt32,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type TaskQuery,
  type UserMemory,
} from './syscall.js';
import { WaitQueue } from './wait-queue.js';
import {
  NICE_MAX,
  NICE_MIN,
  priorityResult,
  reniceResult,
  type PriorityReply,
  type PriorityTarget,
} from './priority.js';

/** Clock ticks per second reported to user space (AT_CLKTCK, times). */
export const CLOCK_TICKS_PER_SECOND = 100;

function sysGetpid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.tgid);
}
function sysGettid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.pid);
}
function sysGetppid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.parentPid);
}
function sysGetuid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.credentials.uid);
}
function sysGeteuid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.credentials.euid);
}
function sysGetgid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.credentials.gid);
}
function sysGetegid(ctx: SyscallContext): SyscallOutcome {
  return ret(ctx.task.credentials.egid);
}

/** getresuid/getresgid: real, effective and saved ids (krg has no set*id calls, so saved = effective). */
function writeIdTriple(
  ctx: SyscallContext,
  ids: readonly [number, number, number],
): SyscallOutcome {
  for (const [i, id] of ids.entries())
    if (writeUserInt32(ctx.memory, argAddress(ctx, i), id) !== 'ok') return fail('EFAULT');
  return ret(0);
}
function sysGetresuid(ctx: SyscallContext): SyscallOutcome {
  const c = ctx.task.credentials;
  return writeIdTriple(ctx, [c.uid, c.euid, c.euid]);
}
function sysGetresgid(ctx: SyscallContext): SyscallOutcome {
  const c = ctx.task.credentials;
  return writeIdTriple(ctx, [c.gid, c.egid, c.egid]);
}
/** getgroups: krg's processes have no supplementary groups (a size below 0 is EINVAL). */
function sysGetgroups(ctx: SyscallContext): SyscallOutcome {
  return argInt(ctx, 0) < 0 ? fail('EINVAL') : ret(0);
}

/**
 * getpgid, getsid, getpriority on another process: answered by the node it
 * runs on, found through its task object (reference §7, remote syscalls).
 */
async function query(ctx: SyscallContext, pid: number, what: TaskQuery): Promise<SyscallOutcome> {
  const answer = await ctx.kernel.queryTask(ctx.task, pid, what);
  return answer === 'ESRCH' ? fail('ESRCH') : ret(answer);
}

function sysGetpgid(ctx: SyscallContext): SyscallOutcome | Promise<SyscallOutcome> {
  const pid = argInt(ctx, 0);
  if (pid < 0) return fail('ESRCH');
  if (pid === 0 || pid === ctx.task.pid) return ret(ctx.task.pgid);
  return query(ctx, pid, 'pgid');
}

function sysGetsid(ctx: SyscallContext): SyscallOutcome | Promise<SyscallOutcome> {
  const pid = argInt(ctx, 0);
  if (pid < 0) return fail('ESRCH');
  if (pid === 0 || pid === ctx.task.pid) return ret(ctx.task.sid);
  return query(ctx, pid, 'sid');
}

const PRIO_PROCESS = 0;
const PRIO_PGRP = 1;
const PRIO_USER = 2;

/** The processes getpriority and setpriority name, or EINVAL/ESRCH before any is looked for. */
function priorityTarget(ctx: SyscallContext): PriorityTarget | 'EINVAL' | 'ESRCH' {
  const which = argInt(ctx, 0);
  const who = argInt(ctx, 1);
  const self = ctx.task;
  if (which === PRIO_PROCESS) {
    if (who < 0) return 'ESRCH';
    return { kind: 'process', pid: who === 0 ? self.pid : who };
  }
  if (which === PRIO_PGRP) {
    if (who < 0) return 'ESRCH';
    return { kind: 'group', pgid: who === 0 ? self.pgid : who };
  }
  // A uid is unsigned: who is read as such (−1 names uid 4294967295).
  if (which === PRIO_USER)
    return { kind: 'user', uid: who === 0 ? self.credentials.uid : argUint(ctx, 1) };
  return 'EINVAL';
}

function askPriority(
  ctx: SyscallContext,
  nice: number | undefined,
  answer: (replies: readonly PriorityReply[]) => SyscallOutcome,
): SyscallOutcome | Promise<SyscallOutcome> {
  const target = priorityTarget(ctx);
  if (typeof target === 'string') return fail(target);
  const caller = { uid: ctx.task.credentials.uid, euid: ctx.task.credentials.euid };
  return answerWith(ctx.kernel.priorityOfProcesses(ctx.task, { target, nice, caller }), answer);
}

/**
 * getpriority: the raw syscall returns 20 − the lowest nice value among the
 * processes named (glibc turns it back into the nice value), ESRCH if none.
 */
function sysGetpriority(ctx: SyscallContext): SyscallOutcome | Promise<SyscallOutcome> {
  return askPriority(ctx, undefined, (replies) => {
    const r = priorityResult(replies);
    return r === 'ESRCH' ? fail('ESRCH') : ret(r);
  });
}

/** setpriority: every process named gets the nice value, clamped to −20…19. */
function sysSetpriority(ctx: SyscallContext): SyscallOutcome | Promise<SyscallOutcome> {
  const nice = Math.min(NICE_MAX, Math.max(NICE_MIN, argInt(ctx, 2)));
  return askPriority(ctx, nice, (replies) => {
    const r = reniceResult(replies);
    return r === 0 ? ret(0) : fail(r);
  });
}

/** Applies `f` to an answer that may still be on its way from other nodes. */
function answerWith<T>(
  answer: T | Promise<T>,
  f: (value: T) => SyscallOutcome,
): SyscallOutcome | Promise<SyscallOutcome> {
  return answer instanceof Promise ? answer.then(f) : f(answer);
}

/** setsid: a process group leader, or the id of any group of the cluster, cannot start a session. */
function sysSetsid(ctx: SyscallContext): SyscallOutcome | Promise<SyscallOutcome> {
  const task = ctx.task;
  return answerWith(ctx.kernel.surveyProcesses(task, { kind: 'group', pgid: task.pid }), (n) => {
    if (n > 0) return fail('EPERM');
    task.sid = task.pid;
    task.pgid = task.pid;
    ctx.kernel.taskChanged(task, { kind: 'ids' });
    return ret(task.pid);
  });
}

/**
 * setpgid's rules (Linux's sys_setpgid). The process changed is the caller
 * or one of its children, which run on its node (fork is local); the group
 * it joins may have members anywhere, so that check asks every node.
 */
function sysSetpgid(ctx: SyscallContext): SyscallOutcome | Promise<SyscallOutcome> {
  const pidArg = argInt(ctx, 0);
  const pgidArg = argInt(ctx, 1);
  if (pidArg < 0 || pgidArg < 0) return fail('EINVAL');
  const self = ctx.task;
  const t = pidArg === 0 ? self : ctx.kernel.findTask(pidArg);
  if (t === undefined || t.state === 'dead') return fail('ESRCH');
  const pgid = pgidArg === 0 ? t.pid : pgidArg;
  if (t !== self) {
    if (t.parentPid !== self.pid) return fail('ESRCH');
    if (t.sid !== self.sid) return fail('EPERM');
    if (t.hasExeced) return fail('EACCES');
  }
  if (t.sid === t.pid) return fail('EPERM');
  const join = (): SyscallOutcome => {
    t.pgid = pgid;
    ctx.kernel.taskChanged(t, { kind: 'ids' });
    return ret(0);
  };
  if (pgid === t.pid) return join();
  return answerWith(
    ctx.kernel.surveyProcesses(self, { kind: 'group', pgid, sid: self.sid }),
    (n) => (n > 0 && t.state !== 'dead' ? join() : n > 0 ? fail('ESRCH') : fail('EPERM')),
  );
}

function sysExit(ctx: SyscallContext): SyscallOutcome {
  ctx.kernel.exitTask(ctx.task, { kind: 'exited', code: argInt(ctx, 0) & 0xff });
  return NO_RETURN;
}

function sysSetTidAddress(ctx: SyscallContext): SyscallOutcome {
  ctx.task.get(ACCOUNTING_SLOT).clearChildTid = argAddress(ctx, 0) ?? 0;
  return ret(ctx.task.pid);
}

function sysSetRobustList(ctx: SyscallContext): SyscallOutcome {
  // struct robust_list_head is 24 bytes on 64-bit Linux.
  if (argAddress(ctx, 1) !== 24) return fail('EINVAL');
  ctx.task.get(ACCOUNTING_SLOT).robustListHead = argAddress(ctx, 0) ?? 0;
  return ret(0);
}

/** krg answers rseq as a kernel built without it does; glibc then runs without. */
function sysRseq(): SyscallOutcome {
  return ret(-ERRNO.ENOSYS);
}

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;

// Futex wait queues per address space and word address. Only a task that
// shares the memory (a thread; or shared memory, later) can wake a waiter.
const futexQueues = new WeakMap<UserMemory, Map<number, WaitQueue>>();

function futexQueue(memory: UserMemory, address: number): WaitQueue {
  let byAddress = futexQueues.get(memory);
  if (byAddress === undefined) {
    byAddress = new Map();
    futexQueues.set(memory, byAddress);
  }
  let queue = byAddress.get(address);
  if (queue === undefined) {
    queue = new WaitQueue();
    byAddress.set(address, queue);
  }
  return queue;
}

function sysFutex(ctx: SyscallContext): SyscallOutcome {
  const address = argAddress(ctx, 0);
  const rawOp = argInt(ctx, 1);
  const op = rawOp & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const value = argUint(ctx, 2);
  if (address === undefined) return fail('EFAULT');
  if (address % 4 !== 0) return fail('EINVAL');
  if (op === FUTEX_WAKE || op === FUTEX_WAKE_BITSET) {
    const queue = futexQueue(ctx.memory, address);
    const woken = Math.min(queue.size, value);
    queue.wakeAll();
    return ret(woken);
  }
  if (op !== FUTEX_WAIT && op !== FUTEX_WAIT_BITSET) return fail('ENOSYS');
  if (ctx.isRetry) {
    // progress holds the deadline (0: none): past it, the wait timed out.
    return ctx.progress > 0 && ctx.nowNs >= ctx.progress ? fail('ETIMEDOUT') : ret(0);
  }
  const word = ctx.memory.readUser(address, 4);
  if (word === 'EFAULT') return fail('EFAULT');
  if (new DataView(word.buffer, word.byteOffset, 4).getUint32(0, true) !== value)
    return fail('EAGAIN');
  const queue = futexQueue(ctx.memory, address);
  if (ctx.args[3] === 0n) return block([queue]);
  if ((rawOp & FUTEX_CLOCK_REALTIME) !== 0) {
    // Absolute deadlines on CLOCK_REALTIME need the kernel's epoch: not supported yet.
    return fail('ENOSYS');
  }
  const ts = ctx.memory.readUser(argAddress(ctx, 3) ?? -1, 16);
  if (ts === 'EFAULT') return fail('EFAULT');
  const v = new DataView(ts.buffer, ts.byteOffset, 16);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return fail('EINVAL');
  const ns = Number(sec * 1_000_000_000n + nsec);
  // FUTEX_WAIT takes a relative timeout; FUTEX_WAIT_BITSET an absolute one.
  const deadline = Math.max(1, op === FUTEX_WAIT ? ctx.nowNs + ns : ns);
  return block([queue], { untilNs: deadline, progress: deadline });
}

function ticks(ns: number): bigint {
  return BigInt(Math.floor((ns * CLOCK_TICKS_PER_SECOND) / 1e9));
}

function sysTimes(ctx: SyscallContext): SyscallOutcome {
  const acc = ctx.task.get(ACCOUNTING_SLOT);
  if (ctx.args[0] !== 0n) {
    const buf = argAddress(ctx, 0);
    const out = new Uint8Array(32);
    const v = new DataView(out.buffer);
    v.setBigInt64(0, ticks(acc.userNs), true);
    v.setBigInt64(8, ticks(acc.systemNs), true);
    v.setBigInt64(16, ticks(acc.childUserNs), true);
    v.setBigInt64(24, ticks(acc.childSystemNs), true);
    if (buf === undefined || ctx.memory.writeUser(buf, out) !== 'ok') return fail('EFAULT');
  }
  return ret(ticks(ctx.nowNs));
}

/** struct rusage (144 bytes): utime and stime timevals, maxrss in KiB, the rest zero. */
export function encodeRusage(
  userNs: number,
  systemNs: number,
  maxResidentPages: number,
): Uint8Array {
  const out = new Uint8Array(144);
  const v = new DataView(out.buffer);
  const tv = (at: number, ns: number): void => {
    v.setBigInt64(at, BigInt(Math.floor(ns / 1e9)), true);
    v.setBigInt64(at + 8, BigInt(Math.floor((ns % 1e9) / 1000)), true);
  };
  tv(0, userNs);
  tv(16, systemNs);
  v.setBigInt64(32, BigInt(maxResidentPages * 4), true);
  return out;
}

function sysGetrusage(ctx: SyscallContext): SyscallOutcome {
  const who = argInt(ctx, 0);
  const buf = argAddress(ctx, 1);
  const acc = ctx.task.get(ACCOUNTING_SLOT);
  let out: Uint8Array;
  if (who === 0 || who === 1) out = encodeRusage(acc.userNs, acc.systemNs, acc.maxResidentPages);
  else if (who === -1) out = encodeRusage(acc.childUserNs, acc.childSystemNs, 0);
  else return fail('EINVAL');
  if (buf === undefined) return fail('EFAULT');
  return ctx.memory.writeUser(buf, out) === 'ok' ? ret(0) : fail('EFAULT');
}

/** epm-core's rows of the syscall table (riscv64 numbers). exit_group is exit for single-threaded tasks. */
export const PROCESS_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 93, name: 'exit', handler: sysExit },
  { nr: 94, name: 'exit_group', handler: sysExit },
  { nr: 96, name: 'set_tid_address', handler: sysSetTidAddress },
  { nr: 98, name: 'futex', handler: sysFutex },
  { nr: 99, name: 'set_robust_list', handler: sysSetRobustList },
  { nr: 140, name: 'setpriority', handler: sysSetpriority },
  { nr: 141, name: 'getpriority', handler: sysGetpriority },
  { nr: 148, name: 'getresuid', handler: sysGetresuid },
  { nr: 150, name: 'getresgid', handler: sysGetresgid },
  { nr: 153, name: 'times', handler: sysTimes },
  { nr: 154, name: 'setpgid', handler: sysSetpgid },
  { nr: 155, name: 'getpgid', handler: sysGetpgid },
  { nr: 156, name: 'getsid', handler: sysGetsid },
  { nr: 157, name: 'setsid', handler: sysSetsid },
  { nr: 158, name: 'getgroups', handler: sysGetgroups },
  { nr: 165, name: 'getrusage', handler: sysGetrusage },
  { nr: 172, name: 'getpid', handler: sysGetpid },
  { nr: 173, name: 'getppid', handler: sysGetppid },
  { nr: 174, name: 'getuid', handler: sysGetuid },
  { nr: 175, name: 'geteuid', handler: sysGeteuid },
  { nr: 176, name: 'getgid', handler: sysGetgid },
  { nr: 177, name: 'getegid', handler: sysGetegid },
  { nr: 178, name: 'gettid', handler: sysGettid },
  { nr: 293, name: 'rseq', handler: sysRseq },
];
