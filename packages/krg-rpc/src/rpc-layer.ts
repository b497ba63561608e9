// The cluster's RPC layer: boots, crashes, reboots and removes nodes, and
// wires their endpoints to a transport and to the membership. Crash means
// every bit of the node's volatile state is gone (its `RpcNode`, services,
// open calls, links, timers and tasks); the survivors notice after the
// failure-detection delay and fail whatever they had open with it. A reboot
// is a fresh node with the same id and a new incarnation.
import type { Engine, FaultInjector, Timer } from '@krg/sim-engine';
import { assert } from './assert.js';
import { RpcInvalidArgument, RpcLimitExceeded, RpcMembershipError } from './errors.js';
import { DEFAULT_FAILURE_DETECTION_NS, MAX_LISTENERS, MAX_NODE_ID } from './limits.js';
import { Membership } from './membership.js';
import { checkNodeId, type NodeId } from './node-id.js';
import { RpcNode } from './rpc-node.js';
import type { Transport } from './transport.js';

export interface RpcLayerOptions {
  /** Crashes it schedules (`crashAt`) take nodes down through this layer. */
  faults?: FaultInjector;
  /** Simulated ns between a crash and the survivors noticing (default DEFAULT_FAILURE_DETECTION_NS). */
  failureDetectionNs?: number;
}

export type BootHook = (node: RpcNode) => void;

export class RpcLayer {
  readonly membership = new Membership();
  private readonly nodes: (RpcNode | undefined)[] = new Array<RpcNode | undefined>(MAX_NODE_ID + 1);
  private readonly pendingDetection: (Timer | undefined)[] = new Array<Timer | undefined>(
    MAX_NODE_ID + 1,
  );
  private readonly bootHooks: BootHook[] = [];
  private readonly failureDetectionNs: number;

  constructor(
    private readonly engine: Engine,
    private readonly transport: Transport,
    options: RpcLayerOptions = {},
  ) {
    const delay = options.failureDetectionNs ?? DEFAULT_FAILURE_DETECTION_NS;
    if (!Number.isSafeInteger(delay) || delay < 0) {
      throw new RpcInvalidArgument('failureDetectionNs', 'a safe integer >= 0', delay);
    }
    this.failureDetectionNs = delay;
    options.faults?.onCrash((id) => {
      if (id <= MAX_NODE_ID && this.nodes[id] !== undefined) this.crash(id);
    });
    this.membership.onNodeDown((id, reason) => {
      for (const node of this.nodes) node?.handlePeerDown(id, reason);
    });
    this.membership.onNodeUp((id) => {
      for (const node of this.nodes)
        if (node !== undefined && node.nodeId !== id) node.handlePeerUp(id);
    });
  }

  /** Runs `hook` on every node as it boots (register services there). Returns an unsubscribe. */
  onBoot(hook: BootHook): () => void {
    if (this.bootHooks.length >= MAX_LISTENERS) {
      throw new RpcLimitExceeded('MAX_LISTENERS', MAX_LISTENERS);
    }
    this.bootHooks.push(hook);
    return () => {
      const i = this.bootHooks.indexOf(hook);
      if (i >= 0) this.bootHooks.splice(i, 1);
    };
  }

  /** The live endpoint of node `id`, if it is up. */
  node(id: NodeId): RpcNode | undefined {
    checkNodeId('node id', id);
    return this.nodes[id];
  }

  /** Every live endpoint, in id order. */
  liveNodes(): RpcNode[] {
    return this.nodes.filter((n): n is RpcNode => n !== undefined);
  }

  /** Boots node `id` (a new incarnation); throws `RpcMembershipError` if it is up. */
  boot(id: NodeId): RpcNode {
    checkNodeId('boot id', id);
    if (this.nodes[id] !== undefined) throw new RpcMembershipError(`node ${id} is already up`);
    // A crash not yet noticed is noticed now: the old life ends before the new one starts.
    const pending = this.pendingDetection[id];
    if (pending !== undefined) {
      pending.cancel();
      this.pendingDetection[id] = undefined;
      this.membership.markDown(id, 'crash');
    }
    const incarnation = this.membership.incarnationOf(id) + 1;
    const node = new RpcNode(
      id,
      incarnation,
      this.engine.createScope(`node${id}#${incarnation}`),
      this.transport,
      this.membership,
    );
    this.nodes[id] = node;
    this.transport.attach(id, (from, packet) => node.links.receive(from, packet));
    const marked = this.membership.markUp(id);
    assert(marked === incarnation, 'membership and layer agree on the incarnation');
    for (const hook of [...this.bootHooks]) hook(node);
    return node;
  }

  /**
   * Crashes node `id` now: its volatile state is gone at once; the others
   * notice after the failure-detection delay. Throws if it is not up.
   */
  crash(id: NodeId): void {
    this.takeDown(id, 'crash');
    if (this.failureDetectionNs === 0) {
      this.membership.markDown(id, 'crash');
      return;
    }
    this.pendingDetection[id] = this.engine.schedule(this.failureDetectionNs, () => {
      this.pendingDetection[id] = undefined;
      this.membership.markDown(id, 'crash');
    });
  }

  /** Crash (if up) then boot: a fresh node with the same id. */
  reboot(id: NodeId): RpcNode {
    checkNodeId('reboot id', id);
    if (this.nodes[id] !== undefined) this.crash(id);
    return this.boot(id);
  }

  /**
   * Graceful leave: the others are told at once (reason 'leave'), then the
   * node stops. Higher layers move what they must off the node before.
   */
  leave(id: NodeId): void {
    this.takeDown(id, 'leave');
    this.membership.markDown(id, 'leave');
  }

  private takeDown(id: NodeId, what: string): void {
    checkNodeId(`${what} id`, id);
    const node = this.nodes[id];
    if (node === undefined) throw new RpcMembershipError(`cannot ${what} node ${id}: it is not up`);
    this.nodes[id] = undefined;
    this.transport.detach(id);
    node.shutdown();
  }
}
