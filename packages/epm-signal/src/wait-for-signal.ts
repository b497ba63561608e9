// Waiting for a signal: rt_sigsuspend (pause, sigsuspend) replaces the mask
// and sleeps until a handler runs; rt_sigtimedwait (sigwait, sigwaitinfo,
// sigtimedwait) takes a pending signal of a set off its queue without
// running its action. Both sleep as every blocked call does (epm-core's
// contract): the kernel runs them again from scratch when woken, and a
// handler interrupts them with EINTR.
import {
  FULL_SIGSET,
  UNBLOCKABLE,
  argAddress,
  block,
  fail,
  readUserTimespec,
  ret,
  sanitizeMask,
  type SyscallContext,
  type SyscallOutcome,
} from '@krg/epm-core';
import { encodeSiginfo } from '@krg/arch-riscv';
import { SIGNAL_SLOT } from './signal-state.js';
import { u64 } from './user-words.js';

const SIGSET_BYTES = 8;

/** Reads a sigset_t argument after checking its size argument (EINVAL, EFAULT). */
export function readSigsetArg(
  ctx: SyscallContext,
  at: number,
  sizeAt: number,
): bigint | 'EINVAL' | 'EFAULT' {
  if (argAddress(ctx, sizeAt) !== SIGSET_BYTES) return 'EINVAL';
  const address = argAddress(ctx, at);
  const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, SIGSET_BYTES);
  return raw === 'EFAULT' ? 'EFAULT' : u64(raw);
}

/**
 * rt_sigsuspend(mask, sigsetsize): the first attempt saves the mask and
 * installs `mask`; every attempt sleeps. A signal with a handler ends the
 * call with EINTR, and its frame saves the original mask (the saved mask
 * is in the ghost section, so a checkpoint taken in the call keeps it).
 */
export function sysRtSigsuspend(ctx: SyscallContext): SyscallOutcome {
  const state = ctx.task.get(SIGNAL_SLOT);
  if (!ctx.isRetry) {
    const mask = readSigsetArg(ctx, 0, 1);
    if (typeof mask === 'string') return fail(mask);
    state.savedMask = state.blocked;
    state.blocked = sanitizeMask(mask);
  }
  return block([]);
}

/**
 * rt_sigtimedwait(set, info, timeout, sigsetsize). The first attempt fixes
 * the deadline (carried as the call's progress, so a retry does not wait
 * the whole timeout again); while it sleeps, the waited-for signals wake the
 * task though they stay blocked.
 */
export function sysRtSigtimedwait(ctx: SyscallContext): SyscallOutcome {
  const state = ctx.task.get(SIGNAL_SLOT);
  state.waitSet = 0n;
  const raw = readSigsetArg(ctx, 0, 3);
  if (typeof raw === 'string') return fail(raw);
  const set = raw & FULL_SIGSET & ~UNBLOCKABLE;
  let deadlineNs: number | undefined;
  if (ctx.isRetry) {
    deadlineNs = ctx.progress > 0 ? ctx.progress : undefined;
  } else if (ctx.args[2] !== 0n) {
    const timeout = readUserTimespec(ctx.memory, argAddress(ctx, 2));
    if (typeof timeout === 'string') return fail(timeout);
    const deadline = BigInt(ctx.nowNs) + timeout;
    deadlineNs =
      deadline > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(deadline);
  }
  const notWaited = FULL_SIGSET & ~set;
  const info = state.pending.dequeue(notWaited) ?? state.sharedPending.dequeue(notWaited);
  if (info !== undefined) {
    const address = argAddress(ctx, 1);
    if (ctx.args[1] !== 0n) {
      // Linux has taken the signal off its queue already: a bad pointer loses it.
      if (address === undefined || ctx.memory.writeUser(address, encodeSiginfo(info)) !== 'ok')
        return fail('EFAULT');
    }
    return ret(info.signo);
  }
  if (deadlineNs !== undefined && ctx.nowNs >= deadlineNs) return fail('EAGAIN');
  state.waitSet = set;
  // progress 0 means "no deadline" on a retry (a deadline is never instant 0 once slept).
  return block([], { untilNs: deadlineNs, progress: deadlineNs ?? 0 });
}

/** A handler interrupted rt_sigtimedwait: its waited-for signals stop waking the task. */
export function sigtimedwaitInterrupted(ctx: SyscallContext): undefined {
  ctx.task.get(SIGNAL_SLOT).waitSet = 0n;
  return undefined;
}
