// What the scheduler keeps per task between slices: a system call to run
// again after a wake-up, and the registrations that wake it.
import type { SyscallEntry } from '@krg/epm-core';
import { TaskSlot } from '@krg/epm-core';
import type { AbsentPage, PageHold } from '@krg/mm-ghost';
import type { Timer } from '@krg/sim-engine';

export interface TaskRuntime {
  /** A blocked system call: run its handler again when the task is next scheduled. */
  pendingSyscall:
    | { readonly entry: SyscallEntry; readonly args: readonly bigint[]; readonly progress: number }
    | undefined;
  /** Cancels the wait-queue registrations and the timer of a sleeping task. */
  cancelWaits: (() => void)[];
  timer: Timer | undefined;
  /** What the task sleeps on, for deadlock reports ("read on a pipe"). */
  waitingFor: string;
  /** A requested freeze (checkpoint, migration): stop at the next safe point, or at an instruction count. */
  freezeRequest:
    | { readonly atInstret: number | undefined; readonly settle: (r: 'frozen' | 'exited') => void }
    | undefined;
  /** Frozen: never scheduled until thawed; its state is consistent for export. */
  isFrozen: boolean;
  /**
   * Pages a fault (an instruction's, or a system call's user copy) waits
   * for while the task sleeps: brought in by a background job, so the
   * node's CPU runs other tasks meanwhile. `isStarted` once the job runs.
   */
  pageWait: { readonly pages: readonly AbsentPage[]; isStarted: boolean } | undefined;
  /** The pages that job brought in, held until the access that faulted has run. */
  pageHold: PageHold | undefined;
  /** Fault rounds in a row whose pages KDDM could not bring (their owner crashed). */
  pageFailures: number;
}

export const RUNTIME_SLOT = new TaskSlot<TaskRuntime>('runtime');

export function newRuntime(): TaskRuntime {
  return {
    pendingSyscall: undefined,
    cancelWaits: [],
    timer: undefined,
    waitingFor: '',
    freezeRequest: undefined,
    isFrozen: false,
    pageWait: undefined,
    pageHold: undefined,
    pageFailures: 0,
  };
}
