// The simulated network: a `Transport` on sim-engine. Each packet takes
// latency + size / bandwidth of its directed link (the cost model), then the
// fault injector decides whether it is lost, duplicated or held back. Links
// have no queueing: two packets sent at once travel independently (so a
// small one can overtake a large one; reliable links restore the order).
// Loopback (a node to itself) is instantaneous and fault-free.
import {
  DEFAULT_COST_MODEL,
  linkCost,
  transferTimeNs,
  validateCostModel,
  type CostModel,
  type Engine,
  type FaultInjector,
} from '@krg/sim-engine';
import { RpcMessageTooLarge } from './errors.js';
import { MAX_NODE_ID, MAX_PACKET_BYTES } from './limits.js';
import { checkNodeId, type NodeId } from './node-id.js';
import type { PacketReceiver, Transport } from './transport.js';

export interface SimNetworkOptions {
  /** Link latencies and bandwidths; default `DEFAULT_COST_MODEL`. */
  costModel?: CostModel;
  /** Drops, delays, duplicates and partitions; none without one. */
  faults?: FaultInjector;
}

/** Counters of one network (plain data). */
export interface NetworkStats {
  packetsSent: number;
  bytesSent: number;
  /** Copies put on the wire (a duplicated packet counts twice). */
  copiesScheduled: number;
  packetsLost: number;
  packetsDuplicated: number;
  /** Copies that arrived at a node with no receiver attached (down). */
  packetsUndeliverable: number;
  packetsDelivered: number;
}

/** A copy of a packet on the wire (records are reused once delivered). */
interface Delivery {
  from: NodeId;
  to: NodeId;
  packet: Uint8Array | null;
}

/** Delivery records kept for reuse. */
const MAX_SPARE_DELIVERIES = 4096;

export class SimNetwork implements Transport {
  private readonly receivers: (PacketReceiver | undefined)[] = new Array<
    PacketReceiver | undefined
  >(MAX_NODE_ID + 1);
  private readonly costModel: CostModel;
  private readonly faults: FaultInjector | undefined;
  private readonly spareDeliveries: Delivery[] = [];
  private readonly deliverCopy = (d: Delivery): void => this.deliver(d);
  readonly stats: NetworkStats = {
    packetsSent: 0,
    bytesSent: 0,
    copiesScheduled: 0,
    packetsLost: 0,
    packetsDuplicated: 0,
    packetsUndeliverable: 0,
    packetsDelivered: 0,
  };

  constructor(
    private readonly engine: Engine,
    options: SimNetworkOptions = {},
  ) {
    this.costModel = validateCostModel(options.costModel ?? DEFAULT_COST_MODEL);
    this.faults = options.faults;
  }

  /**
   * One-way delay of a `sizeBytes` packet on `from -> to` without faults:
   * latency + size / bandwidth. A node's packets to itself never touch a
   * wire: they take no time (and no fault applies to them).
   */
  delayNs(from: NodeId, to: NodeId, sizeBytes: number): number {
    if (from === to) return 0;
    return transferTimeNs(linkCost(this.costModel, from, to), sizeBytes);
  }

  expectedDelayNs(from: NodeId, to: NodeId, sizeBytes: number): number {
    return this.delayNs(from, to, sizeBytes);
  }

  attach(node: NodeId, receive: PacketReceiver): void {
    checkNodeId('attach node', node);
    this.receivers[node] = receive;
  }

  detach(node: NodeId): void {
    checkNodeId('detach node', node);
    this.receivers[node] = undefined;
  }

  send(from: NodeId, to: NodeId, packet: Uint8Array): void {
    if (packet.byteLength > MAX_PACKET_BYTES) {
      throw new RpcMessageTooLarge(packet.byteLength, MAX_PACKET_BYTES);
    }
    const stats = this.stats;
    stats.packetsSent++;
    stats.bytesSent += packet.byteLength;
    this.engine.trace(from * 256 + to);
    this.engine.trace(packet.byteLength);
    const baseNs = this.delayNs(from, to, packet.byteLength);
    const verdict =
      this.faults === undefined || from === to ? undefined : this.faults.decide(from, to);
    if (verdict === undefined || (verdict.copies === 1 && verdict.extraDelayNs[0] === 0)) {
      stats.copiesScheduled++;
      this.engine.post(baseNs, this.deliverCopy, this.delivery(from, to, packet));
      return;
    }
    if (verdict.copies === 0) {
      stats.packetsLost++;
      return;
    }
    if (verdict.copies === 2) stats.packetsDuplicated++;
    for (let i = 0; i < verdict.copies; i++) {
      stats.copiesScheduled++;
      const atNs = baseNs + verdict.extraDelayNs[i]!;
      this.engine.post(atNs, this.deliverCopy, this.delivery(from, to, packet));
    }
  }

  private delivery(from: NodeId, to: NodeId, packet: Uint8Array): Delivery {
    const d = this.spareDeliveries.pop();
    if (d === undefined) return { from, to, packet };
    d.from = from;
    d.to = to;
    d.packet = packet;
    return d;
  }

  private deliver(d: Delivery): void {
    const { from, to, packet } = d;
    d.packet = null;
    if (this.spareDeliveries.length < MAX_SPARE_DELIVERIES) this.spareDeliveries.push(d);
    const receive = this.receivers[to];
    if (receive === undefined) {
      this.stats.packetsUndeliverable++;
      return;
    }
    this.stats.packetsDelivered++;
    receive(from, packet!);
  }
}
