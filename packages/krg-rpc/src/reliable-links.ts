// Reliable links: exactly-once, per-link FIFO delivery over a transport that
// may lose, delay, duplicate and reorder packets — the links Kerrighed's
// protocols assume. One `ReliableLinks` per node incarnation holds its link
// state toward every peer.
//
// Per directed link: DATA packets carry a sequence number (from 1) and the
// cumulative acknowledgement of the reverse direction; the receiver delivers
// in sequence order, buffers out-of-order packets within the window and drops
// duplicates; a pure ACK goes out after ACK_DELAY_NS unless outgoing data
// carried it first; the sender retransmits everything unacknowledged when
// its timer (expected round trip + slack, backing off exponentially) fires.
// Every packet names the incarnations of both ends, so nothing from a
// previous life of either node is ever delivered.
//
// Packet layout: a fixed 17-byte header (kind u8, source incarnation u32,
// destination incarnation u32, seq u32, ack u32, big-endian) followed, for
// DATA, by the message encoded with ghost-io's codec.
import { decodeValue, encodeValue } from '@krg/ghost-io';
import type { Scope, Timer } from '@krg/sim-engine';
import { assert } from './assert.js';
import { RpcLimitExceeded, RpcMessageTooLarge, RpcPeerDown } from './errors.js';
import {
  ACK_DELAY_NS,
  LINK_WINDOW_PACKETS,
  MAX_LINK_BACKLOG_PACKETS,
  MAX_NODE_ID,
  MAX_PACKET_BYTES,
  MAX_RETRANSMIT_TIMEOUT_NS,
  RETRANSMIT_SLACK_NS,
} from './limits.js';
import type { Membership } from './membership.js';
import type { NodeId } from './node-id.js';
import type { Transport } from './transport.js';

const HEADER_BYTES = 17;
const KIND_DATA = 0;
const KIND_ACK = 1;

// Big-endian u32 by hand: a DataView per packet costs an allocation.
function readUint32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function writeUint32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

// Packets are carved out of shared slabs: a small typed array with its own
// ArrayBuffer costs a backing-store allocation and external-memory tracking
// in the garbage collector, which dominated the cost of small messages. A
// slab is never rewritten once a packet was handed out (the transport owns
// the packet); it is freed when no packet of it is referenced any more.
const SLAB_BYTES = 256 * 1024;
const SLAB_MAX_PACKET_BYTES = 16 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabOffset = 0;

function allocatePacket(sizeBytes: number): Uint8Array {
  if (sizeBytes > SLAB_MAX_PACKET_BYTES) return new Uint8Array(sizeBytes);
  if (slabOffset + sizeBytes > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabOffset = 0;
  }
  const packet = slab.subarray(slabOffset, slabOffset + sizeBytes);
  slabOffset += (sizeBytes + 7) & ~7;
  return packet;
}

/** Where delivered messages go: called once per message, in per-link send order. */
export type MessageSink = (from: NodeId, message: unknown) => void;

/** Counters of one node's links (plain data). */
export interface LinkStats {
  dataSent: number;
  retransmissions: number;
  acksSent: number;
  delivered: number;
  duplicatesDropped: number;
  outOfOrderBuffered: number;
  staleDropped: number;
  malformedDropped: number;
}

interface Unacked {
  readonly seq: number;
  readonly body: Uint8Array;
}

class PeerLink {
  nextSeq = 1;
  ackedUpTo = 0;
  readonly inflight: Unacked[] = [];
  readonly backlog: Uint8Array[] = [];
  recvNext = 1;
  readonly outOfOrder = new Map<number, Uint8Array>();
  ackTimer: Timer | null = null;
  retransmitTimer: Timer | null = null;
  backoff = 1;
}

export class ReliableLinks {
  private readonly links: (PeerLink | undefined)[] = new Array<PeerLink | undefined>(
    MAX_NODE_ID + 1,
  );
  readonly stats: LinkStats = {
    dataSent: 0,
    retransmissions: 0,
    acksSent: 0,
    delivered: 0,
    duplicatesDropped: 0,
    outOfOrderBuffered: 0,
    staleDropped: 0,
    malformedDropped: 0,
  };

  constructor(
    private readonly self: NodeId,
    private readonly incarnation: number,
    private readonly scope: Scope,
    private readonly transport: Transport,
    private readonly membership: Membership,
    private readonly sink: MessageSink,
  ) {}

  /**
   * Sends `message` to `to`, exactly once and after every message sent to
   * `to` before it, as long as both nodes live. Throws `RpcPeerDown` if `to`
   * is not up, `RpcMessageTooLarge`, `RpcLimitExceeded` (backlog full), or the
   * codec's error for a value it cannot encode. A throw sends nothing.
   */
  send(to: NodeId, message: unknown): void {
    if (!this.membership.isUp(to)) throw new RpcPeerDown(to, 'not-up');
    const body = encodeValue(message);
    if (body.byteLength + HEADER_BYTES > MAX_PACKET_BYTES) {
      throw new RpcMessageTooLarge(body.byteLength + HEADER_BYTES, MAX_PACKET_BYTES);
    }
    const link = this.linkTo(to);
    if (link.inflight.length < LINK_WINDOW_PACKETS) {
      this.transmitNew(to, link, body);
    } else {
      if (link.backlog.length >= MAX_LINK_BACKLOG_PACKETS) {
        throw new RpcLimitExceeded('MAX_LINK_BACKLOG_PACKETS', MAX_LINK_BACKLOG_PACKETS);
      }
      link.backlog.push(body);
    }
  }

  /** Forgets everything about `peer` (it went down): unacked data, buffers, timers. */
  dropPeer(peer: NodeId): void {
    const link = this.links[peer];
    if (link === undefined) return;
    link.ackTimer?.cancel();
    link.retransmitTimer?.cancel();
    this.links[peer] = undefined;
  }

  /** Packets sent to `peer` and not yet acknowledged, plus those queued behind the window. */
  unackedTo(peer: NodeId): number {
    const link = this.links[peer];
    return link === undefined ? 0 : link.inflight.length + link.backlog.length;
  }

  /** Peers this node holds link state for. */
  get peerCount(): number {
    let n = 0;
    for (const l of this.links) if (l !== undefined) n++;
    return n;
  }

  /** The transport's receiver for this node. */
  receive(from: NodeId, packet: Uint8Array): void {
    const stats = this.stats;
    if (packet.byteLength < HEADER_BYTES) {
      stats.malformedDropped++;
      return;
    }
    const kind = packet[0]!;
    const srcIncarnation = readUint32(packet, 1);
    const dstIncarnation = readUint32(packet, 5);
    const seq = readUint32(packet, 9);
    const ack = readUint32(packet, 13);
    if (
      dstIncarnation !== this.incarnation ||
      !this.membership.isUp(from) ||
      srcIncarnation !== this.membership.incarnationOf(from)
    ) {
      stats.staleDropped++;
      return;
    }
    if (kind !== KIND_DATA && kind !== KIND_ACK) {
      stats.malformedDropped++;
      return;
    }
    const link = this.linkTo(from);
    this.processAck(from, link, ack);
    if (kind === KIND_ACK) return;
    if (seq < link.recvNext) {
      stats.duplicatesDropped++;
      this.scheduleAck(from, link);
      return;
    }
    if (seq >= link.recvNext + LINK_WINDOW_PACKETS) {
      // Beyond the sender's window: cannot happen with a well-behaved peer.
      stats.malformedDropped++;
      return;
    }
    const body = packet.subarray(HEADER_BYTES);
    if (seq !== link.recvNext) {
      if (link.outOfOrder.has(seq)) stats.duplicatesDropped++;
      else {
        link.outOfOrder.set(seq, body);
        stats.outOfOrderBuffered++;
      }
      this.scheduleAck(from, link);
      return;
    }
    this.scheduleAck(from, link);
    this.deliverInOrder(from, link, body);
  }

  private deliverInOrder(from: NodeId, link: PeerLink, first: Uint8Array): void {
    let body: Uint8Array | undefined = first;
    while (body !== undefined) {
      link.recvNext++;
      let message: unknown;
      let isDecoded = true;
      try {
        message = decodeValue(body);
      } catch {
        // A body our own encoder wrote always decodes; skip one that does not
        // rather than stall the link on a packet that would be resent forever.
        isDecoded = false;
        this.stats.malformedDropped++;
      }
      if (isDecoded) {
        this.stats.delivered++;
        this.sink(from, message);
      }
      // The sink may have dropped this link (peer down) or killed this node.
      if (this.links[from] !== link || !this.scope.isAlive) return;
      body = link.outOfOrder.get(link.recvNext);
      if (body !== undefined) link.outOfOrder.delete(link.recvNext);
    }
  }

  private processAck(peer: NodeId, link: PeerLink, ack: number): void {
    if (ack <= link.ackedUpTo) return;
    assert(ack < link.nextSeq, 'a peer acknowledges only what was sent');
    let n = 0;
    while (n < link.inflight.length && link.inflight[n]!.seq <= ack) n++;
    link.inflight.splice(0, n);
    link.ackedUpTo = ack;
    link.backoff = 1;
    link.retransmitTimer?.cancel();
    link.retransmitTimer = null;
    while (link.inflight.length < LINK_WINDOW_PACKETS && link.backlog.length > 0) {
      this.transmitNew(peer, link, link.backlog.shift()!);
    }
    if (link.inflight.length > 0 && link.retransmitTimer === null) this.armRetransmit(peer, link);
  }

  private transmitNew(to: NodeId, link: PeerLink, body: Uint8Array): void {
    const seq = link.nextSeq++;
    assert(seq <= 0xffffffff, 'sequence numbers fit in 32 bits');
    link.inflight.push({ seq, body });
    this.stats.dataSent++;
    this.transmit(to, link, seq, body);
    if (link.retransmitTimer === null) this.armRetransmit(to, link);
  }

  private transmit(to: NodeId, link: PeerLink, seq: number, body: Uint8Array): void {
    const packet = allocatePacket(HEADER_BYTES + body.byteLength);
    this.writeHeader(packet, to, KIND_DATA, seq, link.recvNext - 1);
    packet.set(body, HEADER_BYTES);
    // The acknowledgement rides on this packet.
    if (link.ackTimer !== null) {
      link.ackTimer.cancel();
      link.ackTimer = null;
    }
    this.transport.send(this.self, to, packet);
  }

  private writeHeader(
    packet: Uint8Array,
    to: NodeId,
    kind: number,
    seq: number,
    ack: number,
  ): void {
    packet[0] = kind;
    writeUint32(packet, 1, this.incarnation);
    writeUint32(packet, 5, this.membership.incarnationOf(to));
    writeUint32(packet, 9, seq);
    writeUint32(packet, 13, ack);
  }

  private scheduleAck(peer: NodeId, link: PeerLink): void {
    if (link.ackTimer !== null) return;
    link.ackTimer = this.scope.schedule(ACK_DELAY_NS, () => {
      link.ackTimer = null;
      if (this.links[peer] !== link) return;
      const packet = allocatePacket(HEADER_BYTES);
      this.writeHeader(packet, peer, KIND_ACK, 0, link.recvNext - 1);
      this.stats.acksSent++;
      this.transport.send(this.self, peer, packet);
    });
  }

  private armRetransmit(peer: NodeId, link: PeerLink): void {
    let largest = 0;
    for (const u of link.inflight) largest = Math.max(largest, u.body.byteLength);
    const roundTripNs =
      this.transport.expectedDelayNs(this.self, peer, largest + HEADER_BYTES) +
      this.transport.expectedDelayNs(peer, this.self, HEADER_BYTES) +
      ACK_DELAY_NS;
    const timeoutNs = Math.min(
      MAX_RETRANSMIT_TIMEOUT_NS,
      (roundTripNs + RETRANSMIT_SLACK_NS) * link.backoff,
    );
    link.retransmitTimer = this.scope.schedule(timeoutNs, () => {
      link.retransmitTimer = null;
      if (this.links[peer] !== link || link.inflight.length === 0) return;
      for (const u of link.inflight) {
        this.stats.retransmissions++;
        this.transmit(peer, link, u.seq, u.body);
      }
      link.backoff = Math.min(link.backoff * 2, 1024);
      this.armRetransmit(peer, link);
    });
  }

  private linkTo(peer: NodeId): PeerLink {
    let link = this.links[peer];
    if (link === undefined) {
      link = new PeerLink();
      this.links[peer] = link;
    }
    return link;
  }
}
