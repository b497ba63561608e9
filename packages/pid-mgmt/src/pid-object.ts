// The `pid` KDDM set (reference §1.7 "pid", §4.10, §7): one object per
// cluster PID, keyed by the PID number, homed on the PID's origin node (the
// next present node in ring order when the origin is not in the node map:
// Kerrighed's global_pid_default_owner). Its only shared field is
// `nodeCount`, the number of nodes holding a struct pid for the number; the
// object lives while a process (or a reservation) uses the PID, so the PID
// cannot be handed out again meanwhile.
import { SystemSetId, nextPresentNode, type IoLinker, type KddmNode } from '@krg/kddm-core';
import { isGlobalPid, origNode } from './pid-layout.js';

export interface PidObject {
  /** Nodes that hold a struct pid for this number (1 at creation, on the origin). */
  nodeCount: number;
}

/**
 * The home of a PID-named object (task, pid, children, signal, …): the PID's
 * origin node, or the next present node in ring order. A number without the
 * global flag has no cluster object; its home is the asking node.
 */
export function pidHome(pid: number, presentNodes: readonly number[], self: number): number {
  if (!isGlobalPid(pid)) return self;
  return nextPresentNode(origNode(pid), presentNodes);
}

export const PID_LINKER: IoLinker<PidObject> = {
  name: 'pid',
  firstTouch: () => ({ nodeCount: 1 }),
  alloc: () => ({ nodeCount: 0 }),
  importObject: (data) => ({ nodeCount: readCount(data) }),
  defaultOwner: pidHome,
};

function readCount(data: unknown): number {
  const n = (data as { nodeCount?: unknown } | null)?.nodeCount;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
}

/** The pid set's static id (Kerrighed's PID_KDDM_ID). */
export const PID_SET_ID = SystemSetId.PID;

/** Creates the pid set on a node at boot (every node, the same static id). */
export function createPidSet(kddm: KddmNode): void {
  kddm.registerLinker(PID_LINKER);
  kddm.createSet({ id: PID_SET_ID, linker: PID_LINKER.name, home: 'custom' });
}
