// The resource limits (prlimit64, getrlimit, setrlimit): they live in the
// signal object, as in Linux's signal_struct. prlimit64 on a process of
// another node is served there (signal-requests.ts), through the kernel's
// routing.
import {
  argAddress,
  argInt,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
} from '@krg/epm-core';
import type { Rlimit } from './rlimits.js';
import { applyRlimit, senderOf, type PrlimitReply } from './signal-requests.js';
import type { SignalRouting } from './signal-syscalls.js';
import { u64, u64Bytes } from './user-words.js';

/** A user pointer argument: undefined for NULL, −1 (never mapped) for one beyond 2^53. */
function pointerArg(ctx: SyscallContext, i: number): number | undefined {
  return ctx.args[i] === 0n ? undefined : (argAddress(ctx, i) ?? -1);
}

/** Reads a struct rlimit64 (soft, hard); undefined for a NULL pointer. */
function readLimit(
  ctx: SyscallContext,
  address: number | undefined,
): Rlimit | undefined | 'EFAULT' {
  if (address === undefined) return undefined;
  const raw = ctx.memory.readUser(address, 16);
  if (raw === 'EFAULT') return 'EFAULT';
  return { soft: u64(raw, 0), hard: u64(raw, 8) };
}

/** The old limit copied out once the change is made (Linux fails with EFAULT after changing). */
function finish(
  ctx: SyscallContext,
  reply: PrlimitReply,
  oldAddress: number | undefined,
): SyscallOutcome {
  if (!reply.ok) return fail(reply.errno);
  if (
    oldAddress !== undefined &&
    ctx.memory.writeUser(oldAddress, u64Bytes(reply.old.soft, reply.old.hard)) !== 'ok'
  )
    return fail('EFAULT');
  return ret(0);
}

/** prlimit64(pid, resource, new, old): the caller, or any process of the cluster where it runs. */
function sysPrlimit64(
  ctx: SyscallContext,
  routing: SignalRouting,
): SyscallOutcome | Promise<SyscallOutcome> {
  const pid = argInt(ctx, 0);
  const resource = argInt(ctx, 1);
  const oldAddress = pointerArg(ctx, 3);
  const next = readLimit(ctx, pointerArg(ctx, 2));
  if (next === 'EFAULT') return fail('EFAULT');
  if (pid < 0) return fail('ESRCH');
  if (pid === 0 || pid === ctx.task.pid)
    return finish(ctx, applyRlimit(ctx.task, resource, next), oldAddress);
  const reply = routing.prlimitOnNode(ctx.task, {
    op: 'prlimit',
    pid,
    // Checked where the process runs: ESRCH comes before EINVAL, as in Linux.
    resource,
    next,
    sender: senderOf(ctx.task),
  });
  const answer = (r: PrlimitReply): SyscallOutcome => finish(ctx, r, oldAddress);
  return reply instanceof Promise ? reply.then(answer) : answer(reply);
}

function sysGetrlimit(ctx: SyscallContext): SyscallOutcome {
  return finish(ctx, applyRlimit(ctx.task, argInt(ctx, 0), undefined), argAddress(ctx, 1) ?? -1);
}

function sysSetrlimit(ctx: SyscallContext): SyscallOutcome {
  const next = readLimit(ctx, argAddress(ctx, 1) ?? -1);
  if (next === 'EFAULT') return fail('EFAULT');
  return finish(ctx, applyRlimit(ctx.task, argInt(ctx, 0), next), undefined);
}

/** The rlimit rows of epm-signal's part of the syscall table (riscv64 numbers). */
export function createRlimitSyscalls(routing: SignalRouting): SyscallEntry[] {
  return [
    { nr: 163, name: 'getrlimit', handler: sysGetrlimit },
    { nr: 164, name: 'setrlimit', handler: sysSetrlimit },
    { nr: 261, name: 'prlimit64', handler: (ctx) => sysPrlimit64(ctx, routing) },
  ];
}
