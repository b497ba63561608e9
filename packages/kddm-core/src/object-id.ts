// Object ids and unique ids. Kerrighed's objid_t is an unsigned long and a
// unique id is `counter | node << 56`. Here ids are JavaScript numbers below
// 2^53 and the creating node sits in bits 45..52 (documented difference).
import { KddmBadObjectId, KddmUniqueIdExhausted } from './errors.js';
import { MAX_OBJECT_ID, UNIQUE_ID_LOCAL_MAX, UNIQUE_ID_NODE_SHIFT } from './limits.js';
import { checkNodeId, type NodeId } from './node-id.js';

export type ObjectId = number;

const NODE_FACTOR = 2 ** UNIQUE_ID_NODE_SHIFT;

export function isObjectId(id: unknown): id is ObjectId {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_OBJECT_ID;
}

/** Throw KddmBadObjectId unless `id` is an integer in 0..2^53-1. */
export function checkObjectId(id: unknown): ObjectId {
  if (!isObjectId(id)) throw new KddmBadObjectId(id);
  return id;
}

/** `local | node << 45`, computed with arithmetic because bit operators are 32-bit in JS. */
export function makeUniqueId(node: NodeId, local: number): ObjectId {
  checkNodeId(node);
  if (!Number.isInteger(local) || local < 0 || local > UNIQUE_ID_LOCAL_MAX) {
    throw new KddmBadObjectId(local);
  }
  return node * NODE_FACTOR + local;
}

/** The creating node of a unique id (Kerrighed: `id >> UNIQUE_ID_NODE_SHIFT`). */
export function uniqueIdNode(id: ObjectId): NodeId {
  checkObjectId(id);
  return Math.floor(id / NODE_FACTOR);
}

/** The per-node counter part of a unique id. */
export function uniqueIdLocal(id: ObjectId): number {
  checkObjectId(id);
  return id % NODE_FACTOR;
}

/**
 * One node's unique-id root (Kerrighed's `unique_id_root_t`): a local counter
 * OR'ed with the node id, so two nodes never hand out the same id.
 */
export class UniqueIdGenerator {
  private next: number;
  constructor(
    readonly node: NodeId,
    start = 1,
  ) {
    checkNodeId(node);
    if (!Number.isInteger(start) || start < 0 || start > UNIQUE_ID_LOCAL_MAX) {
      throw new KddmBadObjectId(start);
    }
    this.next = start;
  }

  /** A fresh id owned by this node. */
  take(): ObjectId {
    if (this.next > UNIQUE_ID_LOCAL_MAX) throw new KddmUniqueIdExhausted(this.node);
    return makeUniqueId(this.node, this.next++);
  }
}
