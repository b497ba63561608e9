// What delivery does with the next pending signal (Linux's get_signal): the
// pure choice between running a handler, dying, stopping, or dropping it.
// The kernel carries the choice out (frames, exit, stop) at its safe points.
import { SIGACTION_SLOT, type SigactionEntry, type Task } from '@krg/epm-core';
import type { SigInfo } from '@krg/arch-riscv';
import { defaultAction } from './default-action.js';
import { dequeueSignal } from './signal-state.js';

export type SignalVerdict =
  /** Run the handler of `action` with `info`. */
  | { readonly kind: 'handler'; readonly info: SigInfo; readonly action: SigactionEntry }
  /** The default action ends the process ("core" ones too: RLIMIT_CORE 0 writes no core). */
  | { readonly kind: 'terminate'; readonly info: SigInfo; readonly isCore: boolean }
  /** The default action stops the process (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU). */
  | { readonly kind: 'stop'; readonly info: SigInfo };

/**
 * Takes pending signals off their queues until one needs acting on, or none
 * is left. Ignored signals are dropped here; a default "continue" does
 * nothing at delivery, since SIGCONT resumed the process when it was sent.
 */
export function getSignal(task: Task): SignalVerdict | undefined {
  const view = task.get(SIGACTION_SLOT);
  for (;;) {
    const info = dequeueSignal(task);
    if (info === undefined) return undefined;
    const sig = info.signo;
    const disposition = view.disposition(sig);
    if (disposition === 'ignore') continue;
    if (disposition === 'handler') return { kind: 'handler', info, action: view.action(sig) };
    const action = defaultAction(sig);
    if (action === 'ignore' || action === 'continue') continue;
    if (action === 'stop') return { kind: 'stop', info };
    return { kind: 'terminate', info, isCore: action === 'core' };
  }
}
