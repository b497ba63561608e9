// clone (fork), wait4 and execve: the process-lifecycle calls epm-core owns.
// The mechanics (a new CPU, loading a program, scheduling) belong to the
// kernel, which offers them through KernelServices; the rules Linux applies
// — which flags fork accepts, which children wait4 may reap, how the status
// and rusage are reported — live here.
import { ACCOUNTING_SLOT } from './accounting.js';
import { encodeWaitStatus } from './abi/wait-status.js';
import { encodeRusage } from './process-syscalls.js';
import {
  NO_RETURN,
  argAddress,
  argInt,
  block,
  fail,
  readUserString,
  ret,
  writeUserInt32,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from './syscall.js';
import type { Task } from './task.js';
import { CHILD_EVENTS_SLOT } from './child-events.js';
import { WAITID_SYSCALL } from './waitid.js';

export { CHILD_EVENTS_SLOT };

const CSIGNAL = 0xff;
const CLONE_VM = 0x100;
const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
const CLONE_SIGHAND = 0x800;
const CLONE_VFORK = 0x4000;
const CLONE_PARENT = 0x8000;
const CLONE_THREAD = 0x10000;
const CLONE_SETTLS = 0x80000;
const CLONE_PARENT_SETTID = 0x100000;
const CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_CHILD_SETTID = 0x1000000;
/** What krg's fork supports: a new process with its own copies (no threads, no shared tables). */
const FORK_FLAGS = CSIGNAL | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
const SHARING_FLAGS =
  CLONE_VM |
  CLONE_FS |
  CLONE_FILES |
  CLONE_SIGHAND |
  CLONE_THREAD |
  CLONE_VFORK |
  CLONE_PARENT |
  CLONE_SETTLS;

const WNOHANG = 1;
const WUNTRACED = 2;
const WCONTINUED = 8;
const WNOTHREAD = 0x20000000;
const WALL = 0x40000000;
const WCLONE = 0x80000000;

/** argv/envp strings execve reads at most (Linux's MAX_ARG_STRINGS is 0x7fffffff; memory bounds it first). */
export const EXEC_STRINGS_MAX = 65536;
/** Total bytes of argv and envp strings execve accepts (Linux: a quarter of the 8 MiB stack). */
export const EXEC_STRING_BYTES_MAX = 2 * 1024 * 1024;
const PATH_MAX = 4096;

function sysClone(ctx: SyscallContext): SyscallOutcome {
  const flags = Number(BigInt.asUintN(32, ctx.args[0] ?? 0n));
  const parentTid = argAddress(ctx, 2);
  const childTid = argAddress(ctx, 4);
  if ((flags & SHARING_FLAGS) !== 0) {
    // Threads and vfork-style shared address spaces are not supported yet.
    return fail('EINVAL');
  }
  if ((flags & ~FORK_FLAGS) !== 0) return fail('EINVAL');
  if (ctx.args[1] !== 0n) return fail('EINVAL'); // a new stack only makes sense with CLONE_VM
  const forked = ctx.kernel.forkTask(ctx.task, flags & CSIGNAL);
  if (typeof forked === 'string') return fail(forked);
  const child = forked;
  if ((flags & CLONE_PARENT_SETTID) !== 0) {
    if (parentTid === undefined || writeUserInt32(ctx.memory, parentTid, child.pid) !== 'ok') {
      ctx.kernel.discardTask(child);
      return fail('EFAULT');
    }
  }
  if ((flags & CLONE_CHILD_SETTID) !== 0) {
    if (
      childTid === undefined ||
      writeUserInt32(ctx.kernel.memoryOf(child), childTid, child.pid) !== 'ok'
    ) {
      ctx.kernel.discardTask(child);
      return fail('EFAULT');
    }
  }
  if ((flags & CLONE_CHILD_CLEARTID) !== 0)
    child.get(ACCOUNTING_SLOT).clearChildTid = childTid ?? 0;
  ctx.kernel.startTask(child);
  return ret(child.pid);
}

/** Does child `c` match wait4's pid argument for caller `self`? */
function matches(self: Task, c: Task, pid: number): boolean {
  if (pid > 0) return c.pid === pid;
  if (pid === 0) return c.pgid === self.pgid;
  if (pid === -1) return true;
  return c.pgid === -pid;
}

function sysWait4(ctx: SyscallContext): SyscallOutcome {
  const pid = argInt(ctx, 0);
  const statusAddress = ctx.args[1] === 0n ? undefined : (argAddress(ctx, 1) ?? -1);
  const options = argInt(ctx, 2);
  const rusageAddress = ctx.args[3] === 0n ? undefined : (argAddress(ctx, 3) ?? -1);
  if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) !== 0)
    return fail('EINVAL');
  if (pid === -2147483648) return fail('ESRCH');
  const self = ctx.task;
  const children = ctx.kernel
    .allTasks()
    .filter((c) => c.parentPid === self.pid && c.state !== 'dead' && matches(self, c, pid));
  if (children.length === 0) return fail('ECHILD');
  const zombie = children.find((c) => c.state === 'zombie');
  if (zombie === undefined) {
    const changed = children.find(
      (c) =>
        (c.jobControl?.kind === 'stopped' &&
          c.state === 'stopped' &&
          (options & WUNTRACED) !== 0) ||
        (c.jobControl?.kind === 'continued' && (options & WCONTINUED) !== 0),
    );
    if (changed !== undefined) return reportJobControl(ctx, changed, statusAddress, rusageAddress);
    if ((options & WNOHANG) !== 0) return ret(0);
    return block([self.get(CHILD_EVENTS_SLOT)]);
  }
  const status = zombie.exitStatus;
  if (status === undefined) return fail('ECHILD');
  // Copy out before reaping so a bad pointer leaves the zombie for a retry.
  if (
    statusAddress !== undefined &&
    writeUserInt32(ctx.memory, statusAddress, encodeWaitStatus(status)) !== 'ok'
  ) {
    return fail('EFAULT');
  }
  const acc = zombie.get(ACCOUNTING_SLOT);
  if (rusageAddress !== undefined) {
    const usage = encodeRusage(acc.userNs, acc.systemNs, acc.maxResidentPages);
    if (ctx.memory.writeUser(rusageAddress, usage) !== 'ok') return fail('EFAULT');
  }
  const mine = self.get(ACCOUNTING_SLOT);
  mine.childUserNs += acc.userNs + acc.childUserNs;
  mine.childSystemNs += acc.systemNs + acc.childSystemNs;
  ctx.kernel.reapTask(zombie);
  return ret(zombie.pid);
}

/** wait4 reports a child's stop (WUNTRACED) or continue (WCONTINUED) once; the child stays. */
function reportJobControl(
  ctx: SyscallContext,
  child: Task,
  statusAddress: number | undefined,
  rusageAddress: number | undefined,
): SyscallOutcome {
  const report = child.jobControl;
  if (report === undefined) return fail('ECHILD');
  if (
    statusAddress !== undefined &&
    writeUserInt32(ctx.memory, statusAddress, encodeWaitStatus(report)) !== 'ok'
  ) {
    return fail('EFAULT');
  }
  if (rusageAddress !== undefined) {
    const acc = child.get(ACCOUNTING_SLOT);
    const usage = encodeRusage(acc.userNs, acc.systemNs, acc.maxResidentPages);
    if (ctx.memory.writeUser(rusageAddress, usage) !== 'ok') return fail('EFAULT');
  }
  child.jobControl = undefined;
  return ret(child.pid);
}

/** Reads a NULL-terminated array of string pointers (argv or envp). */
function readStringArray(
  ctx: SyscallContext,
  address: number | undefined,
  budget: { bytes: number },
): string[] | 'EFAULT' | 'E2BIG' {
  const out: string[] = [];
  if (address === 0) return out; // Linux accepts NULL argv/envp as empty
  if (address === undefined) return 'EFAULT';
  for (let i = 0; ; i++) {
    if (i >= EXEC_STRINGS_MAX) return 'E2BIG';
    const raw = ctx.memory.readUser(address + i * 8, 8);
    if (raw === 'EFAULT') return 'EFAULT';
    const ptr = new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0, true);
    if (ptr === 0n) return out;
    if (ptr > BigInt(Number.MAX_SAFE_INTEGER)) return 'EFAULT';
    const s = readUserString(
      ctx.memory,
      Number(ptr),
      Math.min(budget.bytes, EXEC_STRING_BYTES_MAX) + 1,
    );
    if (!s.ok) return s.errno === 'EFAULT' ? 'EFAULT' : 'E2BIG';
    budget.bytes -= Buffer.byteLength(s.value) + 1;
    if (budget.bytes < 0) return 'E2BIG';
    out.push(s.value);
  }
}

function sysExecve(ctx: SyscallContext): SyscallOutcome {
  const pathAddress = argAddress(ctx, 0);
  if (pathAddress === undefined) return fail('EFAULT');
  const path = readUserString(ctx.memory, pathAddress, PATH_MAX);
  if (!path.ok) return fail(path.errno);
  const budget = { bytes: EXEC_STRING_BYTES_MAX };
  const argv = readStringArray(ctx, argAddress(ctx, 1), budget);
  if (typeof argv === 'string') return fail(argv);
  const envp = readStringArray(ctx, argAddress(ctx, 2), budget);
  if (typeof envp === 'string') return fail(envp);
  const r = ctx.kernel.execTask(ctx.task, path.value, argv, envp);
  return r === 'ok' ? NO_RETURN : fail(r);
}

/** epm-core's lifecycle rows of the syscall table (riscv64 numbers). */
export const LIFECYCLE_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 220, name: 'clone', handler: sysClone },
  { nr: 221, name: 'execve', handler: sysExecve },
  { nr: 260, name: 'wait4', handler: sysWait4 },
  WAITID_SYSCALL,
];
