// A task: one process of the cluster, as epm-core models it (Kerrighed's
// task_struct fields that the `task` KDDM object shares, reference §1.2 and
// §7). Fields are grouped by who may change them. Per-subsystem state lives
// in typed slots (task-slot.ts).
import { assert } from './assert.js';
import type { WaitStatus } from './abi/wait-status.js';
import type { TaskSlot } from './task-slot.js';

/** Linux's task states, as ps shows them (R, S, T, Z) plus dead (reaped). */
export type TaskState = 'running' | 'sleeping' | 'stopped' | 'zombie' | 'dead';

export interface Credentials {
  readonly uid: number;
  readonly euid: number;
  readonly gid: number;
  readonly egid: number;
}

export const ROOT_CREDENTIALS: Credentials = { uid: 0, euid: 0, gid: 0, egid: 0 };

export class Task {
  // Immutable after creation (or import).
  readonly pid: number;
  /** Thread group id: single-threaded tasks have tgid = pid. */
  readonly tgid: number;

  // Changed by the owning node under the task object's write lock.
  /** The node the task runs on (Kerrighed's task_obj->node): how any node finds it. */
  node: number;
  state: TaskState = 'running';
  /** Parent's pid (real parent; krg has no ptrace, so parent = real parent). */
  parentPid: number;
  pgid: number;
  sid: number;
  credentials: Credentials;
  /** The program's name (the last component of the exec'd path, 15 bytes max as Linux's comm). */
  comm: string;
  /** Set when the task exits; read by wait4. */
  exitStatus: WaitStatus | undefined = undefined;
  /**
   * A stop or continue of the task that wait4 has not reported yet
   * (WUNTRACED, WCONTINUED); a later one replaces it, as on Linux.
   */
  jobControl: Extract<WaitStatus, { kind: 'stopped' | 'continued' }> | undefined = undefined;
  /** Signal sent to the parent at exit (SIGCHLD for fork, 0 for none). */
  exitSignal: number;
  /** The task called execve since fork (setpgid by the parent is then EACCES). */
  hasExeced = false;
  /** The nice value (−20…19; setpriority): kept across fork, exec and checkpoint. */
  nice = 0;

  readonly #slots = new Map<TaskSlot<unknown>, unknown>();

  constructor(init: {
    pid: number;
    tgid?: number;
    node: number;
    parentPid: number;
    pgid: number;
    sid: number;
    credentials: Credentials;
    comm: string;
    exitSignal: number;
  }) {
    this.pid = init.pid;
    this.tgid = init.tgid ?? init.pid;
    this.node = init.node;
    this.parentPid = init.parentPid;
    this.pgid = init.pgid;
    this.sid = init.sid;
    this.credentials = init.credentials;
    this.comm = init.comm.slice(0, 15);
    this.exitSignal = init.exitSignal;
  }

  /** The subsystem state in `slot`; every slot is filled before a task first runs. */
  get<T>(slot: TaskSlot<T>): T {
    const value = this.#slots.get(slot);
    assert(value !== undefined, `task ${this.pid} has its ${slot.name} slot`);
    return value as T;
  }

  has(slot: TaskSlot<unknown>): boolean {
    return this.#slots.has(slot);
  }

  set<T>(slot: TaskSlot<T>, value: T): void {
    this.#slots.set(slot, value);
  }

  delete(slot: TaskSlot<unknown>): void {
    this.#slots.delete(slot);
  }
}
