// A set of nodes as an immutable 256-bit mask (Kerrighed's krgnodemask_t).
// Immutable so the pure protocol functions can return new entries without
// aliasing; iteration is always in ascending node order (deterministic).
import { checkNodeId, type NodeId } from './node-id.js';

export type NodeSet = bigint;

export const EMPTY_NODE_SET: NodeSet = 0n;

export function nodeSetOf(...nodes: readonly NodeId[]): NodeSet {
  let s = 0n;
  for (const n of nodes) s |= 1n << BigInt(n);
  return s;
}

export function nodeSetAdd(s: NodeSet, node: NodeId): NodeSet {
  return s | (1n << BigInt(node));
}

export function nodeSetRemove(s: NodeSet, node: NodeId): NodeSet {
  return s & ~(1n << BigInt(node));
}

export function nodeSetHas(s: NodeSet, node: NodeId): boolean {
  return ((s >> BigInt(node)) & 1n) === 1n;
}

export function nodeSetUnion(a: NodeSet, b: NodeSet): NodeSet {
  return a | b;
}

/** a \ b */
export function nodeSetMinus(a: NodeSet, b: NodeSet): NodeSet {
  return a & ~b;
}

export function nodeSetIsEmpty(s: NodeSet): boolean {
  return s === 0n;
}

/** True when `s` is exactly {node} (Kerrighed's OBJ_EXCLUSIVE2). */
export function nodeSetIsOnly(s: NodeSet, node: NodeId): boolean {
  return s === 1n << BigInt(node);
}

export function nodeSetSize(s: NodeSet): number {
  let n = 0;
  let v = s;
  while (v !== 0n) {
    v &= v - 1n;
    n++;
  }
  return n;
}

/** Members in ascending order. */
export function nodeSetToArray(s: NodeSet): NodeId[] {
  const out: NodeId[] = [];
  let v = s;
  let i = 0;
  while (v !== 0n) {
    if ((v & 1n) === 1n) out.push(i);
    v >>= 1n;
    i++;
  }
  return out;
}

/** Smallest member, or undefined when empty. */
export function nodeSetFirst(s: NodeSet): NodeId | undefined {
  if (s === 0n) return undefined;
  let i = 0;
  let v = s;
  while ((v & 1n) === 0n) {
    v >>= 1n;
    i++;
  }
  return i;
}

/** Build from an array received in a message, validating every node id. */
export function nodeSetFromArray(nodes: readonly unknown[]): NodeSet {
  let s = 0n;
  for (const n of nodes) s |= 1n << BigInt(checkNodeId(n));
  return s;
}
