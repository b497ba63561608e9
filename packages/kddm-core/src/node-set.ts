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
  // 32 bits at a time: a bigint shift allocates, so shifting bit by bit over 256 nodes was the most
  // expensive line of a message send (profiled in the 64-node benchmark).
  const out: NodeId[] = [];
  let v = s;
  for (let base = 0; v !== 0n; base += 32) {
    let w = Number(BigInt.asUintN(32, v)) | 0;
    v >>= 32n;
    while (w !== 0) {
      out.push(base + 31 - Math.clz32(w & -w));
      w &= w - 1;
    }
  }
  return out;
}

/** Smallest member, or undefined when empty. */
export function nodeSetFirst(s: NodeSet): NodeId | undefined {
  let v = s;
  for (let base = 0; v !== 0n; base += 32) {
    const w = Number(BigInt.asUintN(32, v)) | 0;
    if (w !== 0) return base + 31 - Math.clz32(w & -w);
    v >>= 32n;
  }
  return undefined;
}

/** Build from an array received in a message, validating every node id. */
export function nodeSetFromArray(nodes: readonly unknown[]): NodeSet {
  let s = 0n;
  for (const n of nodes) s |= 1n << BigInt(checkNodeId(n));
  return s;
}
