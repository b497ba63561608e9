// Kernel objects that wrap a subsystem's live structure (reference §1.7:
// Kerrighed's signal and sighand objects are a wrapper {pointer to the
// struct, count}): the object on the owning node points at the structure
// the task's slot holds, so it is always current; a copy sent to another
// node carries the fields the subsystem declares, taken from the structure
// at that moment (as the task object's export refreshes its shared fields
// from the live task). The subsystem owns the spec — which set, how the
// object is named, which fields it shares — and epm-core the KDDM
// plumbing, so a subsystem needs no KDDM types of its own.
import {
  SystemSetId,
  UniqueIdGenerator,
  type IoLinker,
  type KddmNode,
  type KddmSet,
} from '@krg/kddm-core';
import { isGlobalPid, pidHome } from '@krg/pid-mgmt';
import { assert } from './assert.js';
import type { SectionName } from './ghost-section.js';
import { updateObject, type KddmOpFailure } from './kddm-op.js';
import type { TaskChange, TaskHooks } from './task-hooks.js';
import type { Task } from './task.js';

/** What a subsystem declares about its object set. */
export interface LiveObjectSpec<S extends object> {
  /** The subsystem's section: the object hooks run with the subsystem's own hooks. */
  readonly section: SectionName;
  /** A static system-set id (SystemSetId.SIGNAL_STRUCT, …). */
  readonly setId: number;
  /** The IO linker's registered name. */
  readonly linker: string;
  /**
   * How objects are named: by the thread group id (homed on its origin
   * node), or by a unique id per structure, homed on the node that created
   * it (Kerrighed's unique_id roots: sighand, mm_struct).
   */
  readonly key: 'tgid' | 'unique-id';
  /** The live structure of a task (its slot's value). */
  struct(task: Task): S;
  /** The fields other nodes read, taken from the live structure (encodable: no bigint). */
  fields(struct: S): Record<string, unknown>;
}

/** One object of such a set: the live structure here, or the fields a copy carried. */
export interface LiveObject<S extends object> {
  struct: S | undefined;
  fields: Record<string, unknown>;
}

/** The fields of an object, wherever it is. */
export function liveObjectFields<S extends object>(
  spec: LiveObjectSpec<S>,
  obj: LiveObject<S>,
): Record<string, unknown> {
  return obj.struct !== undefined ? spec.fields(obj.struct) : obj.fields;
}

function linkerOf<S extends object>(spec: LiveObjectSpec<S>): IoLinker<LiveObject<S>> {
  const blank = (): LiveObject<S> => ({ struct: undefined, fields: {} });
  return {
    name: spec.linker,
    firstTouch: blank,
    alloc: blank,
    exportObject: (obj) => liveObjectFields(spec, obj),
    importObject: (data) => ({
      struct: undefined,
      fields:
        typeof data === 'object' && data !== null && !Array.isArray(data)
          ? (data as Record<string, unknown>)
          : {},
    }),
    ...(spec.key === 'tgid' ? { defaultOwner: pidHome } : {}),
  };
}

/** A node's object hooks for one spec, and how to find a task's object id. */
export interface LiveObjectHooks {
  readonly hooks: Pick<TaskHooks, 'enter' | 'changed' | 'reap'>;
  /** The id of the task's object (undefined: the task has none). */
  objectIdOf(task: Task): number | undefined;
}

/**
 * Creates the spec's set on a node and returns the hooks that keep its
 * objects: created when a task joins the node's table, pointed at the
 * task's current structure when it changes (exec may replace it), removed
 * at reap. Only tasks with a cluster PID have objects.
 */
export function liveObjectHooks<S extends object>(
  kddm: KddmNode,
  spec: LiveObjectSpec<S>,
  onFailure: KddmOpFailure,
): LiveObjectHooks {
  kddm.registerLinker(linkerOf(spec));
  kddm.createSet({
    id: spec.setId,
    linker: spec.linker,
    home: spec.key === 'tgid' ? 'custom' : 'unique-id',
  });
  const set = kddm.set<LiveObject<S>>(spec.setId);
  assert(set !== undefined, `set ${spec.setId} was just created`);
  const ids = new UniqueIdGenerator(kddm.self);
  const byTask = new WeakMap<Task, number>();
  const point = (s: KddmSet<LiveObject<S>>, id: number, task: Task): void =>
    updateObject(
      s,
      id,
      (obj) => {
        obj.struct = spec.struct(task);
      },
      onFailure,
    );
  const objectIdOf = (task: Task): number | undefined => byTask.get(task);
  return {
    objectIdOf,
    hooks: {
      enter(task: Task) {
        if (!isGlobalPid(task.pid)) return;
        const id = spec.key === 'tgid' ? task.tgid : ids.take();
        byTask.set(task, id);
        point(set, id, task);
      },
      changed(task: Task, change: TaskChange) {
        const id = objectIdOf(task);
        if (id === undefined || change.kind !== 'exec') return;
        point(set, id, task);
      },
      reap(task: Task) {
        const id = objectIdOf(task);
        if (id === undefined) return;
        byTask.delete(task);
        updateObject(set, id, () => 'remove', onFailure, { firstTouch: false });
      },
    },
  };
}

/**
 * A subsystem's hooks with its object hooks added: the same section, the
 * object created after the subsystem's own work on enter and removed
 * before it on reap.
 */
export function withLiveObject(hooks: TaskHooks, object: LiveObjectHooks): TaskHooks {
  const o = object.hooks;
  return {
    ...hooks,
    enter(task) {
      hooks.enter?.(task);
      o.enter?.(task);
    },
    changed(task, change) {
      hooks.changed?.(task, change);
      o.changed?.(task, change);
    },
    reap(task) {
      o.reap?.(task);
      hooks.reap?.(task);
    },
  };
}

/** The static ids of the sets built on this facility. */
export const LIVE_OBJECT_SET_IDS = {
  SIGNAL_STRUCT: SystemSetId.SIGNAL_STRUCT,
  SIGHAND_STRUCT: SystemSetId.SIGHAND_STRUCT,
  MM_STRUCT: SystemSetId.MM_STRUCT,
} as const;
