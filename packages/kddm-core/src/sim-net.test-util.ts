// A deterministic in-test network for KDDM nodes on sim-engine: random
// per-message delay, per-link FIFO (what krg-rpc's reliable links give), every
// frame delivered as its own engine event, and a hook after every delivery
// for outside checkers.
import { type Rng, type Scope, SimEngine } from '@krg/sim-engine';
import { type DecodedFrame, decodeFrame, frameLabel } from './frame.js';
import { type IoLinker } from './io-linker.js';
import { KddmNode } from './kddm-node.js';
import { type NodeId } from './node-id.js';
import { type KddmTransport } from './transport.js';

export interface NetOptions {
  readonly minDelayNs: number;
  readonly maxDelayNs: number;
  /**
   * Permuted same-instant delivery: delivery instants are rounded up to a
   * multiple of this many ns, so many messages (and, with the model's sleeps
   * on the same grid, task wake-ups) fall on one instant; the messages of an
   * instant are delivered back to back inside one engine event, handlers
   * inline, in a seeded random order that keeps per-link FIFO. That is the
   * order krg-rpc gives when cast handlers run inside the delivery event, and
   * every other legal interleaving of same-instant arrivals. Unset: each
   * message is its own event at its own instant.
   */
  readonly permuteQuantumNs?: number;
}

interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly frame: Uint8Array;
  readonly fromInc: number;
  readonly toInc: number;
}

export class SimTestNet {
  private readonly nodes = new Map<NodeId, KddmNode>();
  private readonly lastAt = new Map<number, number>();
  private readonly down = new Set<NodeId>();
  /** Bumped at every crash: a message addressed to an older incarnation is dropped. */
  private readonly incarnation = new Map<NodeId, number>();
  /** Messages sent, delivered, and wire bytes. */
  sent = 0;
  delivered = 0;
  wireBytes = 0;
  readonly sentByKind = new Map<string, number>();
  /** Messages due at each permuted instant (permuteQuantumNs), in send order. */
  private readonly batches = new Map<number, InFlight[]>();
  /** Called after every delivery (checkers observe from outside). */
  afterDelivery: ((from: NodeId, to: NodeId, frame: DecodedFrame) => void) | undefined;

  constructor(
    readonly engine: SimEngine,
    private readonly rng: Rng,
    private readonly options: NetOptions,
  ) {}

  attach(node: KddmNode): void {
    this.nodes.set(node.self, node);
  }

  /** The node stops: in-flight messages to and from it are lost. */
  crash(node: NodeId): void {
    this.down.add(node);
    this.incarnation.set(node, (this.incarnation.get(node) ?? 0) + 1);
  }

  /** A fresh node with the same id takes the crashed one's place. */
  reboot(node: KddmNode): void {
    this.down.delete(node.self);
    this.nodes.set(node.self, node);
  }

  transportFor(from: NodeId): KddmTransport {
    return {
      send: (to: NodeId, frame: Uint8Array) => {
        this.wireBytes += frame.byteLength;
        this.sent++;
        const kind = frameLabel(frame);
        this.sentByKind.set(kind, (this.sentByKind.get(kind) ?? 0) + 1);
        const delay = this.rng.intBetween(this.options.minDelayNs, this.options.maxDelayNs);
        const link = from * 256 + to;
        const quantum = this.options.permuteQuantumNs;
        let at = Math.max(this.engine.nowNs + delay, this.lastAt.get(link) ?? 0);
        if (quantum !== undefined) at = Math.ceil(at / quantum) * quantum;
        this.lastAt.set(link, at);
        if (this.down.has(from)) return;
        const m: InFlight = {
          from,
          to,
          frame,
          fromInc: this.incarnation.get(from) ?? 0,
          toInc: this.incarnation.get(to) ?? 0,
        };
        if (quantum === undefined) {
          this.engine.schedule(at - this.engine.nowNs, () => this.deliver(m));
          return;
        }
        const batch = this.batches.get(at);
        if (batch !== undefined) {
          batch.push(m);
          return;
        }
        this.batches.set(at, [m]);
        this.engine.schedule(at - this.engine.nowNs, () => this.deliverBatch(at));
      },
    };
  }

  /** Every message due now, inline, in a seeded random order that keeps each link's FIFO order. */
  private deliverBatch(at: number): void {
    const batch = this.batches.get(at)!;
    this.batches.delete(at);
    while (batch.length > 0) {
      // A random message's link goes next; that link's oldest message is delivered.
      const pick = batch[this.rng.nextInt(batch.length)]!;
      const i = batch.findIndex((m) => m.from === pick.from && m.to === pick.to);
      const [m] = batch.splice(i, 1);
      this.deliver(m!);
    }
  }

  private deliver(m: InFlight): void {
    const { from, to } = m;
    if (this.down.has(to) || this.down.has(from)) return;
    if ((this.incarnation.get(to) ?? 0) !== m.toInc) return;
    if ((this.incarnation.get(from) ?? 0) !== m.fromInc) return;
    const target = this.nodes.get(to);
    if (target === undefined) throw new Error(`no node ${to}`);
    this.delivered++;
    target.receive(from, m.frame);
    if (this.afterDelivery !== undefined) this.afterDelivery(from, to, decodeFrame(m.frame));
  }
}

export interface TestCluster {
  readonly engine: SimEngine;
  readonly net: SimTestNet;
  readonly nodes: KddmNode[];
  readonly scopes: Scope[];
}

/** `n` nodes 0..n-1 on one engine, each with the given linkers registered. */
export function makeCluster(
  n: number,
  seed: number,
  linkers: () => IoLinker<unknown>[],
  net: NetOptions = { minDelayNs: 1_000, maxDelayNs: 50_000 },
): TestCluster {
  const engine = new SimEngine({ seed });
  const testNet = new SimTestNet(engine, engine.rng.fork('net'), net);
  const nodeMap = Array.from({ length: n }, (_, i) => i);
  const nodes: KddmNode[] = [];
  const scopes: Scope[] = [];
  for (const self of nodeMap) {
    const scope = engine.createScope(`node${self}`);
    const node = new KddmNode({
      self,
      nodeMap,
      transport: testNet.transportFor(self),
      scheduler: scope,
    });
    for (const l of linkers()) node.registerLinker(l);
    testNet.attach(node);
    nodes.push(node);
    scopes.push(scope);
  }
  return { engine, net: testNet, nodes, scopes };
}

/** A linker of plain-number objects that start at 0. */
export function counterLinker(name = 'counter'): IoLinker<unknown> {
  return { name, firstTouch: () => ({ value: 0 }) };
}
