// What a signal does when its disposition is SIG_DFL (signal(7)). "core"
// terminates and, with RLIMIT_CORE above 0, would dump core; krg's default
// RLIMIT_CORE is 0, as under qemu, so it terminates without the core bit.
import { SIGNAL, isValidSignal } from '@krg/epm-core';

export type DefaultAction = 'terminate' | 'core' | 'ignore' | 'stop' | 'continue';

const CORE = new Set<number>([
  SIGNAL.SIGQUIT,
  SIGNAL.SIGILL,
  SIGNAL.SIGTRAP,
  SIGNAL.SIGABRT,
  SIGNAL.SIGBUS,
  SIGNAL.SIGFPE,
  SIGNAL.SIGSEGV,
  SIGNAL.SIGXCPU,
  SIGNAL.SIGXFSZ,
  SIGNAL.SIGSYS,
]);
const IGNORE = new Set<number>([SIGNAL.SIGCHLD, SIGNAL.SIGURG, SIGNAL.SIGWINCH]);
const STOP = new Set<number>([SIGNAL.SIGSTOP, SIGNAL.SIGTSTP, SIGNAL.SIGTTIN, SIGNAL.SIGTTOU]);

export function defaultAction(sig: number): DefaultAction {
  if (!isValidSignal(sig)) throw new RangeError(`not a signal number: ${sig}`);
  if (CORE.has(sig)) return 'core';
  if (IGNORE.has(sig)) return 'ignore';
  if (STOP.has(sig)) return 'stop';
  if (sig === SIGNAL.SIGCONT) return 'continue';
  // Every other standard signal and every real-time one terminates.
  return 'terminate';
}

/** Stop signals are SIGSTOP and the terminal ones (SIG_KERNEL_STOP_MASK). */
export function isStopSignal(sig: number): boolean {
  return STOP.has(sig);
}
