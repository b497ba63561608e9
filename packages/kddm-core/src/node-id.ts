import { KddmBadNodeId } from './errors.js';
import { MAX_NODES } from './limits.js';

/** A node of the cluster: 0..255. */
export type NodeId = number;

/** True when `node` is a valid node id. */
export function isNodeId(node: unknown): node is NodeId {
  return typeof node === 'number' && Number.isInteger(node) && node >= 0 && node < MAX_NODES;
}

/** Throw KddmBadNodeId unless `node` is a valid node id. */
export function checkNodeId(node: unknown): NodeId {
  if (!isNodeId(node)) throw new KddmBadNodeId(node);
  return node;
}
