// setitimer and getitimer (alarm(2) is glibc's setitimer on riscv64). The
// struct itimerval is { it_interval, it_value }, two struct timeval of two
// longs each (tv_sec, tv_usec).
import {
  ACCOUNTING_SLOT,
  argAddress,
  argInt,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type Task,
} from '@krg/epm-core';
import { ITIMER_PROF, ITIMER_REAL, ITIMER_VIRTUAL, type Itimer } from './itimers.js';
import { ITIMER_SECONDS_MAX } from './limits.js';
import { SIGNAL_SLOT } from './signal-state.js';
import { i64, u64Bytes } from './user-words.js';

const ITIMERVAL_BYTES = 32;
const NS_PER_US = 1000;
const NS_PER_SECOND = 1_000_000_000;

/** The kernel side of ITIMER_REAL: it arms an engine timer at the new deadline. */
export interface RealTimerPort {
  /** ITIMER_REAL of the task changed (armed, re-armed or disarmed). */
  realTimerChanged(task: Task): void;
}

/** The clock a timer counts, in ns: simulated time, user CPU time, or user + system. */
export function itimerClockNs(task: Task, which: number, nowNs: number): number {
  if (which === ITIMER_REAL) return nowNs;
  const acc = task.get(ACCOUNTING_SLOT);
  return which === ITIMER_VIRTUAL ? acc.userNs : acc.userNs + acc.systemNs;
}

function timevalNs(raw: Uint8Array, at: number): number | 'EINVAL' {
  const sec = i64(raw, at);
  const usec = i64(raw, at + 8);
  if (sec < 0n || usec < 0n || usec >= 1_000_000n) return 'EINVAL';
  const clamped = sec > BigInt(ITIMER_SECONDS_MAX) ? ITIMER_SECONDS_MAX : Number(sec);
  return clamped * NS_PER_SECOND + Number(usec) * NS_PER_US;
}

/** An itimerval for the timer as seen at `clockNs` (the remaining value, truncated to µs). */
function itimervalBytes(timer: Itimer, clockNs: number, which: number): Uint8Array {
  let remaining = timer.deadlineNs === 0 ? 0 : timer.deadlineNs - clockNs;
  // An armed timer whose expiry is being processed still reads as 1 µs (itimer_get_remtime).
  if (timer.deadlineNs !== 0 && remaining <= 0) remaining = which === ITIMER_REAL ? NS_PER_US : 0;
  const tv = (ns: number): [bigint, bigint] => [
    BigInt(Math.floor(ns / NS_PER_SECOND)),
    BigInt(Math.floor((ns % NS_PER_SECOND) / NS_PER_US)),
  ];
  return u64Bytes(...tv(timer.intervalNs), ...tv(remaining));
}

function isWhich(which: number): boolean {
  return which === ITIMER_REAL || which === ITIMER_VIRTUAL || which === ITIMER_PROF;
}

function sysGetitimer(ctx: SyscallContext): SyscallOutcome {
  const which = argInt(ctx, 0);
  if (!isWhich(which)) return fail('EINVAL');
  const timer = ctx.task.get(SIGNAL_SLOT).itimers[which]!;
  const bytes = itimervalBytes(timer, itimerClockNs(ctx.task, which, ctx.nowNs), which);
  const address = argAddress(ctx, 1);
  if (address === undefined || ctx.memory.writeUser(address, bytes) !== 'ok') return fail('EFAULT');
  return ret(0);
}

export function createItimerSyscalls(port: RealTimerPort): SyscallEntry[] {
  function sysSetitimer(ctx: SyscallContext): SyscallOutcome {
    const which = argInt(ctx, 0);
    let intervalNs = 0;
    let valueNs = 0;
    // A NULL new value disarms, as Linux still accepts.
    if (ctx.args[1] !== 0n) {
      const address = argAddress(ctx, 1);
      const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, ITIMERVAL_BYTES);
      if (raw === 'EFAULT') return fail('EFAULT');
      const interval = timevalNs(raw, 0);
      const value = timevalNs(raw, 16);
      if (interval === 'EINVAL' || value === 'EINVAL') return fail('EINVAL');
      intervalNs = interval;
      valueNs = value;
    }
    if (!isWhich(which)) return fail('EINVAL');
    const timer = ctx.task.get(SIGNAL_SLOT).itimers[which]!;
    const clockNs = itimerClockNs(ctx.task, which, ctx.nowNs);
    const old = itimervalBytes(timer, clockNs, which);
    timer.deadlineNs = valueNs === 0 ? 0 : clockNs + valueNs;
    timer.intervalNs = valueNs === 0 && which !== ITIMER_REAL ? 0 : intervalNs;
    if (which === ITIMER_REAL) port.realTimerChanged(ctx.task);
    if (ctx.args[2] !== 0n) {
      const address = argAddress(ctx, 2);
      if (address === undefined || ctx.memory.writeUser(address, old) !== 'ok')
        return fail('EFAULT');
    }
    return ret(0);
  }
  return [
    { nr: 102, name: 'getitimer', handler: sysGetitimer },
    { nr: 103, name: 'setitimer', handler: sysSetitimer },
  ];
}
