// KDDM over krg-rpc: the adapter between KDDM's narrow transport interface
// and krg-rpc. A KDDM message is one bytes cast (`castBytes`) of its frame to
// the KDDM service: the frame is KDDM's own binary layout (frame.ts), so it
// skips krg-rpc's codec both ways. Casts travel on krg-rpc's reliable links
// (exactly once, per-link FIFO while both nodes live), and bytes-cast
// handlers run inside the delivery event in arrival order, which is the
// ordering the coherence protocol relies on (Kerrighed registers the object
// server with an rpc_synchro of one per sender for the same reason).
import { RpcPeerDown, type RpcNode } from '@krg/krg-rpc';
import { KddmBadMessage } from './errors.js';
import { MAX_FRAMES_BEFORE_ATTACH } from './limits.js';
import { type NodeId } from './node-id.js';
import { type KddmEndpoint, type KddmTransport } from './transport.js';

/** The krg-rpc service id KDDM messages use unless told otherwise ("KD"). */
export const KDDM_RPC_SERVICE = 0x4b44;

export interface KddmRpcBinding {
  /** Give this to the KddmNode of `node`. */
  readonly transport: KddmTransport;
  /** Deliver received KDDM messages to `endpoint` (the KddmNode), from now on. */
  attach(endpoint: KddmEndpoint): void;
  /** Frames from the network that failed validation and were dropped. */
  readonly badMessages: number;
  /** Messages to a node that was down, dropped as the transport contract says. */
  readonly droppedToDownNodes: number;
  /** Frames that arrived before `attach` beyond MAX_FRAMES_BEFORE_ATTACH, dropped. */
  readonly droppedBeforeAttach: number;
}

/** Bind KDDM to one krg-rpc node: registers the KDDM service (bytes casts) on it. */
export function kddmOverRpc(node: RpcNode, serviceId: number = KDDM_RPC_SERVICE): KddmRpcBinding {
  let endpoint: KddmEndpoint | undefined;
  let badMessages = 0;
  let droppedToDownNodes = 0;
  let droppedBeforeAttach = 0;
  const queued: { from: NodeId; frame: Uint8Array }[] = [];
  node.registerBytes(serviceId, (from, frame) => {
    if (endpoint === undefined) {
      if (queued.length < MAX_FRAMES_BEFORE_ATTACH) queued.push({ from, frame });
      else droppedBeforeAttach++;
      return;
    }
    try {
      endpoint.receive(from, frame);
    } catch (error) {
      // Bad input from outside changes nothing and is dropped; anything else is a bug.
      if (!(error instanceof KddmBadMessage)) throw error;
      badMessages++;
    }
  });
  return {
    transport: {
      send(to: NodeId, frame: Uint8Array): void {
        try {
          node.castBytes(serviceId, to, frame);
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
      for (const q of queued.splice(0)) {
        try {
          e.receive(q.from, q.frame);
        } catch (error) {
          if (!(error instanceof KddmBadMessage)) throw error;
          badMessages++;
        }
      }
    },
    get badMessages() {
      return badMessages;
    },
    get droppedToDownNodes() {
      return droppedToDownNodes;
    },
    get droppedBeforeAttach() {
      return droppedBeforeAttach;
    },
  };
}
