// waitid(2), wait4's sibling: children named by id type (P_ALL, P_PID,
// P_PGID), the changes to report chosen one by one (WEXITED, WSTOPPED,
// WCONTINUED), a report that may leave the child waitable (WNOWAIT), and the
// answer in a siginfo (si_signo SIGCHLD, si_code CLD_*, si_pid, si_uid,
// si_status) rather than a status word. Children run on their parent's node
// (fork is local), so the node's own tasks are every child there is.
import { ACCOUNTING_SLOT } from './accounting.js';
import { encodeRusage } from './process-syscalls.js';
import {
  argAddress,
  argInt,
  block,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from './syscall.js';
import type { Task } from './task.js';
import { CHILD_EVENTS_SLOT } from './child-events.js';

const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;
const P_PIDFD = 3;

const WNOHANG = 1;
const WSTOPPED = 2;
const WEXITED = 4;
const WCONTINUED = 8;
const WNOWAIT = 0x01000000;
const WNOTHREAD = 0x20000000;
const WALL = 0x40000000;
const WCLONE = 0x80000000 | 0;
const OPTIONS = WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE;

// siginfo's si_code for SIGCHLD (Linux's CLD_*).
const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;
const CLD_STOPPED = 5;
const CLD_CONTINUED = 6;
const SIGCHLD = 17;
const SIGCONT = 18;

/** What waitid reports about one child (Linux's struct waitid_info). */
interface Report {
  readonly child: Task;
  readonly code: number;
  readonly status: number;
  readonly isExit: boolean;
}

/** The change of `c` waitid may report with `options`, in Linux's order: exit, stop, continue. */
function reportOf(c: Task, options: number): Report | undefined {
  if (c.state === 'zombie' && (options & WEXITED) !== 0) {
    const s = c.exitStatus;
    if (s === undefined) return undefined;
    if (s.kind === 'exited') return { child: c, code: CLD_EXITED, status: s.code, isExit: true };
    if (s.kind === 'signaled')
      return {
        child: c,
        code: s.coreDumped ? CLD_DUMPED : CLD_KILLED,
        status: s.signal,
        isExit: true,
      };
    return undefined;
  }
  const jc = c.jobControl;
  if (jc?.kind === 'stopped' && c.state === 'stopped' && (options & WSTOPPED) !== 0)
    return { child: c, code: CLD_STOPPED, status: jc.signal, isExit: false };
  if (jc?.kind === 'continued' && (options & WCONTINUED) !== 0)
    return { child: c, code: CLD_CONTINUED, status: SIGCONT, isExit: false };
  return undefined;
}

/** The fields of siginfo waitid writes: signo, errno, code, pid, uid, status (zeros: nothing to report). */
function siginfoFields(report: Report | undefined): Uint8Array {
  const out = new Uint8Array(28);
  const v = new DataView(out.buffer);
  if (report !== undefined) {
    v.setInt32(0, SIGCHLD, true);
    v.setInt32(8, report.code, true);
    v.setInt32(16, report.child.pid, true);
    v.setUint32(20, report.child.credentials.uid, true);
    v.setInt32(24, report.status, true);
  }
  return out;
}

function sysWaitid(ctx: SyscallContext): SyscallOutcome {
  const idtype = argInt(ctx, 0);
  const id = argInt(ctx, 1);
  const infoAddress = ctx.args[2] === 0n ? undefined : (argAddress(ctx, 2) ?? -1);
  const options = argInt(ctx, 3);
  const rusageAddress = ctx.args[4] === 0n ? undefined : (argAddress(ctx, 4) ?? -1);
  if ((options & ~OPTIONS) !== 0) return fail('EINVAL');
  if ((options & (WEXITED | WSTOPPED | WCONTINUED)) === 0) return fail('EINVAL');
  const self = ctx.task;
  let named: (c: Task) => boolean;
  if (idtype === P_ALL) named = () => true;
  else if (idtype === P_PID) {
    if (id <= 0) return fail('EINVAL');
    named = (c) => c.pid === id;
  } else if (idtype === P_PGID) {
    if (id < 0) return fail('EINVAL');
    const pgid = id === 0 ? self.pgid : id;
    named = (c) => c.pgid === pgid;
  } else if (idtype === P_PIDFD) {
    // krg has no pidfd_open: no descriptor is a pidfd.
    return fail('EBADF');
  } else return fail('EINVAL');
  const children = ctx.kernel
    .allTasks()
    .filter((c) => c.parentPid === self.pid && c.state !== 'dead' && named(c));
  if (children.length === 0) return fail('ECHILD');
  let report: Report | undefined;
  for (const c of children) {
    report = reportOf(c, options);
    if (report !== undefined) break;
  }
  if (report === undefined && (options & WNOHANG) === 0)
    return block([self.get(CHILD_EVENTS_SLOT)]);
  // Copied out before the child is reaped, so a bad pointer leaves it waitable.
  if (
    infoAddress !== undefined &&
    ctx.memory.writeUser(infoAddress, siginfoFields(report)) !== 'ok'
  )
    return fail('EFAULT');
  if (report === undefined) return ret(0);
  const acc = report.child.get(ACCOUNTING_SLOT);
  if (rusageAddress !== undefined) {
    const usage = encodeRusage(acc.userNs, acc.systemNs, acc.maxResidentPages);
    if (ctx.memory.writeUser(rusageAddress, usage) !== 'ok') return fail('EFAULT');
  }
  if ((options & WNOWAIT) !== 0) return ret(0);
  if (report.isExit) {
    const mine = self.get(ACCOUNTING_SLOT);
    mine.childUserNs += acc.userNs + acc.childUserNs;
    mine.childSystemNs += acc.systemNs + acc.childSystemNs;
    ctx.kernel.reapTask(report.child);
  } else report.child.jobControl = undefined;
  return ret(0);
}

/** waitid's row of epm-core's lifecycle calls (riscv64 number). */
export const WAITID_SYSCALL: SyscallEntry = { nr: 95, name: 'waitid', handler: sysWaitid };
