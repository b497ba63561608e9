// sighand_struct: the 64 signal actions of a process (shared by threads
// created with CLONE_SIGHAND; a fork copies them), with their sharing count.
// It implements epm-core's SigactionView, through which epm-signal and the
// kernel read dispositions without importing this package.
import {
  SA,
  SIGACTION_SLOT,
  SIGNAL,
  TaskSlot,
  type Disposition,
  type SigactionView,
  type Task,
  type TaskHooks,
} from '@krg/epm-core';

/** sa_handler values with a meaning of their own. */
export const SIG_DFL = 0n;
export const SIG_IGN = 1n;

/** sa_flags bits (asm-generic; epm-core's SA holds them for every subsystem). */
export const SA_NOCLDSTOP = SA.NOCLDSTOP;
export const SA_NOCLDWAIT = SA.NOCLDWAIT;
export const SA_SIGINFO = SA.SIGINFO;
export const SA_ONSTACK = SA.ONSTACK;
export const SA_RESTART = SA.RESTART;
export const SA_NODEFER = SA.NODEFER;
export const SA_RESETHAND = SA.RESETHAND;
export const SA_RESTORER = SA.RESTORER;
const SA_KNOWN =
  SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;

export interface Sigaction {
  /** SIG_DFL, SIG_IGN or a handler address. */
  readonly handler: bigint;
  readonly flags: number;
  readonly mask: bigint;
}

const DEFAULT_ACTION: Sigaction = Object.freeze({ handler: SIG_DFL, flags: 0, mask: 0n });

export class Sighand implements SigactionView {
  // Index = signal number − 1.
  readonly #actions: Sigaction[] = new Array<Sigaction>(64).fill(DEFAULT_ACTION);
  /** Tasks sharing this table (Kerrighed's sighand count). */
  sharers = 1;

  action(sig: number): Sigaction {
    return this.#actions[sig - 1]!;
  }

  setAction(sig: number, action: Sigaction): void {
    this.#actions[sig - 1] = { ...action, flags: action.flags & (SA_KNOWN | SA_RESTORER) };
  }

  resetToDefault(sig: number): void {
    this.#actions[sig - 1] = { ...this.action(sig), handler: SIG_DFL };
  }

  disposition(sig: number): Disposition {
    const h = this.action(sig).handler;
    return h === SIG_DFL ? 'default' : h === SIG_IGN ? 'ignore' : 'handler';
  }

  /** fork without CLONE_SIGHAND: an independent copy. */
  copy(): Sighand {
    const c = new Sighand();
    for (let sig = 1; sig <= 64; sig++) c.#actions[sig - 1] = this.#actions[sig - 1]!;
    return c;
  }

  /** execve: handled signals go back to SIG_DFL; ignored ones stay ignored (POSIX). */
  resetForExec(): void {
    for (let sig = 1; sig <= 64; sig++) {
      const a = this.#actions[sig - 1]!;
      if (a.handler !== SIG_DFL && a.handler !== SIG_IGN) this.#actions[sig - 1] = DEFAULT_ACTION;
    }
  }

  /** Plain image for the ghost section (index = signal − 1). */
  toImage(): Sigaction[] {
    return [...this.#actions];
  }
}

export const SIGHAND_SLOT = new TaskSlot<Sighand>('sighand');

/** Signals whose action can never be changed. */
export function isUncatchable(sig: number): boolean {
  return sig === SIGNAL.SIGKILL || sig === SIGNAL.SIGSTOP;
}

/** Installs a sighand table in a task, where epm-core's sigaction view also finds it. */
export function setSighand(task: Task, table: Sighand): void {
  task.set(SIGHAND_SLOT, table);
  task.set(SIGACTION_SLOT, table);
}

/** epm-sighand's task hooks: fork copies the actions; exec resets handled signals. */
export const SIGHAND_HOOKS: TaskHooks = {
  name: 'sighand',
  fork(parent, child) {
    setSighand(child, parent.get(SIGHAND_SLOT).copy());
  },
  unfork(child) {
    child.delete(SIGHAND_SLOT);
    child.delete(SIGACTION_SLOT);
  },
  exec(task) {
    task.get(SIGHAND_SLOT).resetForExec();
  },
  release() {
    // The table is not shared (no CLONE_SIGHAND yet): it goes with the task.
  },
};
