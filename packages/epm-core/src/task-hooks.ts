// The ordered registry of per-subsystem task hooks (Linux's copy_process
// calling copy_mm, copy_files, copy_signal, copy_sighand; exit releasing
// them in reverse). Each subsystem registers what it does on fork, exec and
// exit for its own slot; epm-core runs them in reference order and never
// imports a subsystem. A failing fork hook unwinds the hooks that already
// ran, in reverse, so a failed fork leaves nothing behind.
import { SectionRegistrationInvalid } from './errors.js';
import { SECTION_ORDER, type SectionName } from './ghost-section.js';
import type { Task } from './task.js';

/** What changed in a live task's shared fields (the task and children objects follow). */
export type TaskChange =
  /** execve replaced the program (comm). */
  | { readonly kind: 'exec' }
  /** prctl(PR_SET_NAME) renamed the task (comm). */
  | { readonly kind: 'comm' }
  /** setpgid or setsid changed the process group or session. */
  | { readonly kind: 'ids' }
  /** The parent exited and the task went to its node's init; `from` is the old parent. */
  | { readonly kind: 'reparent'; readonly from: number }
  /** The task exited and is a zombie now (exit status set). */
  | { readonly kind: 'exit' };

export interface TaskHooks {
  /** The ghost section of the same subsystem: it fixes the hook's place in the order. */
  readonly name: SectionName;
  /** Fills the child's slot from the parent's (a copy, or a shared reference). May throw to refuse. */
  fork(parent: Task, child: Task, cloneFlags: number): void;
  /** Undoes `fork` for a child that will never run (a later hook failed). */
  unfork(child: Task): void;
  /** execve succeeded: adjust the slot for the new program (close-on-exec fds, handlers reset, …). */
  exec?(task: Task): void;
  /** The task exited: release what the slot holds. */
  release(task: Task): void;
  /**
   * The task joined its node's table (started, a forked child admitted, an
   * import): publish what it shares with the cluster (its KDDM objects).
   */
  enter?(task: Task): void;
  /** Shared fields of a task in the table changed. */
  changed?(task: Task, change: TaskChange): void;
  /** The task was reaped (or vanished from the table): what it published leaves the cluster. */
  reap?(task: Task): void;
}

export class TaskHookRegistry {
  readonly #byName = new Map<SectionName, TaskHooks>();
  /** The hooks in reference order, and reversed: every lifecycle event walks one of them. */
  #inOrder: readonly TaskHooks[] = [];
  #inReverse: readonly TaskHooks[] = [];

  register(hooks: TaskHooks): void {
    if (this.#byName.has(hooks.name))
      throw new SectionRegistrationInvalid(hooks.name, 'task hooks already registered');
    this.#byName.set(hooks.name, hooks);
    this.#inOrder = SECTION_ORDER.flatMap((name) => {
      const h = this.#byName.get(name);
      return h === undefined ? [] : [h];
    });
    this.#inReverse = [...this.#inOrder].reverse();
  }

  /** Registered hooks in reference order. */
  ordered(): TaskHooks[] {
    return [...this.#inOrder];
  }

  fork(parent: Task, child: Task, cloneFlags: number): void {
    const done: TaskHooks[] = [];
    try {
      for (const h of this.#inOrder) {
        h.fork(parent, child, cloneFlags);
        done.push(h);
      }
    } catch (e) {
      for (const h of done.reverse()) h.unfork(child);
      throw e;
    }
  }

  exec(task: Task): void {
    for (const h of this.#inOrder) h.exec?.(task);
  }

  release(task: Task): void {
    for (const h of this.#inReverse) h.release(task);
  }

  enter(task: Task): void {
    for (const h of this.#inOrder) h.enter?.(task);
  }

  changed(task: Task, change: TaskChange): void {
    for (const h of this.#inOrder) h.changed?.(task, change);
  }

  reap(task: Task): void {
    for (const h of this.#inReverse) h.reap?.(task);
  }
}
