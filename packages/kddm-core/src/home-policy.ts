// Home ("default owner") policies, reference §1.3 (`__kddm_io_default_owner`).
// The default owner is the node that answers for an object nobody else has
// claimed: requests from nodes with no entry go there, and it decides first
// touch. It is computed over the present nodes (the KDDM node map), given in
// ascending order.
import { KddmBadUsage } from './errors.js';
import { isNodeId, checkNodeId, type NodeId } from './node-id.js';
import { type ObjectId, uniqueIdNode } from './object-id.js';

export type HomePolicy =
  | { readonly kind: 'round-robin' }
  | { readonly kind: 'unique-id' }
  | {
      readonly kind: 'custom';
      /** Kerrighed's IO linker `default_owner` callback. */
      readonly defaultOwner: (
        objId: ObjectId,
        presentNodes: readonly NodeId[],
        self: NodeId,
      ) => NodeId;
    }
  | { readonly kind: 'fixed'; readonly node: NodeId };

export const roundRobinHome: HomePolicy = { kind: 'round-robin' };
export const uniqueIdHome: HomePolicy = { kind: 'unique-id' };

export function fixedHome(node: NodeId): HomePolicy {
  return { kind: 'fixed', node: checkNodeId(node) };
}

export function customHome(
  defaultOwner: (objId: ObjectId, presentNodes: readonly NodeId[], self: NodeId) => NodeId,
): HomePolicy {
  return { kind: 'custom', defaultOwner };
}

/** The `(n % nr)`-th present node. */
function nth(presentNodes: readonly NodeId[], n: number): NodeId {
  return presentNodes[n % presentNodes.length] as NodeId;
}

/** `node` if present, else the next present node in ring order (Kerrighed's `global_pid_default_owner` fallback). */
export function nextPresentNode(node: NodeId, presentNodes: readonly NodeId[]): NodeId {
  for (const n of presentNodes) if (n >= node) return n;
  return presentNodes[0] as NodeId;
}

/**
 * The home node of `objId` under `policy`. `presentNodes` must be sorted and
 * free of duplicates; with an empty map the local node is the home, as in
 * Kerrighed.
 */
export function defaultOwner(
  policy: HomePolicy,
  objId: ObjectId,
  presentNodes: readonly NodeId[],
  self: NodeId,
): NodeId {
  if (presentNodes.length === 0) return self;
  switch (policy.kind) {
    case 'round-robin':
      return nth(presentNodes, objId);
    case 'unique-id': {
      const creator = uniqueIdNode(objId);
      return presentNodes.includes(creator) ? creator : nth(presentNodes, objId);
    }
    case 'fixed':
      return presentNodes.includes(policy.node) ? policy.node : nth(presentNodes, policy.node);
    case 'custom': {
      const owner = policy.defaultOwner(objId, presentNodes, self);
      if (!isNodeId(owner) || !presentNodes.includes(owner)) {
        throw new KddmBadUsage(
          `custom default_owner returned ${String(owner)} for object ${objId}, which is not a present node`,
        );
      }
      return owner;
    }
  }
}
