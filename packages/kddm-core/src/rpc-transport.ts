// KDDM over krg-rpc: the adapter between KDDM's narrow transport interface
// and krg-rpc's casts. A KDDM message is one cast to the KDDM service; casts
// travel on krg-rpc's reliable links (exactly once, per-link FIFO while both
// nodes live) and their handlers run as tasks in arrival order, which is the
// ordering the coherence protocol relies on (Kerrighed registers the object
// server with an rpc_synchro of one per sender for the same reason).
import { RpcPeerDown, type RpcNode } from '@krg/krg-rpc';
import { KddmBadMessage } from './errors.js';
import { type NodeId } from './node-id.js';
import { type KddmEndpoint, type KddmTransport } from './transport.js';
import { type KddmWire } from './wire.js';

/** The krg-rpc service id KDDM messages use unless told otherwise ("KD"). */
export const KDDM_RPC_SERVICE = 0x4b44;

export interface KddmRpcBinding {
  /** Give this to the KddmNode of `node`. */
  readonly transport: KddmTransport;
  /** Deliver received KDDM messages to `endpoint` (the KddmNode), from now on. */
  attach(endpoint: KddmEndpoint): void;
  /** Messages from the network that failed validation and were dropped. */
  readonly badMessages: number;
  /** Messages to a node that was down, dropped as the transport contract says. */
  readonly droppedToDownNodes: number;
}

/** Bind KDDM to one krg-rpc node: registers the KDDM service on it. */
export function kddmOverRpc(node: RpcNode, serviceId: number = KDDM_RPC_SERVICE): KddmRpcBinding {
  let endpoint: KddmEndpoint | undefined;
  let badMessages = 0;
  let droppedToDownNodes = 0;
  const queued: { from: NodeId; wire: KddmWire }[] = [];
  node.register(serviceId, async (args, ctx) => {
    const from = ctx.from;
    if (endpoint === undefined) {
      queued.push({ from, wire: args as KddmWire });
      return undefined;
    }
    try {
      endpoint.receive(from, args as KddmWire);
    } catch (error) {
      // Bad input from outside changes nothing and is dropped; anything else is a bug.
      if (!(error instanceof KddmBadMessage)) throw error;
      badMessages++;
    }
    return undefined;
  });
  return {
    transport: {
      send(to: NodeId, wire: KddmWire): void {
        try {
          node.cast(serviceId, to, wire);
        } catch (error) {
          if (!(error instanceof RpcPeerDown)) throw error;
          droppedToDownNodes++;
        }
      },
    },
    attach(e: KddmEndpoint): void {
      endpoint = e;
      node.onPeerDown((peer) => e.nodeDown(peer));
      node.onPeerUp((peer) => e.nodeUp?.(peer));
      // A second or later incarnation rejoins: it answers nothing before the recovery round.
      if (node.incarnation > 1) e.rejoin?.();
      for (const q of queued.splice(0)) e.receive(q.from, q.wire);
    },
    get badMessages() {
      return badMessages;
    },
    get droppedToDownNodes() {
      return droppedToDownNodes;
    },
  };
}
