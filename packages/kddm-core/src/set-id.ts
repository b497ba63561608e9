// Set ids (reference §1.2). System sets have static ids and exist on every
// node from boot; dynamic sets get a unique id whose high bits name the
// creating node, which is also the set's manager (answers lookups).
import { KddmBadSetId } from './errors.js';
import { MAX_OBJECT_ID, MAX_STATIC_SET_ID } from './limits.js';
import { type NodeId } from './node-id.js';
import { makeUniqueId, uniqueIdNode } from './object-id.js';

export type SetId = number;

/** Static ids of the system sets, as in Kerrighed's enum (include/kddm/kddm_set.h). */
export const SystemSetId = {
  UNUSED: 0,
  TASK: 1,
  SIGNAL_STRUCT: 2,
  SIGHAND_STRUCT: 3,
  APP: 8,
  SHMID: 9,
  SHMKEY: 10,
  SHMMAP: 11,
  PID: 20,
  CHILDREN: 21,
  MM_STRUCT: 28,
  PIDMAP_MAP: 29,
} as const;

/** First local counter value of dynamic set ids (Kerrighed's MIN_KDDM_ID). */
export const MIN_DYNAMIC_SET_LOCAL = MAX_STATIC_SET_ID + 1;

export function isSetId(id: unknown): id is SetId {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= MAX_OBJECT_ID;
}

export function checkSetId(id: unknown): SetId {
  if (!isSetId(id)) throw new KddmBadSetId(id);
  return id;
}

export function isStaticSetId(id: SetId): boolean {
  return id >= 1 && id <= MAX_STATIC_SET_ID;
}

/** The id of the `local`-th dynamic set created by `node` (local >= MIN_DYNAMIC_SET_LOCAL). */
export function dynamicSetId(node: NodeId, local: number): SetId {
  if (local < MIN_DYNAMIC_SET_LOCAL) throw new KddmBadSetId(local);
  return makeUniqueId(node, local);
}

/**
 * The node that answers lookups for a set (Kerrighed's `__kddm_set_mgr`): the
 * creator encoded in the id; static ids decode to node 0. Falls back like the
 * unique-id home policy when that node is not present.
 */
export function setManagerNode(
  setId: SetId,
  presentNodes: readonly NodeId[],
  self: NodeId,
): NodeId {
  checkSetId(setId);
  const creator = uniqueIdNode(setId);
  if (presentNodes.length === 0) return self;
  if (presentNodes.includes(creator)) return creator;
  return presentNodes[setId % presentNodes.length] as NodeId;
}
