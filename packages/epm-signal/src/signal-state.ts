// The signal state of a task: what Linux keeps in task_struct (blocked mask,
// private pending queue) and in signal_struct (shared pending queue,
// rlimits). The `signal` KDDM object (keyed by TGID) will hold the shared
// part; until the signals issue, both live here, in the task's slot.
import {
  SIGACTION_SLOT,
  TaskSlot,
  sanitizeMask,
  type Sigset,
  type Task,
  type TaskHooks,
} from '@krg/epm-core';
import { SI_TKILL, SI_USER, type SigInfo } from '@krg/arch-riscv';
import { decideGeneration } from './generation.js';
import { nextSignal } from './next-signal.js';
import { RLIMITS_DEFAULT, type Rlimit } from './rlimits.js';
import { SigPending } from './sigpending.js';

export interface SignalState {
  blocked: Sigset;
  /** Signals sent to this thread (tkill, tgkill, faults). */
  readonly pending: SigPending;
  /** Signals sent to the thread group (kill). */
  readonly sharedPending: SigPending;
  /** RLIMIT_* by resource number: soft and hard limits (RLIM_INFINITY as 2^64−1). */
  readonly rlimits: Rlimit[];
}

export const SIGNAL_SLOT = new TaskSlot<SignalState>('signal');

export function newSignalState(): SignalState {
  return {
    blocked: 0n,
    pending: new SigPending(),
    sharedPending: new SigPending(),
    rlimits: RLIMITS_DEFAULT.map((r) => ({ ...r })),
  };
}

/** A forked child's signal state: the mask and limits are inherited, pending signals are not. */
export function forkSignalState(parent: SignalState): SignalState {
  return {
    ...newSignalState(),
    blocked: parent.blocked,
    rlimits: parent.rlimits.map((r) => ({ ...r })),
  };
}

export interface Generation {
  readonly sig: number;
  readonly code: number;
  readonly senderPid: number;
  readonly senderUid: number;
  /** tkill/tgkill and faults target the thread; kill targets the group. */
  readonly isThreadDirected: boolean;
}

/**
 * Generates a signal for `task` (Linux's send_signal): applies the
 * generation rules and queues it. Returns whether it was queued.
 */
export function generateSignal(task: Task, g: Generation): boolean {
  const state = task.get(SIGNAL_SLOT);
  const decision = decideGeneration(
    g.sig,
    task.get(SIGACTION_SLOT).disposition(g.sig),
    state.blocked,
  );
  state.pending.flush(decision.flush);
  state.sharedPending.flush(decision.flush);
  if (!decision.isQueued) return false;
  const info: SigInfo = {
    kind: 'kill',
    signo: g.sig,
    code: g.isThreadDirected && g.code === SI_USER ? SI_TKILL : g.code,
    pid: g.senderPid,
    uid: g.senderUid,
  };
  (g.isThreadDirected ? state.pending : state.sharedPending).enqueue(info);
  return true;
}

/** The next signal to deliver, taken off its queue (private before shared), or undefined. */
export function dequeueSignal(task: Task): SigInfo | undefined {
  const state = task.get(SIGNAL_SLOT);
  return state.pending.dequeue(state.blocked) ?? state.sharedPending.dequeue(state.blocked);
}

/** True when a signal is pending and not blocked (the task must not keep sleeping). */
export function hasDeliverableSignal(task: Task): boolean {
  const state = task.get(SIGNAL_SLOT);
  return nextSignal(state.pending.set | state.sharedPending.set, state.blocked) !== 0;
}

/** Sets the blocked mask, never blocking SIGKILL or SIGSTOP. */
export function setBlocked(state: SignalState, mask: Sigset): void {
  state.blocked = sanitizeMask(mask);
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
  release() {
    // Pending signals die with the task; nothing is shared yet.
  },
};
