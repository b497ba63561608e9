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
import { createRlimitSyscalls } from './rlimit-syscalls.js';
import { SIGNAL_SLOT, setBlocked } from './signal-state.js';
import {
  killResult,
  senderOf,
  type KillReply,
  type KillRequest,
  type KillTarget,
  type PrlimitReply,
  type PrlimitRequest,
} from './signal-requests.js';
import { u64, u64Bytes } from './user-words.js';
import { sysRtSigsuspend, sysRtSigtimedwait, sigtimedwaitInterrupted } from './wait-for-signal.js';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
export const SIGSET_BYTES = 8;
const SIGINFO_BYTES = 128;

/**
 * What the signal calls need from the kernel: the CPU registers, ITIMER_REAL's
 * engine timer, and the way to processes on other nodes.
 */
export interface SignalPlatform extends SignalCpu, RealTimerPort, SignalRouting {}

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

/**
 * How the signal calls reach processes wherever they run: the kernel serves
 * a request at once on the caller's node when it names only processes
 * there, and otherwise routes it (signal-requests.ts) — one process through
 * its task object's `node`, a group or every process to every live node, the
 * caller's node last. A node that dies before it answers counts as running
 * none of them.
 */
export interface SignalRouting {
  killOnNodes(
    caller: Task,
    request: KillRequest,
  ): readonly KillReply[] | Promise<readonly KillReply[]>;
  prlimitOnNode(caller: Task, request: PrlimitRequest): PrlimitReply | Promise<PrlimitReply>;
}

function killOutcome(target: KillTarget, replies: readonly KillReply[]): SyscallOutcome {
  const result = killResult(target, replies);
  return result === 0 ? ret(0) : fail(result);
}

/**
 * Sends `sig` to `target` and answers as Linux: ESRCH when nothing is named;
 * an invalid signal number is EINVAL only once a target exists (Linux
 * checks it in check_kill_permission, per found task), so it is sent as a
 * probe first.
 */
function kill(
  ctx: SyscallContext,
  routing: SignalRouting,
  target: KillTarget,
  sig: number,
  info: SignalInfo,
): SyscallOutcome | Promise<SyscallOutcome> {
  const isValid = sig === 0 || isValidSignal(sig);
  const request: KillRequest = {
    op: 'kill',
    target,
    sig: isValid ? sig : 0,
    info,
    sender: senderOf(ctx.task),
  };
  const answer = (replies: readonly KillReply[]): SyscallOutcome => {
    if (isValid) return killOutcome(target, replies);
    return replies.some((r) => r.found > 0) ? fail('EINVAL') : fail('ESRCH');
  };
  const replies = routing.killOnNodes(ctx.task, request);
  return replies instanceof Promise ? replies.then(answer) : answer(replies);
}

function fromCaller(ctx: SyscallContext, code: number): SignalInfo {
  return { code, senderPid: ctx.task.tgid, senderUid: ctx.task.credentials.uid };
}

/** kill(2)'s target for `pid`: one process, the caller's or another group, or every process. */
function killTarget(ctx: SyscallContext, pid: number): KillTarget | 'ESRCH' {
  if (pid > 0) return { kind: 'process', pid };
  if (pid === -1) return { kind: 'all' };
  if (pid === -2147483648) return 'ESRCH';
  return { kind: 'group', pgid: pid === 0 ? ctx.task.pgid : -pid };
}

function sysKill(
  ctx: SyscallContext,
  routing: SignalRouting,
): SyscallOutcome | Promise<SyscallOutcome> {
  const target = killTarget(ctx, argInt(ctx, 0));
  if (target === 'ESRCH') return fail('ESRCH');
  return kill(ctx, routing, target, argInt(ctx, 1), fromCaller(ctx, SI_USER));
}

/**
 * A thread's target: of any group for tkill (`tgid` undefined), of group
 * `tgid` for tgkill and rt_tgsigqueueinfo; EINVAL for ids Linux rejects
 * before looking.
 */
function threadTarget(tgid: number | undefined, tid: number): KillTarget | 'EINVAL' {
  if (tid <= 0 || (tgid !== undefined && tgid <= 0)) return 'EINVAL';
  return { kind: 'thread', tgid: tgid ?? -1, tid };
}

function threadKill(
  ctx: SyscallContext,
  routing: SignalRouting,
  tgid: number | undefined,
  tid: number,
  sig: number,
): SyscallOutcome | Promise<SyscallOutcome> {
  const target = threadTarget(tgid, tid);
  if (target === 'EINVAL') return fail('EINVAL');
  return kill(ctx, routing, target, sig, fromCaller(ctx, SI_TKILL));
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

function sysRtSigqueueinfo(
  ctx: SyscallContext,
  routing: SignalRouting,
): SyscallOutcome | Promise<SyscallOutcome> {
  const pid = argInt(ctx, 0);
  const info = userQueuedInfo(ctx, argAddress(ctx, 2), pid === ctx.task.tgid);
  if (typeof info === 'string') return fail(info);
  // kill_proc_info: only a process id names anything here.
  if (pid <= 0) return fail('ESRCH');
  return kill(ctx, routing, { kind: 'process', pid }, argInt(ctx, 1), info);
}

function sysRtTgsigqueueinfo(
  ctx: SyscallContext,
  routing: SignalRouting,
): SyscallOutcome | Promise<SyscallOutcome> {
  const tgid = argInt(ctx, 0);
  const tid = argInt(ctx, 1);
  const target = threadTarget(tgid, tid);
  if (target === 'EINVAL') return fail('EINVAL');
  const info = userQueuedInfo(ctx, argAddress(ctx, 3), tid === ctx.task.pid);
  if (typeof info === 'string') return fail(info);
  return kill(ctx, routing, target, argInt(ctx, 2), info);
}

/** epm-signal's rows of the syscall table (riscv64 numbers), for a kernel's platform. */
export function createSignalSyscalls(platform: SignalPlatform): SyscallEntry[] {
  return [
    { nr: 129, name: 'kill', handler: (ctx) => sysKill(ctx, platform) },
    {
      nr: 130,
      name: 'tkill',
      handler: (ctx) => threadKill(ctx, platform, undefined, argInt(ctx, 0), argInt(ctx, 1)),
    },
    {
      nr: 131,
      name: 'tgkill',
      handler: (ctx) => threadKill(ctx, platform, argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2)),
    },
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
    { nr: 138, name: 'rt_sigqueueinfo', handler: (ctx) => sysRtSigqueueinfo(ctx, platform) },
    {
      nr: 139,
      name: 'rt_sigreturn',
      handler: (ctx) => {
        sigreturn(ctx.task, platform, ctx.memory);
        return NO_RETURN;
      },
    },
    { nr: 240, name: 'rt_tgsigqueueinfo', handler: (ctx) => sysRtTgsigqueueinfo(ctx, platform) },
    ...createItimerSyscalls(platform),
    ...createRlimitSyscalls(platform),
  ];
}
