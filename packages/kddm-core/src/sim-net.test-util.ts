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
        const at = Math.max(this.engine.nowNs + delay, this.lastAt.get(link) ?? 0);
        this.lastAt.set(link, at);
        const toInc = this.incarnation.get(to) ?? 0;
        const fromInc = this.incarnation.get(from) ?? 0;
        if (this.down.has(from)) return;
        this.engine.schedule(at - this.engine.nowNs, () => {
          if (this.down.has(to) || this.down.has(from)) return;
          if ((this.incarnation.get(to) ?? 0) !== toInc) return;
          if ((this.incarnation.get(from) ?? 0) !== fromInc) return;
          const target = this.nodes.get(to);
          if (target === undefined) throw new Error(`no node ${to}`);
          this.delivered++;
          target.receive(from, frame);
          if (this.afterDelivery !== undefined) this.afterDelivery(from, to, decodeFrame(frame));
        });
      },
    };
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
