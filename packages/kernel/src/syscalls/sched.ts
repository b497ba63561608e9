// The scheduler as user space asks about it. Every krg node is one CPU that
// runs its tasks time-shared in slices of TIME_SLICE_NS (Linux's
// SCHED_OTHER), so: the affinity mask is CPU 0, the only policy is
// SCHED_OTHER with priority 0, and asking for a real-time or batch policy
// answers EPERM, as it does a Linux process without CAP_SYS_NICE (krg does
// not model other policies; the README says so). A pid on another node is
// looked up through its task object, like getpgid's.
import {
  argAddress,
  argInt,
  argUint,
  fail,
  ret,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  writeUserInt32,
} from '@krg/epm-core';
import { TIME_SLICE_NS } from '../limits.js';

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const SCHED_RR = 2;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;
const SCHED_RESET_ON_FORK = 0x40000000;
/** Bytes of the affinity mask the kernel copies out (one unsigned long: CPUs 0–63). */
const CPUMASK_BYTES = 8;

type Outcome = SyscallOutcome | Promise<SyscallOutcome>;

/** Runs `then` if process `pid` exists anywhere in the cluster (0: the caller), else ESRCH. */
function ifProcessExists(ctx: SyscallContext, pid: number, then: () => SyscallOutcome): Outcome {
  if (pid === 0 || pid === ctx.task.pid || ctx.kernel.findTask(pid) !== undefined) return then();
  if (pid < 0) return fail('ESRCH');
  return ctx.kernel
    .queryTask(ctx.task, pid, 'pgid')
    .then((answer) => (answer === 'ESRCH' ? fail('ESRCH') : then()));
}

function sysSchedGetaffinity(ctx: SyscallContext): Outcome {
  const len = argUint(ctx, 1);
  if (len * 8 < 1 || len % 8 !== 0) return fail('EINVAL');
  return ifProcessExists(ctx, argInt(ctx, 0), () => {
    const mask = new Uint8Array(Math.min(len, CPUMASK_BYTES));
    mask[0] = 1;
    const address = argAddress(ctx, 2);
    if (address === undefined || ctx.memory.writeUser(address, mask) !== 'ok')
      return fail('EFAULT');
    return ret(mask.length);
  });
}

function sysSchedSetaffinity(ctx: SyscallContext): Outcome {
  const len = argUint(ctx, 1);
  // Linux reads at most its mask's size; a shorter mask means "no CPU" beyond it.
  const bytes = Math.min(len, CPUMASK_BYTES);
  let cpu0 = false;
  if (len >= CPUMASK_BYTES) {
    const address = argAddress(ctx, 2);
    const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, bytes);
    if (raw === 'EFAULT') return fail('EFAULT');
    cpu0 = ((raw[0] ?? 0) & 1) !== 0;
  }
  return ifProcessExists(ctx, argInt(ctx, 0), () => (cpu0 ? ret(0) : fail('EINVAL')));
}

function sysSchedGetscheduler(ctx: SyscallContext): Outcome {
  const pid = argInt(ctx, 0);
  if (pid < 0) return fail('EINVAL');
  return ifProcessExists(ctx, pid, () => ret(SCHED_OTHER));
}

function sysSchedGetparam(ctx: SyscallContext): Outcome {
  const pid = argInt(ctx, 0);
  const address = argAddress(ctx, 1);
  if (ctx.args[1] === 0n || pid < 0) return fail('EINVAL');
  return ifProcessExists(ctx, pid, () =>
    writeUserInt32(ctx.memory, address, 0) === 'ok' ? ret(0) : fail('EFAULT'),
  );
}

/** Checks a policy and priority as Linux does; SCHED_OTHER is the only one krg grants. */
function setPolicy(ctx: SyscallContext, pid: number, policy: number, paramAt: number): Outcome {
  if (ctx.args[paramAt] === 0n || pid < 0) return fail('EINVAL');
  const address = argAddress(ctx, paramAt);
  const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, 4);
  if (raw === 'EFAULT') return fail('EFAULT');
  const priority = new DataView(raw.buffer, raw.byteOffset, 4).getInt32(0, true);
  const isRealTime = policy === SCHED_FIFO || policy === SCHED_RR;
  const isTimeShared = policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE;
  if (!isRealTime && !isTimeShared) return fail('EINVAL');
  if (isRealTime ? priority < 1 || priority > 99 : priority !== 0) return fail('EINVAL');
  return ifProcessExists(ctx, pid, () => (policy === SCHED_OTHER ? ret(0) : fail('EPERM')));
}

function sysSchedSetscheduler(ctx: SyscallContext): Outcome {
  const policy = argInt(ctx, 1);
  if (policy < 0) return fail('EINVAL');
  return setPolicy(ctx, argInt(ctx, 0), policy & ~SCHED_RESET_ON_FORK, 2);
}

function sysSchedSetparam(ctx: SyscallContext): Outcome {
  return setPolicy(ctx, argInt(ctx, 0), SCHED_OTHER, 1);
}

function priorityBound(ctx: SyscallContext, realTime: number): SyscallOutcome {
  const policy = argInt(ctx, 0);
  if (policy === SCHED_FIFO || policy === SCHED_RR) return ret(realTime);
  if (policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE) return ret(0);
  return fail('EINVAL');
}

function sysSchedRrGetInterval(ctx: SyscallContext): Outcome {
  const pid = argInt(ctx, 0);
  if (pid < 0) return fail('EINVAL');
  return ifProcessExists(ctx, pid, () => {
    const ts = new Uint8Array(16);
    new DataView(ts.buffer).setBigInt64(8, BigInt(TIME_SLICE_NS), true);
    const address = argAddress(ctx, 1);
    return address !== undefined && ctx.memory.writeUser(address, ts) === 'ok'
      ? ret(0)
      : fail('EFAULT');
  });
}

/** getcpu: CPU 0 of NUMA node 0 (a node is one machine; the cluster is not shown as NUMA). */
function sysGetcpu(ctx: SyscallContext): SyscallOutcome {
  for (const at of [0, 1]) {
    if (ctx.args[at] === 0n) continue;
    if (writeUserInt32(ctx.memory, argAddress(ctx, at), 0) !== 'ok') return fail('EFAULT');
  }
  return ret(0);
}

/** The rows (riscv64 numbers). */
export const SCHED_SYSCALLS: readonly SyscallEntry[] = [
  { nr: 118, name: 'sched_setparam', handler: sysSchedSetparam },
  { nr: 119, name: 'sched_setscheduler', handler: sysSchedSetscheduler },
  { nr: 120, name: 'sched_getscheduler', handler: sysSchedGetscheduler },
  { nr: 121, name: 'sched_getparam', handler: sysSchedGetparam },
  { nr: 122, name: 'sched_setaffinity', handler: sysSchedSetaffinity },
  { nr: 123, name: 'sched_getaffinity', handler: sysSchedGetaffinity },
  { nr: 125, name: 'sched_get_priority_max', handler: (ctx) => priorityBound(ctx, 99) },
  { nr: 126, name: 'sched_get_priority_min', handler: (ctx) => priorityBound(ctx, 1) },
  { nr: 127, name: 'sched_rr_get_interval', handler: sysSchedRrGetInterval },
  { nr: 168, name: 'getcpu', handler: sysGetcpu },
];
