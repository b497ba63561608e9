// ppoll, as far as krg supports it: with no descriptors (nfds 0) it is a
// sleep with a signal mask — how riscv64 glibc implements pause() and what
// programs use as a signal-safe sleep. The mask is swapped in like
// rt_sigsuspend's (the saved one comes back on return, or goes into the
// frame of a handler that interrupts the call with EINTR). Polling real
// descriptors is not supported yet and stops the run with a clear message.
import {
  ERRNO,
  argAddress,
  block,
  fail,
  readUserTimespec,
  ret,
  sanitizeMask,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { SIGNAL_SLOT, readSigsetArg } from '@krg/epm-signal';
import { GuestNotSupported } from '../process/guest-not-supported.js';

const NS_PER_SECOND = 1_000_000_000;

/** Writes the time left back into the caller's timespec, as Linux's ppoll does. */
function writeLeft(ctx: SyscallContext, leftNs: number): 'ok' | 'EFAULT' {
  const address = argAddress(ctx, 2);
  if (address === undefined) return 'EFAULT';
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, BigInt(Math.floor(leftNs / NS_PER_SECOND)), true);
  v.setBigInt64(8, BigInt(leftNs % NS_PER_SECOND), true);
  return ctx.memory.writeUser(address, out);
}

function sysPpoll(ctx: SyscallContext): SyscallOutcome {
  const state = ctx.task.get(SIGNAL_SLOT);
  const hasTimeout = ctx.args[2] !== 0n;
  if (!ctx.isRetry) {
    if (ctx.args[1] !== 0n) {
      throw new GuestNotSupported(
        `process ${ctx.task.pid} (${ctx.task.comm}) called ppoll on ${ctx.args[1]} descriptors: polling descriptors is not supported yet`,
      );
    }
    let deadlineNs = 0;
    if (hasTimeout) {
      const ns = readUserTimespec(ctx.memory, argAddress(ctx, 2));
      if (typeof ns === 'string') return fail(ns);
      const deadline = BigInt(ctx.nowNs) + ns;
      deadlineNs =
        deadline > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(deadline);
    }
    if (ctx.args[3] !== 0n) {
      const mask = readSigsetArg(ctx, 3, 4);
      if (typeof mask === 'string') return fail(mask);
      state.savedMask = state.blocked;
      state.blocked = sanitizeMask(mask);
    }
    if (hasTimeout && ctx.nowNs >= deadlineNs) {
      return writeLeft(ctx, 0) === 'ok' ? ret(0) : fail('EFAULT');
    }
    return block([], hasTimeout ? { untilNs: deadlineNs, progress: deadlineNs } : {});
  }
  if (hasTimeout && ctx.nowNs >= ctx.progress) {
    return writeLeft(ctx, 0) === 'ok' ? ret(0) : fail('EFAULT');
  }
  return block([], hasTimeout ? { untilNs: ctx.progress, progress: ctx.progress } : {});
}

/** ppoll's row (riscv64 number): interrupted by a handler, it always fails with EINTR. */
export const PPOLL_SYSCALLS: readonly SyscallEntry[] = [
  {
    nr: 73,
    name: 'ppoll',
    handler: sysPpoll,
    onHandler: 'eintr',
    interrupted: (ctx) => {
      if (ctx.args[2] === 0n) return undefined;
      return writeLeft(ctx, Math.max(0, ctx.progress - ctx.nowNs)) === 'ok'
        ? undefined
        : BigInt.asUintN(64, BigInt(-ERRNO.EFAULT));
    },
  },
];
