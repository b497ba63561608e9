// Reliable links: exactly-once, per-link FIFO delivery over a transport that
// may lose, delay, duplicate and reorder packets — the links Kerrighed's
// protocols assume. One `ReliableLinks` per node incarnation holds its link
// state toward every peer.
//
// Per directed link: DATA packets carry a sequence number (from 1) and the
// cumulative acknowledgement of the reverse direction; the receiver delivers
// in sequence order, buffers out-of-order packets within the window and drops
// duplicates. Every packet names the incarnations of both ends, so nothing
// from a previous life of either node is ever delivered.
//
// Timers are per node, not per link or per packet (an RPC workload touches
// many links for one packet each, and a timer per packet was most of the
// engine's work):
// - Delayed acknowledgements: a link that received data owes an ack; outgoing
//   data on that link carries it. One node timer, armed ACK_DELAY_NS after the
//   oldest debt, sends a pure ACK on every link whose debt is at least half
//   that old, then re-arms for the next debt.
// - Retransmission: a link with unacknowledged data has a deadline (expected
//   round trip + slack after its last progress, backing off exponentially).
//   One node timer fires at the earliest deadline and retransmits everything
//   unacknowledged on each link whose deadline passed. An acknowledgement
//   only moves the link's deadline; nothing is cancelled per packet.
//
// Packet layout (big-endian): a 17-byte link header (kind u8, source
// incarnation u32, destination incarnation u32, seq u32, ack u32); DATA
// packets follow it with the frame: two u32 words of the upper layer's own
// header and the body bytes.
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
  RETRANSMIT_SCAN_NS,
  RETRANSMIT_SLACK_NS,
} from './limits.js';
import type { Membership } from './membership.js';
import type { NodeId } from './node-id.js';
import type { Transport } from './transport.js';

const HEADER_BYTES = 17;
/** Link header plus the frame's two words. */
const DATA_HEADER_BYTES = HEADER_BYTES + 8;
const KIND_DATA = 0;
const KIND_ACK = 1;
const MAX_BACKOFF = 1024;

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
  // A view made by the constructor: `subarray` pays for a species lookup.
  const packet = new Uint8Array(slab.buffer, slabOffset, sizeBytes);
  slabOffset += (sizeBytes + 7) & ~7;
  return packet;
}

/**
 * Where delivered frames go: called once per frame, in per-link send order,
 * with the two header words and the body as sent. `body` is a view into the
 * packet, valid for as long as the receiver keeps it (packets are never
 * rewritten).
 */
export type FrameSink = (from: NodeId, word0: number, word1: number, body: Uint8Array) => void;

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

class PeerLink {
  nextSeq = 1;
  ackedUpTo = 0;
  /** Sent, not yet acknowledged: whole DATA packets, in sequence order (seq = ackedUpTo + 1 + index). */
  readonly inflight: Uint8Array[] = [];
  /** Frames waiting for room in the window, as packets not yet numbered. */
  readonly backlog: Uint8Array[] = [];
  recvNext = 1;
  readonly outOfOrder = new Map<number, Uint8Array>();
  /** An acknowledgement is owed to the peer (data arrived and nothing carried the ack back yet). */
  isAckOwed = false;
  /** When the current debt arose (meaningful while `isAckOwed`). */
  ackOwedSinceNs = 0;
  /** Whether the node's retransmission list holds this link. */
  isWatched = false;
  /** The last progress (first packet into an empty window, an ack, a retransmission). */
  progressAtNs = 0;
  backoff = 1;
  constructor(
    readonly peer: NodeId,
    /** The shortest first timeout this link can have (an empty packet's round trip + slack). */
    readonly minTimeoutNs: number,
  ) {}
}

export class ReliableLinks {
  private readonly links: (PeerLink | undefined)[] = new Array<PeerLink | undefined>(
    MAX_NODE_ID + 1,
  );
  /**
   * Debts of acknowledgement in the order they arose: the link and the
   * instant (an entry is current while its link still owes since that instant).
   */
  private readonly debtLinks: PeerLink[] = [];
  private readonly debtSinceNs: number[] = [];
  private debtHead = 0;
  private ackTimer: Timer | null = null;
  /** Links with data in flight (entries may have drained since; they leave when the timer looks). */
  private readonly watched: PeerLink[] = [];
  private retransmitTimer: Timer | null = null;
  private retransmitTimerAtNs = 0;
  private readonly flushAcks = (): void => this.sendOwedAcks();
  private readonly checkRetransmits = (): void => this.retransmitOverdue();
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
    private readonly sink: FrameSink,
  ) {}

  /**
   * Sends one frame (two u32 header words and `body`) to `to`, exactly once
   * and after every frame sent to `to` before it, as long as both nodes live.
   * `body` is copied. Throws `RpcPeerDown` if `to` is not up,
   * `RpcMessageTooLarge`, or `RpcLimitExceeded` (backlog full); a throw sends
   * nothing.
   */
  send(to: NodeId, word0: number, word1: number, body: Uint8Array): void {
    if (!this.membership.isUp(to)) throw new RpcPeerDown(to, 'not-up');
    const sizeBytes = DATA_HEADER_BYTES + body.byteLength;
    if (sizeBytes > MAX_PACKET_BYTES) throw new RpcMessageTooLarge(sizeBytes, MAX_PACKET_BYTES);
    const link = this.linkTo(to);
    const isWindowFull = link.inflight.length >= LINK_WINDOW_PACKETS;
    if (isWindowFull && link.backlog.length >= MAX_LINK_BACKLOG_PACKETS) {
      throw new RpcLimitExceeded('MAX_LINK_BACKLOG_PACKETS', MAX_LINK_BACKLOG_PACKETS);
    }
    const packet = allocatePacket(sizeBytes);
    writeUint32(packet, HEADER_BYTES, word0);
    writeUint32(packet, HEADER_BYTES + 4, word1);
    packet.set(body, DATA_HEADER_BYTES);
    if (isWindowFull) link.backlog.push(packet);
    else this.transmitNew(link, packet);
  }

  /** Forgets everything about `peer` (it went down): unacked data, buffers, debts. */
  dropPeer(peer: NodeId): void {
    // The node timers skip links that are no longer the current one.
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
    if (
      readUint32(packet, 5) !== this.incarnation ||
      !this.membership.isUp(from) ||
      readUint32(packet, 1) !== this.membership.incarnationOf(from)
    ) {
      stats.staleDropped++;
      return;
    }
    if (
      (kind !== KIND_DATA && kind !== KIND_ACK) ||
      (kind === KIND_DATA && packet.byteLength < DATA_HEADER_BYTES)
    ) {
      stats.malformedDropped++;
      return;
    }
    const link = this.linkTo(from);
    const ack = readUint32(packet, 13);
    if (ack >= link.nextSeq) {
      // Acknowledges what was never sent: not from a well-behaved peer.
      stats.malformedDropped++;
      return;
    }
    if (ack > link.ackedUpTo) this.processAck(link, ack);
    if (kind === KIND_ACK) return;
    const seq = readUint32(packet, 9);
    if (seq < link.recvNext) {
      // A copy of something delivered: our ack may have been lost, owe it again.
      stats.duplicatesDropped++;
      this.oweAck(link);
      return;
    }
    if (seq >= link.recvNext + LINK_WINDOW_PACKETS) {
      // Beyond the sender's window: cannot happen with a well-behaved peer.
      stats.malformedDropped++;
      return;
    }
    this.oweAck(link);
    if (seq !== link.recvNext) {
      if (link.outOfOrder.has(seq)) stats.duplicatesDropped++;
      else {
        link.outOfOrder.set(seq, packet);
        stats.outOfOrderBuffered++;
      }
      return;
    }
    this.deliverInOrder(from, link, packet);
  }

  private deliverInOrder(from: NodeId, link: PeerLink, first: Uint8Array): void {
    let packet: Uint8Array | undefined = first;
    while (packet !== undefined) {
      link.recvNext++;
      this.stats.delivered++;
      this.sink(
        from,
        readUint32(packet, HEADER_BYTES),
        readUint32(packet, HEADER_BYTES + 4),
        new Uint8Array(
          packet.buffer,
          packet.byteOffset + DATA_HEADER_BYTES,
          packet.byteLength - DATA_HEADER_BYTES,
        ),
      );
      // The sink may have dropped this link (peer down) or killed this node.
      if (this.links[from] !== link || !this.scope.isAlive) return;
      if (link.outOfOrder.size === 0) return;
      packet = link.outOfOrder.get(link.recvNext);
      if (packet !== undefined) link.outOfOrder.delete(link.recvNext);
    }
  }

  private processAck(link: PeerLink, ack: number): void {
    const n = ack - link.ackedUpTo;
    assert(n > 0 && n <= link.inflight.length, 'an ack covers only packets in flight');
    // Usually the whole window (one packet): popping is the cheap way to empty it.
    if (n === link.inflight.length) while (link.inflight.length > 0) link.inflight.pop();
    else link.inflight.splice(0, n);
    link.ackedUpTo = ack;
    link.backoff = 1;
    while (link.inflight.length < LINK_WINDOW_PACKETS && link.backlog.length > 0) {
      this.transmitNew(link, link.backlog.shift()!);
    }
    // Progress: what is still in flight gets a full timeout from now.
    if (link.inflight.length > 0) this.watch(link);
  }

  private transmitNew(link: PeerLink, packet: Uint8Array): void {
    const seq = link.nextSeq++;
    assert(seq <= 0xffffffff, 'sequence numbers fit in 32 bits');
    const wasIdle = link.inflight.length === 0;
    link.inflight.push(packet);
    this.stats.dataSent++;
    this.writeHeader(packet, link, KIND_DATA, seq);
    this.transport.send(this.self, link.peer, packet);
    if (wasIdle) this.watch(link);
  }

  /** Writes the link header, with the ack of everything received so far (which it carries). */
  private writeHeader(packet: Uint8Array, link: PeerLink, kind: number, seq: number): void {
    packet[0] = kind;
    writeUint32(packet, 1, this.incarnation);
    writeUint32(packet, 5, this.membership.incarnationOf(link.peer));
    writeUint32(packet, 9, seq);
    writeUint32(packet, 13, link.recvNext - 1);
    link.isAckOwed = false;
  }

  private oweAck(link: PeerLink): void {
    if (link.isAckOwed) return;
    const nowNs = this.scope.nowNs;
    link.isAckOwed = true;
    link.ackOwedSinceNs = nowNs;
    this.debtLinks.push(link);
    this.debtSinceNs.push(nowNs);
    if (this.ackTimer === null) this.ackTimer = this.scope.schedule(ACK_DELAY_NS, this.flushAcks);
  }

  /**
   * Sends a pure ACK on every link whose debt is at least half the ack delay
   * old (those had their chance to ride on data); younger debts wait for
   * the next firing, so each ack leaves between ACK_DELAY_NS / 2 and
   * ACK_DELAY_NS after its data unless data carried it first.
   */
  private sendOwedAcks(): void {
    this.ackTimer = null;
    const links = this.debtLinks;
    const since = this.debtSinceNs;
    const agedNs = this.scope.nowNs - ACK_DELAY_NS / 2;
    let i = this.debtHead;
    for (; i < links.length; i++) {
      const link = links[i]!;
      const sinceNs = since[i]!;
      const isCurrent = link.isAckOwed && link.ackOwedSinceNs === sinceNs;
      if (!isCurrent || this.links[link.peer] !== link) continue;
      if (sinceNs > agedNs) break;
      const packet = allocatePacket(HEADER_BYTES);
      this.writeHeader(packet, link, KIND_ACK, 0);
      this.stats.acksSent++;
      this.transport.send(this.self, link.peer, packet);
    }
    if (i === links.length) {
      links.length = 0;
      since.length = 0;
      this.debtHead = 0;
      return;
    }
    this.debtHead = i;
    if (i > 64 && 2 * i > links.length) {
      links.splice(0, i);
      since.splice(0, i);
      this.debtHead = 0;
    }
    const dueNs = since[this.debtHead]! + ACK_DELAY_NS;
    this.ackTimer = this.scope.schedule(dueNs - this.scope.nowNs, this.flushAcks);
  }

  /**
   * (Re)starts the link's retransmission timeout from now. Its exact length
   * (which depends on what is in flight) is only worked out when the node
   * timer fires; the timer is armed no later than the shortest it can be.
   */
  private watch(link: PeerLink): void {
    const nowNs = this.scope.nowNs;
    link.progressAtNs = nowNs;
    if (!link.isWatched) {
      link.isWatched = true;
      this.watched.push(link);
    }
    const earliestNs =
      nowNs + Math.min(MAX_RETRANSMIT_TIMEOUT_NS, link.minTimeoutNs * link.backoff);
    if (this.retransmitTimer === null || earliestNs < this.retransmitTimerAtNs) {
      this.retransmitTimer?.cancel();
      this.armRetransmitTimer(earliestNs);
    }
  }

  private armRetransmitTimer(atNs: number): void {
    this.retransmitTimerAtNs = atNs;
    this.retransmitTimer = this.scope.schedule(atNs - this.scope.nowNs, this.checkRetransmits);
  }

  /**
   * The node timer: retransmits on every watched link whose timeout passed,
   * drops links with nothing in flight, and re-arms for the earliest next
   * deadline, but never sooner than RETRANSMIT_SCAN_NS from now: with many
   * links in flight at staggered deadlines, a timer at each deadline would
   * rescan the whole list once per link. A retransmission is therefore late
   * by at most RETRANSMIT_SCAN_NS.
   */
  private retransmitOverdue(): void {
    this.retransmitTimer = null;
    const nowNs = this.scope.nowNs;
    let nextNs = Number.POSITIVE_INFINITY;
    const watched = this.watched;
    let kept = 0;
    for (let w = 0; w < watched.length; w++) {
      const link = watched[w]!;
      if (this.links[link.peer] !== link || link.inflight.length === 0) {
        link.isWatched = false;
        continue;
      }
      watched[kept++] = link;
      // The shortest the timeout can be: most links are not due, and this
      // needs no look at the packets in flight.
      const earliestNs =
        link.progressAtNs + Math.min(MAX_RETRANSMIT_TIMEOUT_NS, link.minTimeoutNs * link.backoff);
      let dueNs = earliestNs > nowNs ? earliestNs : link.progressAtNs + this.timeoutNs(link);
      if (dueNs <= nowNs) {
        for (let i = 0; i < link.inflight.length; i++) {
          // The transport owns the packet sent before: send a fresh copy with the current ack.
          const packet = allocatePacket(link.inflight[i]!.byteLength);
          packet.set(link.inflight[i]!);
          link.inflight[i] = packet;
          this.writeHeader(packet, link, KIND_DATA, link.ackedUpTo + 1 + i);
          this.stats.retransmissions++;
          this.transport.send(this.self, link.peer, packet);
        }
        link.backoff = Math.min(link.backoff * 2, MAX_BACKOFF);
        link.progressAtNs = nowNs;
        dueNs = nowNs + this.timeoutNs(link);
      }
      if (dueNs < nextNs) nextNs = dueNs;
    }
    watched.length = kept;
    if (kept > 0) this.armRetransmitTimer(Math.max(nextNs, nowNs + RETRANSMIT_SCAN_NS));
  }

  /** Expected round trip of the link's largest packet in flight, plus slack, backed off. */
  private timeoutNs(link: PeerLink): number {
    let largest = 0;
    for (const p of link.inflight) if (p.byteLength > largest) largest = p.byteLength;
    const roundTripNs = this.roundTripNs(link.peer, largest);
    return Math.min(MAX_RETRANSMIT_TIMEOUT_NS, (roundTripNs + RETRANSMIT_SLACK_NS) * link.backoff);
  }

  /** A packet of `sizeBytes` out, an ack back, and the ack delay the peer may take. */
  private roundTripNs(peer: NodeId, sizeBytes: number): number {
    return (
      this.transport.expectedDelayNs(this.self, peer, sizeBytes) +
      this.transport.expectedDelayNs(peer, this.self, HEADER_BYTES) +
      ACK_DELAY_NS
    );
  }

  private linkTo(peer: NodeId): PeerLink {
    let link = this.links[peer];
    if (link === undefined) {
      link = new PeerLink(peer, this.roundTripNs(peer, 0) + RETRANSMIT_SLACK_NS);
      this.links[peer] = link;
    }
    return link;
  }
}
