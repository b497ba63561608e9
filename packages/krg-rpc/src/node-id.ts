// Node ids: 0 .. 255, as Kerrighed's 8 node bits allow.
import { RpcInvalidArgument } from './errors.js';
import { MAX_NODE_ID } from './limits.js';

/** A node id in [0, MAX_NODE_ID]. */
export type NodeId = number;

export function checkNodeId(what: string, id: unknown): NodeId {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_NODE_ID) {
    throw new RpcInvalidArgument(what, `a node id in [0, ${MAX_NODE_ID}]`, id);
  }
  return id;
}

/** A node set as a sorted array of distinct ids (deterministic iteration order). */
export function normalizeNodeSet(what: string, ids: Iterable<number>): NodeId[] {
  const seen = new Uint8Array(MAX_NODE_ID + 1);
  const out: NodeId[] = [];
  for (const id of ids) {
    checkNodeId(what, id);
    if (seen[id] === 0) {
      seen[id] = 1;
      out.push(id);
    }
  }
  return out.sort((a, b) => a - b);
}
