// Interval timers (setitimer(2)), kept in the signal object as in Linux's
// signal_struct. ITIMER_REAL counts simulated time and raises SIGALRM;
// ITIMER_VIRTUAL counts the process's user CPU time and raises SIGVTALRM;
// ITIMER_PROF counts user + system time and raises SIGPROF. A timer is an
// absolute deadline on its clock (0: disarmed) and a reload interval. The
// kernel arms the engine timer of ITIMER_REAL and checks the CPU timers
// whenever the task's CPU time moved; the rules are here.
import { SIGNAL } from '@krg/epm-core';

export const ITIMER_REAL = 0;
export const ITIMER_VIRTUAL = 1;
export const ITIMER_PROF = 2;

export interface Itimer {
  /** When it fires, on its clock, in ns; 0 when disarmed. */
  deadlineNs: number;
  /** Reload value after it fires, in ns; 0 for a one-shot timer. */
  intervalNs: number;
}

/** The three timers, indexed by ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF. */
export type Itimers = [Itimer, Itimer, Itimer];

export function newItimers(): Itimers {
  return [
    { deadlineNs: 0, intervalNs: 0 },
    { deadlineNs: 0, intervalNs: 0 },
    { deadlineNs: 0, intervalNs: 0 },
  ];
}

/** The signal each timer raises. */
export const ITIMER_SIGNAL: readonly number[] = [SIGNAL.SIGALRM, SIGNAL.SIGVTALRM, SIGNAL.SIGPROF];

/**
 * The timer's clock reached `nowNs`: true when it fired. A periodic timer
 * is reloaded past `nowNs` (the missed periods are overruns, as
 * hrtimer_forward counts them), a one-shot one disarmed.
 */
export function expireItimer(timer: Itimer, nowNs: number): boolean {
  if (timer.deadlineNs === 0 || nowNs < timer.deadlineNs) return false;
  if (timer.intervalNs === 0) {
    timer.deadlineNs = 0;
  } else {
    const periods = Math.floor((nowNs - timer.deadlineNs) / timer.intervalNs) + 1;
    timer.deadlineNs += periods * timer.intervalNs;
  }
  return true;
}
