// The narrow network interface KDDM needs, so the protocol does not depend on
// krg-rpc's details: send a message to a node over a reliable, per-link FIFO
// channel; deliver received messages and membership changes to the node. An
// adapter implements it over krg-rpc (or over a test network).
import { type NodeId } from './node-id.js';
import { type KddmWire } from './wire.js';

export interface KddmTransport {
  /**
   * Queue `wire` for node `to`. Delivery is asynchronous, exactly once and in
   * per-link FIFO order while both nodes live; a message to a dead node is
   * dropped.
   */
  send(to: NodeId, wire: KddmWire): void;
}

/** What a transport adapter calls on the node it serves. */
export interface KddmEndpoint {
  /** A message from `from` arrived. */
  receive(from: NodeId, wire: KddmWire): void;
  /** Node `dead` crashed or left (membership). */
  nodeDown(dead: NodeId): void;
  /** Node `node` is back (a reboot: a fresh node with the same id). */
  nodeUp?(node: NodeId): void;
  /** This endpoint is a rebooted node: hold everything until the live nodes' recovery round. */
  rejoin?(): void;
}
