// The `children` KDDM set (reference §1.2 CHILDREN_KDDM_ID, §1.7
// "children"): one object per thread group that has children, keyed by its
// TGID, listing each child with the fields a remote wait or a reparenting
// needs. Children of a node's init are not listed (init is node-local,
// never a cluster PID: Kerrighed skips real parent tgid 1 the same way).
// Homed on the TGID's origin node.
import { SystemSetId, type IoLinker, type KddmNode } from '@krg/kddm-core';
import { pidHome } from '@krg/pid-mgmt';
import type { ExitState } from './task-object.js';
import type { Task } from './task.js';

export interface RemoteChild {
  pid: number;
  tgid: number;
  pgid: number;
  sid: number;
  parent: number;
  realParent: number;
  exitSignal: number;
  exitState: ExitState;
}

export interface ChildrenObject {
  tgid: number;
  /** In fork order. */
  children: RemoteChild[];
}

/** A child's entry as its parent's children object holds it. */
export function remoteChildOf(child: Task): RemoteChild {
  return {
    pid: child.pid,
    tgid: child.tgid,
    pgid: child.pgid,
    sid: child.sid,
    parent: child.parentPid,
    realParent: child.parentPid,
    exitSignal: child.exitSignal,
    exitState: child.state === 'zombie' ? 'zombie' : 'none',
  };
}

/** Replaces (or appends) the entry of `child.pid`. */
export function upsertChild(obj: ChildrenObject, child: RemoteChild): void {
  const i = obj.children.findIndex((c) => c.pid === child.pid);
  if (i >= 0) obj.children[i] = child;
  else obj.children.push(child);
}

/** Drops the entry of `pid`; true if there was one. */
export function dropChild(obj: ChildrenObject, pid: number): boolean {
  const i = obj.children.findIndex((c) => c.pid === pid);
  if (i < 0) return false;
  obj.children.splice(i, 1);
  return true;
}

function importChildren(data: unknown, tgid: number): ChildrenObject {
  const list = (data as { children?: unknown } | null)?.children;
  const children: RemoteChild[] = [];
  if (Array.isArray(list)) {
    for (const c of list as unknown[]) {
      const r = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
      const n = (k: string): number | undefined => {
        const v = r[k];
        return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
      };
      const pid = n('pid');
      if (pid === undefined) continue;
      children.push({
        pid,
        tgid: n('tgid') ?? pid,
        pgid: n('pgid') ?? 0,
        sid: n('sid') ?? 0,
        parent: n('parent') ?? tgid,
        realParent: n('realParent') ?? tgid,
        exitSignal: n('exitSignal') ?? 0,
        exitState: r.exitState === 'zombie' ? 'zombie' : 'none',
      });
    }
  }
  return { tgid, children };
}

export const CHILDREN_LINKER: IoLinker<ChildrenObject> = {
  name: 'children',
  firstTouch: (tgid) => ({ tgid, children: [] }),
  alloc: (tgid) => ({ tgid, children: [] }),
  importObject: (data, tgid) => importChildren(data, tgid),
  defaultOwner: pidHome,
};

/** The children set's static id (Kerrighed's CHILDREN_KDDM_ID). */
export const CHILDREN_SET_ID = SystemSetId.CHILDREN;

/** Creates the children set on a node at boot (every node, the same static id). */
export function createChildrenSet(kddm: KddmNode): void {
  kddm.registerLinker(CHILDREN_LINKER);
  kddm.createSet({ id: CHILDREN_SET_ID, linker: CHILDREN_LINKER.name, home: 'custom' });
}
