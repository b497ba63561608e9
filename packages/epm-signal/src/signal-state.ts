// The signal state of a task: what Linux keeps in task_struct (blocked mask,
// private pending queue, the alternate stack, the mask sigsuspend saved) and
// in signal_struct (shared pending queue, rlimits, interval timers). The
// `signal` KDDM object (keyed by TGID) will hold the shared part; until
// then both live here, in the task's slot.
import {
  SIGACTION_SLOT,
  TaskSlot,
  isRealtime,
  sanitizeMask,
  sigDel,
  sigHas,
  type Sigset,
  type Task,
  type TaskHooks,
} from '@krg/epm-core';
import {
  NO_ALT_STACK,
  SI_KERNEL,
  SI_TKILL,
  SI_USER,
  type AltStack,
  type SigInfo,
} from '@krg/arch-riscv';
import { decideGeneration } from './generation.js';
import { newItimers, type Itimers } from './itimers.js';
import { nextSignal } from './next-signal.js';
import { RLIMITS_DEFAULT, RLIMIT_SIGPENDING, type Rlimit } from './rlimits.js';
import { SigPending } from './sigpending.js';
import { SIGNALS_QUEUED_MAX } from './limits.js';

export interface SignalState {
  blocked: Sigset;
  /** Signals sent to this thread (tkill, tgkill, faults). */
  readonly pending: SigPending;
  /** Signals sent to the thread group (kill). */
  readonly sharedPending: SigPending;
  /** RLIMIT_* by resource number: soft and hard limits (RLIM_INFINITY as 2^64−1). */
  readonly rlimits: Rlimit[];
  /** sigaltstack's setting (size 0: disabled). */
  altStack: AltStack;
  /**
   * The mask to restore when the call that replaced it returns (Linux's
   * saved_sigmask with TIF_RESTORE_SIGMASK: rt_sigsuspend); a handler frame
   * saves this one instead of the temporary mask.
   */
  savedMask: Sigset | undefined;
  /**
   * Blocked signals a sleeping rt_sigtimedwait waits for: their arrival wakes
   * the task though they stay blocked. Set by each attempt of the call, so a
   * ghost need not carry it.
   */
  waitSet: Sigset;
  readonly itimers: Itimers;
}

export const SIGNAL_SLOT = new TaskSlot<SignalState>('signal');

export function newSignalState(): SignalState {
  return {
    blocked: 0n,
    pending: new SigPending(),
    sharedPending: new SigPending(),
    rlimits: RLIMITS_DEFAULT.map((r) => ({ ...r })),
    altStack: NO_ALT_STACK,
    savedMask: undefined,
    waitSet: 0n,
    itimers: newItimers(),
  };
}

/**
 * A forked child's signal state: the mask, limits and alternate stack are
 * inherited; pending signals and interval timers are not (fork(2)).
 */
export function forkSignalState(parent: SignalState): SignalState {
  return {
    ...newSignalState(),
    blocked: parent.blocked,
    rlimits: parent.rlimits.map((r) => ({ ...r })),
    altStack: parent.altStack,
  };
}

export interface Generation {
  readonly sig: number;
  readonly code: number;
  readonly senderPid: number;
  readonly senderUid: number;
  /** tkill/tgkill and faults target the thread; kill targets the group. */
  readonly isThreadDirected: boolean;
  /** The full siginfo when it is not a plain kill's (sigqueue values, SIGCHLD, timers). */
  readonly info?: SigInfo;
}

/**
 * What generating a signal did: queued (or coalesced with a pending
 * instance), ignored (dropped at once), or refused as an overflow — a
 * real-time signal beyond RLIMIT_SIGPENDING sent by sigqueue or tkill, whose
 * sender gets EAGAIN.
 */
export type GenerationResult = 'queued' | 'ignored' | 'overflow';

/**
 * Generates a signal for `task` (Linux's __send_signal_locked): applies the
 * generation rules and queues it. A real-time signal beyond
 * RLIMIT_SIGPENDING is refused ('overflow') when it carries a sender's
 * siginfo other than kill's; kill's (SI_USER) and the kernel's own
 * (SI_KERNEL) are still sent but lose their info, as Linux sets the pending
 * bit without a queue entry: if an instance is pending already nothing more
 * is queued, else one whose si_pid and si_uid are 0 (what collect_signal
 * reports for a bit without an entry).
 */
export function generateSignal(task: Task, g: Generation): GenerationResult {
  const state = task.get(SIGNAL_SLOT);
  const decision = decideGeneration(
    g.sig,
    task.get(SIGACTION_SLOT).disposition(g.sig),
    state.blocked,
  );
  state.pending.flush(decision.flush);
  state.sharedPending.flush(decision.flush);
  if (!decision.isQueued) return 'ignored';
  const info: SigInfo = g.info ?? {
    kind: 'kill',
    signo: g.sig,
    code: g.isThreadDirected && g.code === SI_USER ? SI_TKILL : g.code,
    pid: g.senderPid,
    uid: g.senderUid,
  };
  const queue = g.isThreadDirected ? state.pending : state.sharedPending;
  if (isRealtime(g.sig) && queuedSignals(state) >= sigpendingLimit(state)) {
    if (info.code !== SI_USER && info.code !== SI_KERNEL) return 'overflow';
    if (!queue.has(g.sig) && queuedSignals(state) < SIGNALS_QUEUED_MAX)
      queue.enqueue({ kind: 'kill', signo: g.sig, code: SI_USER, pid: 0, uid: 0 });
    return 'queued';
  }
  queue.enqueue(info);
  return 'queued';
}

/** RLIMIT_SIGPENDING's soft value, bounded by SIGNALS_QUEUED_MAX. */
export function sigpendingLimit(state: SignalState): number {
  const soft = state.rlimits[RLIMIT_SIGPENDING]!.soft;
  return soft < BigInt(SIGNALS_QUEUED_MAX) ? Number(soft) : SIGNALS_QUEUED_MAX;
}

/** Queued siginfos of the task (what RLIMIT_SIGPENDING bounds). */
export function queuedSignals(state: SignalState): number {
  return state.pending.queued + state.sharedPending.queued;
}

/**
 * A signal the task cannot escape (Linux's force_sig_info: faults, a bad
 * frame): if it is blocked or ignored, its action goes back to SIG_DFL and
 * it is unblocked; then it is queued on the task's private queue.
 */
export function forceSignal(task: Task, info: SigInfo): void {
  const state = task.get(SIGNAL_SLOT);
  const view = task.get(SIGACTION_SLOT);
  const sig = info.signo;
  const isBlocked = sigHas(state.blocked, sig);
  if (isBlocked || view.disposition(sig) === 'ignore') {
    view.resetToDefault(sig);
    if (isBlocked) state.blocked = sigDel(state.blocked, sig);
  }
  state.pending.enqueue(info);
}

/** The next signal to deliver, taken off its queue (private before shared), or undefined. */
export function dequeueSignal(task: Task): SigInfo | undefined {
  const state = task.get(SIGNAL_SLOT);
  return state.pending.dequeue(state.blocked) ?? state.sharedPending.dequeue(state.blocked);
}

/**
 * True when a sleeping task must wake for a signal: one is pending and not
 * blocked, or blocked but waited for by rt_sigtimedwait.
 */
export function hasDeliverableSignal(task: Task): boolean {
  const state = task.get(SIGNAL_SLOT);
  const pending = state.pending.set | state.sharedPending.set;
  return nextSignal(pending, state.blocked) !== 0 || (pending & state.waitSet) !== 0n;
}

/** True when a pending signal is not blocked: a blocked call that sleeps is interrupted. */
export function hasUnblockedSignal(task: Task): boolean {
  const state = task.get(SIGNAL_SLOT);
  return nextSignal(state.pending.set | state.sharedPending.set, state.blocked) !== 0;
}

/** Sets the blocked mask, never blocking SIGKILL or SIGSTOP. */
export function setBlocked(state: SignalState, mask: Sigset): void {
  state.blocked = sanitizeMask(mask);
}

/**
 * Returning to user space without running a handler: a mask a call replaced
 * (rt_sigsuspend) comes back (Linux's restore_saved_sigmask).
 */
export function restoreSavedMask(task: Task): void {
  const state = task.get(SIGNAL_SLOT);
  if (state.savedMask === undefined) return;
  state.blocked = state.savedMask;
  state.savedMask = undefined;
}

/** epm-signal's task hooks: a child inherits the mask and limits, not the pending signals. */
export const SIGNAL_HOOKS: TaskHooks = {
  name: 'signal',
  fork(parent, child) {
    child.set(SIGNAL_SLOT, forkSignalState(parent.get(SIGNAL_SLOT)));
  },
  unfork(child) {
    child.delete(SIGNAL_SLOT);
  },
  exec(task) {
    // execve(2): the alternate stack is gone with the old image; the mask,
    // pending signals and interval timers stay.
    const state = task.get(SIGNAL_SLOT);
    state.altStack = NO_ALT_STACK;
  },
  release() {
    // Pending signals die with the task; nothing is shared yet.
  },
};
