// Per-task accounting (Linux's task_struct times and counters): what times,
// getrusage, wait4's rusage and `krg exec --stats` report.
import { TaskSlot } from './task-slot.js';

export interface TaskAccounting {
  /** set_tid_address: where exit writes 0 and wakes a futex. */
  clearChildTid: number;
  /** set_robust_list: the head the guest registered (no threads: never walked). */
  robustListHead: number;
  /** Instructions retired. */
  instret: number;
  /** Simulated ns on a CPU in user mode, and in system calls. */
  userNs: number;
  systemNs: number;
  /** Simulated instant the task was created. */
  startNs: number;
  /** Times of reaped children (RUSAGE_CHILDREN, times' cutime/cstime). */
  childUserNs: number;
  childSystemNs: number;
  /** Largest resident set seen, in pages. */
  maxResidentPages: number;
  /** System calls by name, and unimplemented ones by number. */
  readonly syscalls: Map<string, number>;
  readonly enosys: Map<number, number>;
  /** The path the task was exec'd from (/proc/self/exe). */
  exePath: string;
}

export const ACCOUNTING_SLOT = new TaskSlot<TaskAccounting>('accounting');

export function newAccounting(startNs: number, exePath: string): TaskAccounting {
  return {
    clearChildTid: 0,
    robustListHead: 0,
    instret: 0,
    userNs: 0,
    systemNs: 0,
    startNs,
    childUserNs: 0,
    childSystemNs: 0,
    maxResidentPages: 0,
    syscalls: new Map(),
    enosys: new Map(),
    exePath,
  };
}
