// What generating a signal does before it is queued (Linux's
// prepare_signal and sig_ignored): a SIGCONT discards pending stop signals
// and a stop signal discards a pending SIGCONT, and a signal whose action is
// to be ignored — SIG_IGN, or SIG_DFL with an "ignore" default — is dropped
// at once unless it is blocked (a blocked signal stays pending, since the
// action may change before it is unblocked). SIGKILL is never dropped.
import { SIGNAL, sigbit, sigHas, type Disposition, type Sigset } from '@krg/epm-core';
import { defaultAction, isStopSignal } from './default-action.js';

export interface GenerationDecision {
  /** Queue the signal, or drop it as ignored. */
  readonly isQueued: boolean;
  /** Signals to discard from every pending queue of the target first. */
  readonly flush: Sigset;
}

const STOP_SET =
  sigbit(SIGNAL.SIGSTOP) | sigbit(SIGNAL.SIGTSTP) | sigbit(SIGNAL.SIGTTIN) | sigbit(SIGNAL.SIGTTOU);

export function decideGeneration(
  sig: number,
  disposition: Disposition,
  blocked: Sigset,
): GenerationDecision {
  let flush = 0n;
  if (sig === SIGNAL.SIGCONT) flush = STOP_SET;
  else if (isStopSignal(sig)) flush = sigbit(SIGNAL.SIGCONT);
  const isIgnored =
    sig !== SIGNAL.SIGKILL &&
    sig !== SIGNAL.SIGSTOP &&
    !sigHas(blocked, sig) &&
    (disposition === 'ignore' || (disposition === 'default' && defaultAction(sig) === 'ignore'));
  return { isQueued: !isIgnored, flush };
}
