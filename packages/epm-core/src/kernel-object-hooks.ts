// The lifecycle keeps a task's KDDM objects: the `task` object (task-object.ts)
// and the entry in its parent's `children` object (children-object.ts) under
// the 'task' hooks, the `pid` object (pid-mgmt) under the 'pids' hooks. They
// are created when the task joins a node's table (start, fork, import),
// written when shared fields change (exec, setpgid/setsid, reparenting,
// exit) and removed at reap, each through the node's KDDM set. The objects
// of a task are homed on its PID's origin node, where the task runs, so
// these updates take KDDM's synchronous local path; when an object is
// elsewhere the same update completes when its messages do (kddm-op.ts).
import { type KddmNode, type KddmSet } from '@krg/kddm-core';
import { PID_SET_ID, isGlobalPid, type PidObject } from '@krg/pid-mgmt';
import { assert } from './assert.js';
import {
  CHILDREN_SET_ID,
  dropChild,
  remoteChildOf,
  upsertChild,
  type ChildrenObject,
} from './children-object.js';
import { updateObject, type KddmOpFailure } from './kddm-op.js';
import { TASK_SET_ID, assignTaskObject, taskObjectOf, type TaskObject } from './task-object.js';
import type { TaskChange, TaskHooks } from './task-hooks.js';
import type { Task } from './task.js';

function setOf<T>(kddm: KddmNode, id: number): KddmSet<T> {
  const set = kddm.set<T>(id);
  assert(set !== undefined, `KDDM set ${id} exists on node ${kddm.self} (created at boot)`);
  return set;
}

/**
 * The 'task' hooks of one node: its task objects and its tasks' entries in
 * their parents' children objects. Only tasks with a cluster PID have
 * objects (a node's init is local, reference §7).
 */
export function taskObjectHooks(kddm: KddmNode, onFailure: KddmOpFailure): TaskHooks {
  const tasks = setOf<TaskObject>(kddm, TASK_SET_ID);
  const children = setOf<ChildrenObject>(kddm, CHILDREN_SET_ID);

  const publish = (task: Task, firstTouch: boolean): void => {
    const fields = taskObjectOf(task);
    updateObject(tasks, task.pid, (obj) => assignTaskObject(obj, fields), onFailure, {
      firstTouch,
    });
  };
  const publishInParent = (task: Task): void => {
    if (!isGlobalPid(task.parentPid)) return;
    const entry = remoteChildOf(task);
    updateObject(children, task.parentPid, (obj) => upsertChild(obj, entry), onFailure);
  };
  const leaveParent = (pid: number, parent: number): void => {
    if (!isGlobalPid(parent)) return;
    updateObject(
      children,
      parent,
      (obj) => {
        dropChild(obj, pid);
        return obj.children.length === 0 ? 'remove' : undefined;
      },
      onFailure,
      { firstTouch: false },
    );
  };

  return {
    name: 'task',
    // The objects follow the table, not the copy: a forked child is
    // published when it is admitted (enter), and a child that never ran
    // never had objects.
    fork() {},
    unfork() {},
    release() {},
    enter(task) {
      if (!isGlobalPid(task.pid)) return;
      publish(task, true);
      publishInParent(task);
    },
    changed(task: Task, change: TaskChange) {
      if (!isGlobalPid(task.pid)) return;
      publish(task, false);
      if (change.kind === 'reparent') leaveParent(task.pid, change.from);
      else publishInParent(task);
    },
    reap(task) {
      if (!isGlobalPid(task.pid)) return;
      updateObject(tasks, task.pid, () => 'remove', onFailure, { firstTouch: false });
      leaveParent(task.pid, task.parentPid);
    },
  };
}

/**
 * The 'pids' hooks of one node: the pid object of a task lives from the
 * moment the task joins a table until it is reaped (reference §4.10: the
 * object, with node_count = 1 on the origin, keeps the number taken).
 */
export function pidObjectHooks(kddm: KddmNode, onFailure: KddmOpFailure): TaskHooks {
  const pids = setOf<PidObject>(kddm, PID_SET_ID);
  return {
    name: 'pids',
    fork() {},
    unfork() {},
    release() {},
    enter(task) {
      if (!isGlobalPid(task.pid)) return;
      // First touch on the origin creates it with node_count = 1.
      updateObject(pids, task.pid, () => undefined, onFailure);
    },
    reap(task) {
      if (!isGlobalPid(task.pid)) return;
      updateObject(
        pids,
        task.pid,
        (obj) => {
          obj.nodeCount = Math.max(0, obj.nodeCount - 1);
          return obj.nodeCount === 0 ? 'remove' : undefined;
        },
        onFailure,
        { firstTouch: false },
      );
    },
  };
}
