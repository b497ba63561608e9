// Who is in the cluster: each node id is down or up, and every boot gives it
// a new incarnation number, so a rebooted node is a fresh node with the same
// id (packets and conversations of its previous life are recognised and
// dropped). Listeners hear of every change; higher layers use them to drop
// the state they hold about a dead node.
import { RpcLimitExceeded } from './errors.js';
import { MAX_LISTENERS, MAX_NODE_ID } from './limits.js';
import { checkNodeId, type NodeId } from './node-id.js';

/** Why a node went down: it crashed (volatile state lost) or left gracefully. */
export type DownReason = 'crash' | 'leave';

export type NodeUpListener = (node: NodeId, incarnation: number) => void;
export type NodeDownListener = (node: NodeId, reason: DownReason) => void;

function addListener<T>(list: T[], listener: T): () => void {
  if (list.length >= MAX_LISTENERS) throw new RpcLimitExceeded('MAX_LISTENERS', MAX_LISTENERS);
  list.push(listener);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}

export class Membership {
  private readonly up = new Uint8Array(MAX_NODE_ID + 1);
  private readonly incarnations = new Uint32Array(MAX_NODE_ID + 1);
  private readonly upListeners: NodeUpListener[] = [];
  private readonly downListeners: NodeDownListener[] = [];

  /** True while the cluster considers `node` up. */
  isUp(node: NodeId): boolean {
    return this.up[node] === 1;
  }

  /** The current (or last) incarnation of `node`: 0 if it never booted, 1 after its first boot. */
  incarnationOf(node: NodeId): number {
    return this.incarnations[node] ?? 0;
  }

  /** The nodes that are up, in increasing id order. */
  upNodes(): NodeId[] {
    const out: NodeId[] = [];
    for (let i = 0; i <= MAX_NODE_ID; i++) if (this.up[i] === 1) out.push(i);
    return out;
  }

  /** Called after every boot, in registration order. Returns an unsubscribe. */
  onNodeUp(listener: NodeUpListener): () => void {
    return addListener(this.upListeners, listener);
  }

  /** Called after every crash is detected and every leave, in registration order. */
  onNodeDown(listener: NodeDownListener): () => void {
    return addListener(this.downListeners, listener);
  }

  /** Marks `node` up with a new incarnation and tells the listeners. Returns the incarnation. */
  markUp(node: NodeId): number {
    checkNodeId('markUp node', node);
    const incarnation = (this.incarnations[node] ?? 0) + 1;
    this.incarnations[node] = incarnation;
    this.up[node] = 1;
    for (const l of [...this.upListeners]) l(node, incarnation);
    return incarnation;
  }

  /** Marks `node` down and tells the listeners. */
  markDown(node: NodeId, reason: DownReason): void {
    checkNodeId('markDown node', node);
    if (this.up[node] !== 1) return;
    this.up[node] = 0;
    for (const l of [...this.downListeners]) l(node, reason);
  }
}
