// The transport interface: how packets leave one node for another. The
// simulated network implements it on sim-engine; a TCP transport for real
// mode can implement it later, and nothing above this file changes.
import type { NodeId } from './node-id.js';

/** Called by a transport for every packet that reaches an attached node. */
export type PacketReceiver = (from: NodeId, packet: Uint8Array) => void;

/**
 * An unreliable datagram service between node ids. A packet may be lost,
 * delayed, duplicated or reordered; reliable links (`ReliableLinks`) build
 * exactly-once FIFO delivery on top.
 */
export interface Transport {
  /**
   * Hands a packet to the network. The transport takes ownership of `packet`
   * (the caller never modifies it afterwards). Never throws for a lost packet.
   */
  send(from: NodeId, to: NodeId, packet: Uint8Array): void;
  /** Starts delivering packets addressed to `node` to `receive` (on boot). */
  attach(node: NodeId, receive: PacketReceiver): void;
  /** Stops delivering to `node`; packets for it are lost from now on (on crash or leave). */
  detach(node: NodeId): void;
  /** A fair guess of the one-way delay of a packet of `sizeBytes` (used for retransmission timeouts). */
  expectedDelayNs(from: NodeId, to: NodeId, sizeBytes: number): number;
}
