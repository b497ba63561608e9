// The cluster's fabric: the simulated network, krg-rpc's layer over it and,
// for every node, its RPC endpoint and its KDDM node over that endpoint
// (kddmOverRpc). Each node's kernel runs in its endpoint's scope, so a crash
// ends the node's CPU loop, timers and pending KDDM operations at once, as a
// real crash ends everything volatile.
import { KddmNode, kddmOverRpc } from '@krg/kddm-core';
import { RpcLayer, SimNetwork, type RpcNode } from '@krg/krg-rpc';
import type { CostModel, SimEngine } from '@krg/sim-engine';

/** One incarnation of one node on the fabric. */
export interface FabricNode {
  readonly id: number;
  readonly rpc: RpcNode;
  readonly kddm: KddmNode;
}

export class Fabric {
  readonly network: SimNetwork;
  readonly rpc: RpcLayer;
  /** Every node id of the cluster, ascending: the KDDM node map (fixed, as Kerrighed's at boot). */
  readonly nodeIds: readonly number[];

  constructor(engine: SimEngine, cost: CostModel, nodes: number) {
    this.network = new SimNetwork(engine, { costModel: cost });
    this.rpc = new RpcLayer(engine, this.network);
    this.nodeIds = Array.from({ length: nodes }, (_, i) => i);
  }

  /** Boots node `id` (first boot or reboot): a fresh endpoint and an empty KDDM node. */
  boot(id: number): FabricNode {
    const rpc = this.rpc.boot(id);
    const binding = kddmOverRpc(rpc);
    const kddm = new KddmNode({
      self: id,
      nodeMap: this.nodeIds,
      transport: binding.transport,
      scheduler: rpc.scope,
    });
    binding.attach(kddm);
    return { id, rpc, kddm };
  }

  /** Crashes node `id`: its endpoint, scope and KDDM state are gone; survivors notice after the detection delay. */
  crash(id: number): void {
    this.rpc.crash(id);
  }

  isUp(id: number): boolean {
    return this.rpc.membership.isUp(id);
  }
}
