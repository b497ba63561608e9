// The alternate signal stack (sigaltstack(2), Linux's do_sigaltstack): a
// thread's stack_t, the rules for changing it, and the call. riscv64's
// stack_t is 24 bytes: ss_sp (8), ss_flags (4, then 4 of padding), ss_size (8).
import { argAddress, fail, ret, type SyscallContext, type SyscallOutcome } from '@krg/epm-core';
import {
  SS_AUTODISARM,
  SS_DISABLE,
  SS_ONSTACK,
  isOnAltStack,
  type AltStack,
} from '@krg/arch-riscv';
import type { SignalCpu } from './handler-frame.js';
import { MINSIGSTKSZ_BYTES } from './limits.js';
import { SIGNAL_SLOT, type SignalState } from './signal-state.js';

const STACK_T_BYTES = 24;

/** Linux's sas_ss_flags plus the sticky SS_AUTODISARM bit: what sigaltstack reports. */
function reportedFlags(altStack: AltStack, sp: bigint): number {
  const base = altStack.size === 0n ? SS_DISABLE : isOnAltStack(altStack, sp) ? SS_ONSTACK : 0;
  return (base | (altStack.flags & SS_AUTODISARM)) >>> 0;
}

/**
 * Applies a new stack_t with sigaltstack's rules; `sp` is the thread's stack
 * pointer. Changing it while running on it is EPERM.
 */
export function applyAltStack(
  state: SignalState,
  next: AltStack,
  sp: bigint,
): 'ok' | 'EPERM' | 'EINVAL' | 'ENOMEM' {
  if (isOnAltStack(state.altStack, sp)) return 'EPERM';
  const mode = (next.flags & ~SS_AUTODISARM) >>> 0;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return 'EINVAL';
  if (mode === SS_DISABLE) {
    state.altStack = { sp: 0n, size: 0n, flags: next.flags >>> 0 };
    return 'ok';
  }
  if (next.size < BigInt(MINSIGSTKSZ_BYTES)) return 'ENOMEM';
  state.altStack = { sp: next.sp, size: next.size, flags: next.flags >>> 0 };
  return 'ok';
}

export function sysSigaltstack(ctx: SyscallContext, cpu: SignalCpu): SyscallOutcome {
  const state = ctx.task.get(SIGNAL_SLOT);
  const sp = cpu.registers(ctx.task).x[2]!;
  let next: AltStack | undefined;
  if (ctx.args[0] !== 0n) {
    const address = argAddress(ctx, 0);
    const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, STACK_T_BYTES);
    if (raw === 'EFAULT') return fail('EFAULT');
    const v = new DataView(raw.buffer, raw.byteOffset, STACK_T_BYTES);
    next = {
      sp: v.getBigUint64(0, true),
      flags: v.getUint32(8, true),
      size: v.getBigUint64(16, true),
    };
  }
  const old = state.altStack;
  const oldBytes = new Uint8Array(STACK_T_BYTES);
  const ov = new DataView(oldBytes.buffer);
  ov.setBigUint64(0, old.sp, true);
  ov.setUint32(8, reportedFlags(old, sp), true);
  ov.setBigUint64(16, old.size, true);
  if (next !== undefined) {
    const r = applyAltStack(state, next, sp);
    if (r !== 'ok') return fail(r);
  }
  if (ctx.args[1] !== 0n) {
    const address = argAddress(ctx, 1);
    if (address === undefined || ctx.memory.writeUser(address, oldBytes) !== 'ok')
      return fail('EFAULT');
  }
  return ret(0);
}
