// The `task` KDDM set (reference §1.2 TASK_KDDM_ID, §1.7 "task", §7): one
// object per cluster PID with the task fields every node may read — where
// the process runs (`node`, how any node finds it), its state and exit
// status, its parent, group leader, process group, session, credentials and
// command. The node running the task owns the live fields; the object is
// written on the lifecycle's events (start, fork, exec, setpgid/setsid,
// reparenting, exit) and removed when the task is reaped. Homed on the
// PID's origin node, as every PID-named set.
import { SystemSetId, type IoLinker, type KddmNode } from '@krg/kddm-core';
import { pidHome } from '@krg/pid-mgmt';
import { encodeWaitStatus } from './abi/wait-status.js';
import type { Task, TaskState } from './task.js';

/** `node` while no node runs the task (Kerrighed's KERRIGHED_NODE_ID_NONE: being created or migrating). */
export const TASK_NODE_NONE = -1;

/** Linux's exit_state: 0 while alive, then zombie; a reaped task has no object. */
export type ExitState = 'none' | 'zombie';

export interface TaskObject {
  pid: number;
  tgid: number;
  node: number;
  state: TaskState;
  exitState: ExitState;
  /** The wait status word once a zombie (Linux's exit_code), else 0. */
  exitCode: number;
  exitSignal: number;
  /** krg has no ptrace: parent and real parent are the same pid. */
  parent: number;
  realParent: number;
  groupLeader: number;
  pgid: number;
  sid: number;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  comm: string;
}

/** The shared fields of a live task, as its node publishes them. */
export function taskObjectOf(task: Task): TaskObject {
  const isZombie = task.state === 'zombie';
  return {
    pid: task.pid,
    tgid: task.tgid,
    node: task.node,
    state: task.state,
    exitState: isZombie ? 'zombie' : 'none',
    exitCode: isZombie && task.exitStatus !== undefined ? encodeWaitStatus(task.exitStatus) : 0,
    exitSignal: task.exitSignal,
    parent: task.parentPid,
    realParent: task.parentPid,
    groupLeader: task.tgid,
    pgid: task.pgid,
    sid: task.sid,
    uid: task.credentials.uid,
    euid: task.credentials.euid,
    gid: task.credentials.gid,
    egid: task.credentials.egid,
    comm: task.comm,
  };
}

/** Copies `from` into `into` field by field (objects stay the same JS object in the set). */
export function assignTaskObject(into: TaskObject, from: TaskObject): void {
  Object.assign(into, from);
}

function blankTaskObject(pid: number): TaskObject {
  // reference §1.7: first_touch/alloc set node = NONE, pid = group_leader = objid.
  return {
    pid,
    tgid: pid,
    node: TASK_NODE_NONE,
    state: 'running',
    exitState: 'none',
    exitCode: 0,
    exitSignal: 0,
    parent: 0,
    realParent: 0,
    groupLeader: pid,
    pgid: 0,
    sid: 0,
    uid: 0,
    euid: 0,
    gid: 0,
    egid: 0,
    comm: '',
  };
}

const STATES: readonly TaskState[] = ['running', 'sleeping', 'stopped', 'zombie', 'dead'];

/** A received copy, checked field by field: a bad one keeps only its id (node NONE). */
function importTaskObject(data: unknown, pid: number): TaskObject {
  const r = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const out = blankTaskObject(pid);
  const int = (k: keyof TaskObject, min: number): void => {
    const v = r[k];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min)
      (out as unknown as Record<string, unknown>)[k] = v;
  };
  for (const k of [
    'tgid',
    'exitCode',
    'exitSignal',
    'parent',
    'realParent',
    'groupLeader',
    'pgid',
    'sid',
    'uid',
    'euid',
    'gid',
    'egid',
  ] as const)
    int(k, 0);
  int('node', TASK_NODE_NONE);
  if (STATES.includes(r.state as TaskState)) out.state = r.state as TaskState;
  if (r.exitState === 'zombie') out.exitState = 'zombie';
  if (typeof r.comm === 'string') out.comm = r.comm.slice(0, 15);
  return out;
}

export const TASK_LINKER: IoLinker<TaskObject> = {
  name: 'task',
  firstTouch: blankTaskObject,
  alloc: blankTaskObject,
  importObject: (data, objId) => importTaskObject(data, objId),
  defaultOwner: pidHome,
};

/** The task set's static id (Kerrighed's TASK_KDDM_ID). */
export const TASK_SET_ID = SystemSetId.TASK;

/** Creates the task set on a node at boot (every node, the same static id). */
export function createTaskSet(kddm: KddmNode): void {
  kddm.registerLinker(TASK_LINKER);
  kddm.createSet({ id: TASK_SET_ID, linker: TASK_LINKER.name, home: 'custom' });
}
