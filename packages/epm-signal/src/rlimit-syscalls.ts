// The resource limits (prlimit64, getrlimit, setrlimit): they live in the
// signal object, as in Linux's signal_struct.
import {
  argAddress,
  argInt,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type Task,
} from '@krg/epm-core';
import { RLIMIT_NOFILE, RLIM_NLIMITS } from './rlimits.js';
import { SIGNAL_SLOT } from './signal-state.js';
import { u64, u64Bytes } from './user-words.js';

/** prlimit64(pid, resource, new, old): only the caller or another live task of the cluster. */
function sysPrlimit64(ctx: SyscallContext): SyscallOutcome {
  const pid = argInt(ctx, 0);
  const resource = argInt(ctx, 1);
  if (resource < 0 || resource >= RLIM_NLIMITS) return fail('EINVAL');
  const t = pid === 0 ? ctx.task : ctx.kernel.findTask(pid);
  if (t === undefined || t.state === 'dead') return fail('ESRCH');
  return rlimit(
    ctx,
    t,
    resource,
    ctx.args[2] === 0n ? undefined : (argAddress(ctx, 2) ?? -1),
    ctx.args[3] === 0n ? undefined : (argAddress(ctx, 3) ?? -1),
  );
}

function sysGetrlimit(ctx: SyscallContext): SyscallOutcome {
  const resource = argInt(ctx, 0);
  if (resource < 0 || resource >= RLIM_NLIMITS) return fail('EINVAL');
  return rlimit(ctx, ctx.task, resource, undefined, argAddress(ctx, 1) ?? -1);
}

function sysSetrlimit(ctx: SyscallContext): SyscallOutcome {
  const resource = argInt(ctx, 0);
  if (resource < 0 || resource >= RLIM_NLIMITS) return fail('EINVAL');
  return rlimit(ctx, ctx.task, resource, argAddress(ctx, 1) ?? -1, undefined);
}

function rlimit(
  ctx: SyscallContext,
  t: Task,
  resource: number,
  newAddress: number | undefined,
  oldAddress: number | undefined,
): SyscallOutcome {
  const limits = t.get(SIGNAL_SLOT).rlimits;
  const current = limits[resource]!;
  let next: { soft: bigint; hard: bigint } | undefined;
  if (newAddress !== undefined) {
    const raw = ctx.memory.readUser(newAddress, 16);
    if (raw === 'EFAULT') return fail('EFAULT');
    next = { soft: u64(raw, 0), hard: u64(raw, 8) };
    if (next.soft > next.hard) return fail('EINVAL');
    // Raising a hard limit needs CAP_SYS_RESOURCE: krg's processes run as root.
    if (next.hard > current.hard && t.credentials.euid !== 0) return fail('EPERM');
    if (resource === RLIMIT_NOFILE && next.hard > 1048576n) return fail('EPERM');
  }
  if (
    oldAddress !== undefined &&
    ctx.memory.writeUser(oldAddress, u64Bytes(current.soft, current.hard)) !== 'ok'
  ) {
    return fail('EFAULT');
  }
  if (next !== undefined) limits[resource] = next;
  return ret(0);
}

/** The rlimit rows of epm-signal's part of the syscall table (riscv64 numbers). */
export const RLIMIT_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 163, name: 'getrlimit', handler: sysGetrlimit },
  { nr: 164, name: 'setrlimit', handler: sysSetrlimit },
  { nr: 261, name: 'prlimit64', handler: sysPrlimit64 },
];
