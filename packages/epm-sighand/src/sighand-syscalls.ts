// rt_sigaction, owned by epm-sighand (DESIGN.md). The riscv64 kernel struct
// sigaction is 24 bytes: sa_handler, sa_flags, sa_mask (no sa_restorer:
// riscv64 returns from handlers through the vDSO trampoline).
import {
  argAddress,
  argInt,
  fail,
  isValidSignal,
  ret,
  sanitizeMask,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import { SIGHAND_SLOT, isUncatchable } from './sighand.js';

const SIGACTION_BYTES = 24;

function sysRtSigaction(ctx: SyscallContext): SyscallOutcome {
  const sig = argInt(ctx, 0);
  const newAddress = ctx.args[1] === 0n ? undefined : (argAddress(ctx, 1) ?? -1);
  const oldAddress = ctx.args[2] === 0n ? undefined : (argAddress(ctx, 2) ?? -1);
  if (argAddress(ctx, 3) !== 8) return fail('EINVAL');
  if (!isValidSignal(sig)) return fail('EINVAL');
  if (newAddress !== undefined && isUncatchable(sig)) return fail('EINVAL');
  const table = ctx.task.get(SIGHAND_SLOT);
  const old = table.action(sig);
  let next: { handler: bigint; flags: number; mask: bigint } | undefined;
  if (newAddress !== undefined) {
    const raw = ctx.memory.readUser(newAddress, SIGACTION_BYTES);
    if (raw === 'EFAULT') return fail('EFAULT');
    const v = new DataView(raw.buffer, raw.byteOffset, SIGACTION_BYTES);
    next = {
      handler: v.getBigUint64(0, true),
      flags: Number(v.getBigUint64(8, true) & 0xffffffffn),
      mask: sanitizeMask(v.getBigUint64(16, true)),
    };
  }
  if (oldAddress !== undefined) {
    const out = new Uint8Array(SIGACTION_BYTES);
    const v = new DataView(out.buffer);
    v.setBigUint64(0, old.handler, true);
    v.setBigUint64(8, BigInt(old.flags >>> 0), true);
    v.setBigUint64(16, old.mask, true);
    if (ctx.memory.writeUser(oldAddress, out) !== 'ok') return fail('EFAULT');
  }
  if (next !== undefined) table.setAction(sig, next);
  return ret(0);
}

/** epm-sighand's row of the syscall table (riscv64 number). */
export const SIGHAND_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 134, name: 'rt_sigaction', handler: sysRtSigaction },
];
