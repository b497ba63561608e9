// The narrow network interface KDDM needs, so the protocol does not depend on
// krg-rpc's details: send a message (a byte frame) to a node over a reliable, per-link FIFO
// channel; deliver received messages and membership changes to the node. An
// adapter implements it over krg-rpc (or over a test network).
import { type NodeId } from './node-id.js';

export interface KddmTransport {
  /**
   * Queue `frame` (one KDDM message, frame.ts) for node `to`. Delivery is
   * asynchronous, exactly once and in per-link FIFO order while both nodes
   * live; a message to a dead node is dropped. KDDM never rewrites a frame it
   * sent: the transport may keep it without copying.
   */
  send(to: NodeId, frame: Uint8Array): void;
}

/** What a transport adapter calls on the node it serves. */
export interface KddmEndpoint {
  /**
   * A frame from `from` arrived. A malformed one throws `KddmBadMessage` and
   * changes nothing. KDDM may keep views of `frame`: do not rewrite it.
   */
  receive(from: NodeId, frame: Uint8Array): void;
  /** Node `dead` crashed or left (membership). */
  nodeDown(dead: NodeId): void;
  /** Node `node` is back (a reboot: a fresh node with the same id). */
  nodeUp?(node: NodeId): void;
  /** This endpoint is a rebooted node: hold everything until the live nodes' recovery round. */
  rejoin?(): void;
}
