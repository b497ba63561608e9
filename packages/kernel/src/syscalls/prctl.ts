// prctl, for the options programs ask at start-up: the task's name
// (PR_SET_NAME / PR_GET_NAME, the `comm` ps shows, published to the task
// object), and read-only questions whose answer is fixed in krg
// (capability bounding set, seccomp, keepcaps, timer slack). Any other
// option answers EINVAL, as a kernel that lacks it does; the README lists
// what is modelled.
import {
  argAddress,
  argInt,
  argLong,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';

const PR_GET_KEEPCAPS = 7;
const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
const PR_GET_SECCOMP = 21;
const PR_CAPBSET_READ = 23;
const PR_GET_TIMERSLACK = 30;
/** Linux's CAP_LAST_CAP (CAP_CHECKPOINT_RESTORE). */
const CAP_LAST_CAP = 40;
/** TASK_COMM_LEN: the name's bytes, NUL included. */
const COMM_BYTES = 16;
/** The default timer slack of a Linux task, in ns. */
const TIMER_SLACK_NS = 50_000;

function setName(ctx: SyscallContext): SyscallOutcome {
  const address = argAddress(ctx, 1);
  if (address === undefined) return fail('EFAULT');
  // Linux copies at most 15 bytes and stops at a NUL; byte by byte, so a name
  // ending just before an unmapped page is read as Linux reads it.
  const bytes: number[] = [];
  while (bytes.length < COMM_BYTES - 1) {
    const b = ctx.memory.readUser(address + bytes.length, 1);
    if (b === 'EFAULT') return fail('EFAULT');
    if (b[0] === 0) break;
    bytes.push(b[0] ?? 0);
  }
  ctx.task.comm = Buffer.from(bytes).toString('utf8');
  ctx.kernel.taskChanged(ctx.task, { kind: 'comm' });
  return ret(0);
}

function getName(ctx: SyscallContext): SyscallOutcome {
  const out = new Uint8Array(COMM_BYTES);
  out.set(Buffer.from(ctx.task.comm, 'utf8').subarray(0, COMM_BYTES - 1));
  const address = argAddress(ctx, 1);
  return address !== undefined && ctx.memory.writeUser(address, out) === 'ok'
    ? ret(0)
    : fail('EFAULT');
}

function sysPrctl(ctx: SyscallContext): SyscallOutcome {
  switch (argInt(ctx, 0)) {
    case PR_SET_NAME:
      return setName(ctx);
    case PR_GET_NAME:
      return getName(ctx);
    case PR_CAPBSET_READ: {
      const cap = argLong(ctx, 1);
      // Root's bounding set holds every capability the kernel knows.
      return cap >= 0n && cap <= BigInt(CAP_LAST_CAP) ? ret(1) : fail('EINVAL');
    }
    case PR_GET_SECCOMP:
    case PR_GET_KEEPCAPS:
      return ret(0);
    case PR_GET_TIMERSLACK:
      return ret(TIMER_SLACK_NS);
    default:
      return fail('EINVAL');
  }
}

export const PRCTL_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 167, name: 'prctl', handler: sysPrctl },
];
