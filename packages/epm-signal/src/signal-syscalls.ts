// The signal syscalls epm-signal owns that processes need before handlers
// exist: kill, tkill, tgkill, rt_sigprocmask, rt_sigpending, and the
// resource limits (prlimit64, getrlimit, setrlimit), which live in the
// signal object. Handlers, sigsuspend, sigtimedwait, sigqueue, sigaltstack
// and rt_sigreturn come with the signals issue.
import {
  argAddress,
  argInt,
  fail,
  isValidSignal,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type Task,
} from '@krg/epm-core';
import { SI_USER } from '@krg/arch-riscv';
import { RLIMIT_NOFILE, RLIM_NLIMITS } from './rlimits.js';
import { SIGNAL_SLOT, setBlocked } from './signal-state.js';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
const SIGSET_BYTES = 8;

function u64(bytes: Uint8Array, at = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);
}

function u64Bytes(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setBigUint64(i * 8, x, true));
  return out;
}

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

function send(ctx: SyscallContext, target: Task, sig: number, code: number): void {
  if (sig === 0) return;
  ctx.kernel.sendSignal(target, sig, {
    code,
    senderPid: ctx.task.tgid,
    senderUid: ctx.task.credentials.uid,
  });
}

function sysKill(ctx: SyscallContext): SyscallOutcome {
  const pid = argInt(ctx, 0);
  const sig = argInt(ctx, 1);
  if (sig !== 0 && !isValidSignal(sig)) return fail('EINVAL');
  const live = (t: Task): boolean => t.state !== 'dead' && t.state !== 'zombie';
  let targets: Task[];
  if (pid > 0) {
    const t = ctx.kernel.findTask(pid);
    // A zombie still exists for kill(2): sending to it succeeds and does nothing.
    if (t === undefined || t.state === 'dead') return fail('ESRCH');
    if (t.state === 'zombie') return ret(0);
    targets = [t];
  } else if (pid === -1) {
    // Every process the caller may signal except itself (and init, which krg never lists).
    targets = ctx.kernel.allTasks().filter((t) => live(t) && t !== ctx.task);
    if (targets.length === 0) return fail('ESRCH');
  } else {
    const pgid = pid === 0 ? ctx.task.pgid : -pid;
    if (pid === -2147483648) return fail('ESRCH');
    targets = ctx.kernel.allTasks().filter((t) => live(t) && t.pgid === pgid);
    if (targets.length === 0) return fail('ESRCH');
  }
  // Send to the caller last so the others are signalled even if it dies at once.
  targets.sort((a, b) => (a === ctx.task ? 1 : b === ctx.task ? -1 : a.pid - b.pid));
  for (const t of targets) send(ctx, t, sig, SI_USER);
  return ret(0);
}

function threadKill(ctx: SyscallContext, tgid: number, tid: number, sig: number): SyscallOutcome {
  if (tid <= 0 || (tgid !== -1 && tgid <= 0)) return fail('EINVAL');
  if (sig !== 0 && !isValidSignal(sig)) return fail('EINVAL');
  const t = ctx.kernel.findTask(tid);
  if (
    t === undefined ||
    t.state === 'dead' ||
    t.state === 'zombie' ||
    (tgid !== -1 && t.tgid !== tgid)
  ) {
    return fail('ESRCH');
  }
  send(ctx, t, sig, SI_USER);
  return ret(0);
}

function sysTkill(ctx: SyscallContext): SyscallOutcome {
  return threadKill(ctx, -1, argInt(ctx, 0), argInt(ctx, 1));
}

function sysTgkill(ctx: SyscallContext): SyscallOutcome {
  return threadKill(ctx, argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2));
}

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

/** epm-signal's rows of the syscall table (riscv64 numbers). */
export const SIGNAL_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 129, name: 'kill', handler: sysKill },
  { nr: 130, name: 'tkill', handler: sysTkill },
  { nr: 131, name: 'tgkill', handler: sysTgkill },
  { nr: 135, name: 'rt_sigprocmask', handler: sysRtSigprocmask },
  { nr: 136, name: 'rt_sigpending', handler: sysRtSigpending },
  { nr: 163, name: 'getrlimit', handler: sysGetrlimit },
  { nr: 164, name: 'setrlimit', handler: sysSetrlimit },
  { nr: 261, name: 'prlimit64', handler: sysPrlimit64 },
];
