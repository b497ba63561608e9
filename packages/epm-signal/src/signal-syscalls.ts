// The signal calls epm-signal owns: sending (kill, tkill, tgkill,
// rt_sigqueueinfo, rt_tgsigqueueinfo), masks (rt_sigprocmask,
// rt_sigpending), waiting (rt_sigsuspend, rt_sigtimedwait), handlers'
// return (rt_sigreturn) and stack (sigaltstack), the interval timers and the
// resource limits. The kernel lends the CPU and the real-time timer through
// SignalPlatform; the table rows are built for it by createSignalSyscalls.
import {
  NO_RETURN,
  argAddress,
  argInt,
  fail,
  isValidSignal,
  ret,
  type SignalInfo,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type Task,
} from '@krg/epm-core';
import { SI_TKILL, SI_USER } from '@krg/arch-riscv';
import { sysSigaltstack } from './altstack.js';
import { sigreturn, type SignalCpu } from './handler-frame.js';
import { createItimerSyscalls, type RealTimerPort } from './itimer-syscalls.js';
import { RLIMIT_SYSCALLS } from './rlimit-syscalls.js';
import { SIGNAL_SLOT, setBlocked } from './signal-state.js';
import { u64, u64Bytes } from './user-words.js';
import { sysRtSigsuspend, sysRtSigtimedwait, sigtimedwaitInterrupted } from './wait-for-signal.js';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
export const SIGSET_BYTES = 8;
const SIGINFO_BYTES = 128;

/** What the signal calls need from the kernel: the CPU registers and ITIMER_REAL's engine timer. */
export interface SignalPlatform extends SignalCpu, RealTimerPort {}

function sysRtSigprocmask(ctx: SyscallContext): SyscallOutcome {
  const how = argInt(ctx, 0);
  const setAddress = ctx.args[1] === 0n ? undefined : (argAddress(ctx, 1) ?? -1);
  const oldAddress = ctx.args[2] === 0n ? undefined : (argAddress(ctx, 2) ?? -1);
  if (argAddress(ctx, 3) !== SIGSET_BYTES) return fail('EINVAL');
  const state = ctx.task.get(SIGNAL_SLOT);
  const old = state.blocked;
  if (setAddress !== undefined) {
    const raw = ctx.memory.readUser(setAddress, SIGSET_BYTES);
    if (raw === 'EFAULT') return fail('EFAULT');
    const set = u64(raw);
    if (how === SIG_BLOCK) setBlocked(state, old | set);
    else if (how === SIG_UNBLOCK) setBlocked(state, old & ~set);
    else if (how === SIG_SETMASK) setBlocked(state, set);
    else return fail('EINVAL');
  }
  if (oldAddress !== undefined && ctx.memory.writeUser(oldAddress, u64Bytes(old)) !== 'ok') {
    state.blocked = old;
    return fail('EFAULT');
  }
  return ret(0);
}

function sysRtSigpending(ctx: SyscallContext): SyscallOutcome {
  if (argAddress(ctx, 1) !== SIGSET_BYTES) return fail('EINVAL');
  const state = ctx.task.get(SIGNAL_SLOT);
  const set = (state.pending.set | state.sharedPending.set) & state.blocked;
  const address = argAddress(ctx, 0);
  if (address === undefined) return fail('EFAULT');
  return ctx.memory.writeUser(address, u64Bytes(set)) === 'ok' ? ret(0) : fail('EFAULT');
}

function send(ctx: SyscallContext, target: Task, sig: number, info: SignalInfo): void {
  if (sig === 0) return;
  ctx.kernel.sendSignal(target, sig, info);
}

function fromCaller(ctx: SyscallContext, code: number): SignalInfo {
  return { code, senderPid: ctx.task.tgid, senderUid: ctx.task.credentials.uid };
}

const live = (t: Task): boolean => t.state !== 'dead' && t.state !== 'zombie';

/** kill(2)'s targets for `pid`: one process, the caller's or another group, or every process. */
function killTargets(ctx: SyscallContext, pid: number): Task[] | 'ESRCH' {
  if (pid > 0) {
    const t = ctx.kernel.findTask(pid);
    if (t === undefined || t.state === 'dead') return 'ESRCH';
    // A zombie still exists for kill(2): sending to it succeeds and does nothing.
    return t.state === 'zombie' ? [] : [t];
  }
  if (pid === -2147483648) return 'ESRCH';
  // -1: every process the caller may signal except itself (and init, which krg never lists).
  const targets =
    pid === -1
      ? ctx.kernel.allTasks().filter((t) => live(t) && t !== ctx.task)
      : ctx.kernel
          .allTasks()
          .filter((t) => live(t) && t.pgid === (pid === 0 ? ctx.task.pgid : -pid));
  return targets.length === 0 ? 'ESRCH' : targets;
}

function sysKill(ctx: SyscallContext): SyscallOutcome {
  const pid = argInt(ctx, 0);
  const sig = argInt(ctx, 1);
  if (sig !== 0 && !isValidSignal(sig)) return fail('EINVAL');
  const targets = killTargets(ctx, pid);
  if (targets === 'ESRCH') return fail('ESRCH');
  // Send to the caller last so the others are signalled even if it dies at once.
  targets.sort((a, b) => (a === ctx.task ? 1 : b === ctx.task ? -1 : a.pid - b.pid));
  for (const t of targets) send(ctx, t, sig, fromCaller(ctx, SI_USER));
  return ret(0);
}

/** The live thread `tid` (of group `tgid`, or any with −1) for tkill/tgkill/rt_tgsigqueueinfo. */
function threadTarget(ctx: SyscallContext, tgid: number, tid: number): Task | 'EINVAL' | 'ESRCH' {
  if (tid <= 0 || (tgid !== -1 && tgid <= 0)) return 'EINVAL';
  const t = ctx.kernel.findTask(tid);
  if (t === undefined || !live(t) || (tgid !== -1 && t.tgid !== tgid)) return 'ESRCH';
  return t;
}

function threadKill(ctx: SyscallContext, tgid: number, tid: number, sig: number): SyscallOutcome {
  if (tid <= 0 || (tgid !== -1 && tgid <= 0)) return fail('EINVAL');
  if (sig !== 0 && !isValidSignal(sig)) return fail('EINVAL');
  const t = threadTarget(ctx, tgid, tid);
  if (typeof t === 'string') return fail(t);
  send(ctx, t, sig, fromCaller(ctx, SI_TKILL));
  return ret(0);
}

function sysTkill(ctx: SyscallContext): SyscallOutcome {
  return threadKill(ctx, -1, argInt(ctx, 0), argInt(ctx, 1));
}

function sysTgkill(ctx: SyscallContext): SyscallOutcome {
  return threadKill(ctx, argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2));
}

/**
 * The siginfo a process hands rt_(tg)sigqueueinfo: its si_code, si_pid,
 * si_uid and si_value are kept. A process may not pose as the kernel or as
 * kill(2) (si_code ≥ 0, or SI_TKILL) towards another process (EPERM).
 */
function userQueuedInfo(
  ctx: SyscallContext,
  address: number | undefined,
  isSelf: boolean,
): SignalInfo | 'EFAULT' | 'EPERM' {
  const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, SIGINFO_BYTES);
  if (raw === 'EFAULT') return 'EFAULT';
  const v = new DataView(raw.buffer, raw.byteOffset, SIGINFO_BYTES);
  const code = v.getInt32(8, true);
  if ((code >= 0 || code === SI_TKILL) && !isSelf) return 'EPERM';
  return {
    code,
    senderPid: v.getInt32(16, true),
    senderUid: v.getUint32(20, true),
    value: v.getBigUint64(24, true),
  };
}

function sysRtSigqueueinfo(ctx: SyscallContext): SyscallOutcome {
  const pid = argInt(ctx, 0);
  const sig = argInt(ctx, 1);
  const info = userQueuedInfo(ctx, argAddress(ctx, 2), pid === ctx.task.tgid);
  if (typeof info === 'string') return fail(info);
  if (sig !== 0 && !isValidSignal(sig)) return fail('EINVAL');
  const targets = killTargets(ctx, pid);
  if (targets === 'ESRCH' || pid <= 0) return fail('ESRCH');
  for (const t of targets) send(ctx, t, sig, info);
  return ret(0);
}

function sysRtTgsigqueueinfo(ctx: SyscallContext): SyscallOutcome {
  const tgid = argInt(ctx, 0);
  const tid = argInt(ctx, 1);
  const sig = argInt(ctx, 2);
  const info = userQueuedInfo(ctx, argAddress(ctx, 3), tid === ctx.task.pid);
  if (typeof info === 'string') return fail(info);
  if (sig !== 0 && !isValidSignal(sig)) return fail('EINVAL');
  const t = threadTarget(ctx, tgid, tid);
  if (typeof t === 'string') return fail(t);
  send(ctx, t, sig, info);
  return ret(0);
}

/** epm-signal's rows of the syscall table (riscv64 numbers), for a kernel's platform. */
export function createSignalSyscalls(platform: SignalPlatform): SyscallEntry[] {
  return [
    { nr: 129, name: 'kill', handler: sysKill },
    { nr: 130, name: 'tkill', handler: sysTkill },
    { nr: 131, name: 'tgkill', handler: sysTgkill },
    { nr: 132, name: 'sigaltstack', handler: (ctx) => sysSigaltstack(ctx, platform) },
    { nr: 133, name: 'rt_sigsuspend', handler: sysRtSigsuspend, onHandler: 'eintr' },
    { nr: 135, name: 'rt_sigprocmask', handler: sysRtSigprocmask },
    { nr: 136, name: 'rt_sigpending', handler: sysRtSigpending },
    {
      nr: 137,
      name: 'rt_sigtimedwait',
      handler: sysRtSigtimedwait,
      onHandler: 'eintr',
      interrupted: sigtimedwaitInterrupted,
    },
    { nr: 138, name: 'rt_sigqueueinfo', handler: sysRtSigqueueinfo },
    {
      nr: 139,
      name: 'rt_sigreturn',
      handler: (ctx) => {
        sigreturn(ctx.task, platform, ctx.memory);
        return NO_RETURN;
      },
    },
    { nr: 240, name: 'rt_tgsigqueueinfo', handler: sysRtTgsigqueueinfo },
    ...createItimerSyscalls(platform),
    ...RLIMIT_SYSCALLS,
  ];
}
