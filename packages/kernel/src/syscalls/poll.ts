// ppoll and pselect6: wait until descriptors are ready, a deadline passes or
// a signal with a handler arrives (riscv64 has no poll or select; glibc
// builds them, and pause(), on these two). Both follow Linux's order of
// checks — timeout, signal mask, then the descriptors — and Linux's
// results: ppoll reports POLLNVAL for a closed descriptor, pselect6 fails
// with EBADF; both write the time left back into the caller's timespec and
// ignore a fault doing so, as Linux does.
//
// A call blocks on the wait queues of every polled file and re-runs from
// scratch when woken (the syscall contract); the deadline travels as the
// call's progress so a retry never waits longer. The temporary signal mask
// is installed only when the call is about to sleep, and put back before
// any return but EINTR — so a signal it unblocks is delivered only if it
// interrupts the wait, exactly Linux's restore_saved_sigmask_unless().
import {
  argAddress,
  argInt,
  argUint,
  block,
  fail,
  readUserTimespec,
  ret,
  sanitizeMask,
  type ErrnoName,
  type SyscallContext,
  type SyscallEntry,
  type SyscallOutcome,
  type WaitQueue,
} from '@krg/epm-core';
import { SIGNAL_SLOT, readSigsetArg, restoreSavedMask } from '@krg/epm-signal';
import {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
  POLLRDBAND,
  POLLRDNORM,
  POLLWRBAND,
  POLLWRNORM,
  pollReadiness,
} from '../files/poll-readiness.js';
import { FILES_SLOT } from '../process/task-slots.js';

const NS_PER_SECOND = 1_000_000_000;
const POLLFD_BYTES = 8;
const SIGSET_ARGPACK_BYTES = 16;
const SIGSET_BYTES = 8;
/** select(2)'s readiness classes (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
const SELECT_IN = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const SELECT_OUT = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const SELECT_EX = POLLPRI;

/** When the call gives up: undefined waits for ever; set on the first attempt. */
type Deadline = number | undefined;

/** One attempt's verdict: ready (or timed out) with a result, or keep waiting on these queues. */
type Attempt =
  | { readonly kind: 'done'; readonly count: number }
  | { readonly kind: 'wait'; readonly queues: readonly WaitQueue[] };

function deadlineFrom(ctx: SyscallContext, at: number): Deadline | ErrnoName {
  if (ctx.args[at] === 0n) return undefined;
  const ns = readUserTimespec(ctx.memory, argAddress(ctx, at));
  if (typeof ns === 'string') return ns;
  const deadline = BigInt(ctx.nowNs) + ns;
  return deadline > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(deadline);
}

/** Writes the time left into the caller's timespec (not for a zero timeout; a fault is ignored). */
function writeTimeLeft(ctx: SyscallContext, at: number, deadline: number): void {
  const address = argAddress(ctx, at);
  if (address === undefined) return;
  const leftNs = Math.max(0, deadline - ctx.nowNs);
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, BigInt(Math.floor(leftNs / NS_PER_SECOND)), true);
  v.setBigInt64(8, BigInt(leftNs % NS_PER_SECOND), true);
  ctx.memory.writeUser(address, out);
}

/**
 * The shared loop of both calls: `attempt` checks the descriptors once (and
 * writes results when it says done). First attempt: read timeout and mask;
 * later attempts carry the deadline in `ctx.progress`.
 */
function pollLoop(
  ctx: SyscallContext,
  timeoutAt: number,
  readMask: () => bigint | undefined | ErrnoName,
  attempt: (mayWait: boolean) => Attempt | ErrnoName,
): SyscallOutcome {
  const state = ctx.task.get(SIGNAL_SLOT);
  let deadline: Deadline;
  let isZeroTimeout = false;
  let mask: bigint | undefined;
  if (ctx.isRetry) {
    deadline = ctx.args[timeoutAt] === 0n ? undefined : ctx.progress;
  } else {
    const d = deadlineFrom(ctx, timeoutAt);
    if (typeof d === 'string') return fail(d);
    deadline = d;
    isZeroTimeout = deadline !== undefined && deadline <= ctx.nowNs;
    const m = readMask();
    if (typeof m === 'string') return fail(m);
    mask = m;
  }
  const isExpired = deadline !== undefined && ctx.nowNs >= deadline;
  const r = attempt(!isExpired);
  if (typeof r === 'string' || r.kind === 'done') {
    if (ctx.isRetry) restoreSavedMask(ctx.task);
    if (deadline !== undefined && !isZeroTimeout) writeTimeLeft(ctx, timeoutAt, deadline);
    return typeof r === 'string' ? fail(r) : ret(r.count);
  }
  if (mask !== undefined) {
    state.savedMask = state.blocked;
    state.blocked = sanitizeMask(mask);
  }
  return block(r.queues, deadline === undefined ? {} : { untilNs: deadline, progress: deadline });
}

function sysPpoll(ctx: SyscallContext): SyscallOutcome {
  return pollLoop(
    ctx,
    2,
    () => (ctx.args[3] === 0n ? undefined : readSigsetArg(ctx, 3, 4)),
    (mayWait) => pollOnce(ctx, mayWait),
  );
}

/** ppoll(fds, nfds, …): one pass over the pollfd array. */
function pollOnce(ctx: SyscallContext, mayWait: boolean): Attempt | ErrnoName {
  const nfds = argUint(ctx, 1);
  const files = ctx.task.get(FILES_SLOT);
  if (nfds > files.limit) return 'EINVAL';
  if (nfds === 0) return mayWait ? { kind: 'wait', queues: [] } : { kind: 'done', count: 0 };
  const address = argAddress(ctx, 0);
  const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, nfds * POLLFD_BYTES);
  if (raw === 'EFAULT') return 'EFAULT';
  const fds = new Uint8Array(raw);
  const view = new DataView(fds.buffer);
  const queues = new Set<WaitQueue>();
  let count = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = view.getInt32(i * POLLFD_BYTES, true);
    const wanted = view.getUint16(i * POLLFD_BYTES + 4, true);
    let revents = 0;
    if (fd >= 0) {
      const entry = files.get(fd);
      if (entry === undefined) revents = POLLNVAL;
      else {
        const r = pollReadiness(entry.file);
        revents = r.events & (wanted | POLLERR | POLLHUP);
        for (const q of r.queues) queues.add(q);
      }
    }
    view.setUint16(i * POLLFD_BYTES + 6, revents, true);
    if (revents !== 0) count++;
  }
  if (count === 0 && mayWait) return { kind: 'wait', queues: [...queues] };
  return ctx.memory.writeUser(address ?? -1, fds) === 'ok' ? { kind: 'done', count } : 'EFAULT';
}

function sysPselect6(ctx: SyscallContext): SyscallOutcome {
  return pollLoop(
    ctx,
    4,
    () => readSigsetArgpack(ctx, 5),
    (mayWait) => selectOnce(ctx, mayWait),
  );
}

/** pselect6's sixth argument: a pointer to { const sigset_t *ss; size_t ss_len }. */
function readSigsetArgpack(ctx: SyscallContext, at: number): bigint | undefined | ErrnoName {
  if (ctx.args[at] === 0n) return undefined;
  const address = argAddress(ctx, at);
  const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, SIGSET_ARGPACK_BYTES);
  if (raw === 'EFAULT') return 'EFAULT';
  const v = new DataView(raw.buffer, raw.byteOffset, SIGSET_ARGPACK_BYTES);
  const set = v.getBigUint64(0, true);
  if (set === 0n) return undefined;
  if (v.getBigUint64(8, true) !== BigInt(SIGSET_BYTES)) return 'EINVAL';
  if (set > BigInt(Number.MAX_SAFE_INTEGER)) return 'EFAULT';
  const mask = ctx.memory.readUser(Number(set), SIGSET_BYTES);
  if (mask === 'EFAULT') return 'EFAULT';
  return new DataView(mask.buffer, mask.byteOffset, SIGSET_BYTES).getBigUint64(0, true);
}

/**
 * How many descriptors select looks at: Linux clamps `nfds` to the size of
 * the process's fd array (64 slots, then powers of two from 128), so bits
 * beyond it are ignored rather than EBADF.
 */
function selectableFds(ctx: SyscallContext, nfds: number): number {
  const highest = ctx.task.get(FILES_SLOT).highestFd;
  let size = 64;
  if (highest >= 64) {
    size = 128;
    while (size <= highest) size *= 2;
  }
  return Math.min(nfds, size);
}

/** pselect6(nfds, readfds, writefds, exceptfds, …): one pass over the three bit sets. */
function selectOnce(ctx: SyscallContext, mayWait: boolean): Attempt | ErrnoName {
  const nfdsArg = argInt(ctx, 0);
  if (nfdsArg < 0) return 'EINVAL';
  const n = selectableFds(ctx, nfdsArg);
  const bytes = Math.ceil(n / 64) * 8;
  const sets: (Uint8Array | undefined)[] = [];
  for (const at of [1, 2, 3]) {
    if (ctx.args[at] === 0n || bytes === 0) {
      sets.push(undefined);
      continue;
    }
    const address = argAddress(ctx, at);
    const raw = address === undefined ? 'EFAULT' : ctx.memory.readUser(address, bytes);
    if (raw === 'EFAULT') return 'EFAULT';
    sets.push(raw);
  }
  const [inSet, outSet, exSet] = sets;
  const results = sets.map((s) => (s === undefined ? undefined : new Uint8Array(s.length)));
  const files = ctx.task.get(FILES_SLOT);
  const queues = new Set<WaitQueue>();
  const isSet = (s: Uint8Array | undefined, fd: number): boolean =>
    s !== undefined && ((s[fd >> 3] ?? 0) & (1 << (fd & 7))) !== 0;
  /** Sets `fd`'s bit in result set `i`; one more ready descriptor-class. */
  const mark = (i: number, fd: number): number => {
    const r = results[i];
    if (r !== undefined) r[fd >> 3] = (r[fd >> 3] ?? 0) | (1 << (fd & 7));
    return 1;
  };
  let count = 0;
  for (let fd = 0; fd < n; fd++) {
    const wantsIn = isSet(inSet, fd);
    const wantsOut = isSet(outSet, fd);
    const wantsEx = isSet(exSet, fd);
    if (!wantsIn && !wantsOut && !wantsEx) continue;
    const entry = files.get(fd);
    if (entry === undefined) return 'EBADF';
    const r = pollReadiness(entry.file);
    for (const q of r.queues) queues.add(q);
    if (wantsIn && (r.events & SELECT_IN) !== 0) count += mark(0, fd);
    if (wantsOut && (r.events & SELECT_OUT) !== 0) count += mark(1, fd);
    if (wantsEx && (r.events & SELECT_EX) !== 0) count += mark(2, fd);
  }
  if (count === 0 && mayWait) return { kind: 'wait', queues: [...queues] };
  for (const [i, at] of [1, 2, 3].entries()) {
    const r = results[i];
    if (r === undefined) continue;
    if (ctx.memory.writeUser(argAddress(ctx, at) ?? -1, r) !== 'ok') return 'EFAULT';
  }
  return { kind: 'done', count };
}

/** Interrupted by a handler: EINTR, with the time left written back as Linux does. */
function timeLeftOnInterrupt(timeoutAt: number) {
  return (ctx: SyscallContext): bigint | undefined => {
    if (ctx.args[timeoutAt] !== 0n) writeTimeLeft(ctx, timeoutAt, ctx.progress);
    return undefined;
  };
}

/** The rows (riscv64 numbers). */
export const POLL_SYSCALLS: readonly SyscallEntry[] = [
  {
    nr: 72,
    name: 'pselect6',
    handler: sysPselect6,
    onHandler: 'eintr',
    interrupted: timeLeftOnInterrupt(4),
  },
  {
    nr: 73,
    name: 'ppoll',
    handler: sysPpoll,
    onHandler: 'eintr',
    interrupted: timeLeftOnInterrupt(2),
  },
];
