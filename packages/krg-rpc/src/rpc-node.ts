// One node's RPC endpoint (one incarnation of it): the services it offers,
// the calls and conversations it has open, its reliable links. Kerrighed's
// shape: services registered per id; `call` (rpc_sync: one result),
// `cast` (rpc_async: fire and forget), their multicast forms over a node
// set, and `begin` for a lock-step conversation (rpc_begin → descriptor).
// Everything here is volatile: a crash drops the object, a reboot makes a
// new one with the same id.
import type { Deferred, Scope, Timer } from '@krg/sim-engine';
import { assert } from './assert.js';
import { RpcDescriptor, type ConversationHost } from './descriptor.js';
import {
  RpcCancelled,
  RpcError,
  RpcInvalidArgument,
  RpcLimitExceeded,
  RpcNodeNotUp,
  RpcPeerDown,
  RpcRemoteError,
  RpcServiceExists,
  RpcServiceUnknown,
  RpcTimeout,
} from './errors.js';
import {
  DEFAULT_CALL_TIMEOUT_NS,
  MAX_CALL_TIMEOUT_NS,
  MAX_LISTENERS,
  MAX_NODE_ID,
  MAX_OPEN_CONVERSATIONS,
  MAX_SERVICE_ID,
  MAX_SERVICES,
} from './limits.js';
import type { DownReason, Membership } from './membership.js';
import {
  beginMessage,
  describeError,
  M_BEGIN,
  M_CANCEL,
  M_CREDIT,
  M_DATA,
  M_END,
  M_RESULT,
  MODE_CALL,
  MODE_CAST,
  MODE_DESCRIPTOR,
  parseMessage,
  resultMessage,
  type Message,
} from './message.js';
import { checkNodeId, normalizeNodeSet, type NodeId } from './node-id.js';
import { ReliableLinks } from './reliable-links.js';
import type { Transport } from './transport.js';

/** What a handler learns about the request it serves. */
export interface RpcContext {
  /** The calling node. */
  readonly from: NodeId;
  readonly serviceId: number;
  /** The serving node. */
  readonly node: RpcNode;
  /** The open conversation, for services the client reached with `begin`; null for call and cast. */
  readonly desc: RpcDescriptor | null;
}

/**
 * A service handler. Its return value is the call's result (encoded with
 * ghost-io's codec); what it throws reaches a caller as `RpcRemoteError`.
 */
export type RpcHandler = (args: unknown, ctx: RpcContext) => Promise<unknown>;

export interface CallOptions {
  /** Deadline in simulated ns (default DEFAULT_CALL_TIMEOUT_NS). */
  timeoutNs?: number;
}

/** One node's answer in a multicast call. */
export type RpcOutcome = { isOk: true; value: unknown } | { isOk: false; error: RpcError };

export type PeerDownListener = (peer: NodeId, reason: DownReason) => void;
export type PeerUpListener = (peer: NodeId) => void;

/** Counters of one node (plain data). */
export interface RpcNodeStats {
  callsSent: number;
  castsSent: number;
  requestsServed: number;
  malformedMessages: number;
}

class PendingCall {
  timer: Timer | null = null;
  constructor(
    readonly peer: NodeId,
    readonly serviceId: number,
    readonly deferred: Deferred<unknown>,
  ) {}
}

type ClientEntry = PendingCall | RpcDescriptor;

function checkServiceId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_SERVICE_ID) {
    throw new RpcInvalidArgument('serviceId', `an integer in [0, ${MAX_SERVICE_ID}]`, id);
  }
  return id;
}

function checkTimeout(options: CallOptions | undefined): number {
  const t = options?.timeoutNs ?? DEFAULT_CALL_TIMEOUT_NS;
  if (!Number.isSafeInteger(t) || t <= 0 || t > MAX_CALL_TIMEOUT_NS) {
    throw new RpcInvalidArgument('timeoutNs', `an integer in [1, ${MAX_CALL_TIMEOUT_NS}]`, t);
  }
  return t;
}

function addListener<T>(list: T[], listener: T): () => void {
  if (list.length >= MAX_LISTENERS) throw new RpcLimitExceeded('MAX_LISTENERS', MAX_LISTENERS);
  list.push(listener);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}

export class RpcNode implements ConversationHost {
  readonly stats: RpcNodeStats = {
    callsSent: 0,
    castsSent: 0,
    requestsServed: 0,
    malformedMessages: 0,
  };
  /** @internal */
  readonly links: ReliableLinks;
  private readonly services = new Map<number, RpcHandler>();
  private readonly clientConvs: (Map<number, ClientEntry> | undefined)[] = new Array<
    Map<number, ClientEntry> | undefined
  >(MAX_NODE_ID + 1);
  private readonly serverConvs: (Map<number, RpcDescriptor> | undefined)[] = new Array<
    Map<number, RpcDescriptor> | undefined
  >(MAX_NODE_ID + 1);
  private openCount = 0;
  private nextConvId = 1;
  private alive = true;
  private readonly downListeners: PeerDownListener[] = [];
  private readonly upListeners: PeerUpListener[] = [];

  /** @internal Created by `RpcLayer.boot`. */
  constructor(
    readonly nodeId: NodeId,
    /** 1 for the first boot of this id, then one more per reboot. */
    readonly incarnation: number,
    /** The node's scope: its timers and tasks die with it. Run the node's activities in it. */
    readonly scope: Scope,
    transport: Transport,
    private readonly membership: Membership,
  ) {
    this.links = new ReliableLinks(nodeId, incarnation, scope, transport, membership, (from, m) =>
      this.handleMessage(from, m),
    );
  }

  /** False once this incarnation crashed or left. */
  get isUp(): boolean {
    return this.alive;
  }

  /** Calls and conversations open on this node (client and server side). */
  get openConversations(): number {
    return this.openCount;
  }

  /** Offers `serviceId` on this node. */
  register(serviceId: number, handler: RpcHandler): void {
    this.checkUp();
    checkServiceId(serviceId);
    if (this.services.has(serviceId)) throw new RpcServiceExists(serviceId);
    if (this.services.size >= MAX_SERVICES)
      throw new RpcLimitExceeded('MAX_SERVICES', MAX_SERVICES);
    this.services.set(serviceId, handler);
  }

  unregister(serviceId: number): void {
    this.services.delete(checkServiceId(serviceId));
  }

  /**
   * Kerrighed's rpc_sync: runs `serviceId` on node `to` with `args` and
   * resolves with its result. Rejects with `RpcPeerDown` (now or when the
   * peer's crash is detected), `RpcTimeout`, `RpcServiceUnknown` or
   * `RpcRemoteError`; never hangs past its deadline.
   */
  call(serviceId: number, to: NodeId, args: unknown, options?: CallOptions): Promise<unknown> {
    // Not `async`: the hot path of every remote operation saves the extra
    // promise and microtask hops. Synchronous failures become rejections.
    try {
      return this.startCall(serviceId, to, args, options);
    } catch (error) {
      // The thrown error is passed on unchanged (it is always an RpcError or a codec error).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
  }

  private startCall(
    serviceId: number,
    to: NodeId,
    args: unknown,
    options: CallOptions | undefined,
  ): Promise<unknown> {
    this.checkUp();
    checkServiceId(serviceId);
    checkNodeId('call to', to);
    const timeoutNs = checkTimeout(options);
    if (!this.membership.isUp(to)) throw new RpcPeerDown(to, 'not-up');
    const convId = this.allocateConvId(to);
    const pending = new PendingCall(to, serviceId, this.scope.defer<unknown>());
    this.links.send(to, beginMessage(convId, serviceId, MODE_CALL, args));
    this.addClient(to, convId, pending);
    pending.timer = this.scope.schedule(timeoutNs, () => {
      if (this.clientConvs[to]?.get(convId) !== pending) return;
      this.removeClient(to, convId);
      pending.deferred.reject(new RpcTimeout(to, serviceId, timeoutNs));
    });
    this.stats.callsSent++;
    return pending.deferred.promise;
  }

  /** Kerrighed's rpc_async: runs `serviceId` on `to`, no answer. Throws `RpcPeerDown` if `to` is down. */
  cast(serviceId: number, to: NodeId, args: unknown): void {
    this.checkUp();
    checkServiceId(serviceId);
    checkNodeId('cast to', to);
    this.links.send(to, beginMessage(0, serviceId, MODE_CAST, args));
    this.stats.castsSent++;
  }

  /** rpc_sync_m: calls every node of `nodes`; one outcome per node, in node order. */
  async callMany(
    serviceId: number,
    nodes: Iterable<NodeId>,
    args: unknown,
    options?: CallOptions,
  ): Promise<Map<NodeId, RpcOutcome>> {
    const set = normalizeNodeSet('callMany nodes', nodes);
    const outcomes = await Promise.all(
      set.map((to) =>
        this.call(serviceId, to, args, options).then(
          (value): RpcOutcome => ({ isOk: true, value }),
          (error: unknown): RpcOutcome => {
            if (error instanceof RpcError) return { isOk: false, error };
            throw error;
          },
        ),
      ),
    );
    return new Map(set.map((to, i) => [to, outcomes[i]!]));
  }

  /** rpc_async_m: casts to every node of `nodes` that is up; returns the nodes that were down. */
  castMany(serviceId: number, nodes: Iterable<NodeId>, args: unknown): NodeId[] {
    const down: NodeId[] = [];
    for (const to of normalizeNodeSet('castMany nodes', nodes)) {
      if (this.membership.isUp(to)) this.cast(serviceId, to, args);
      else down.push(to);
    }
    return down;
  }

  /** rpc_begin: opens a lock-step conversation with `serviceId` on `to`. */
  begin(serviceId: number, to: NodeId, options?: CallOptions): RpcDescriptor {
    this.checkUp();
    checkServiceId(serviceId);
    checkNodeId('begin to', to);
    const timeoutNs = checkTimeout(options);
    if (!this.membership.isUp(to)) throw new RpcPeerDown(to, 'not-up');
    const convId = this.allocateConvId(to);
    const desc = new RpcDescriptor(this, to, serviceId, convId, 'client', timeoutNs);
    // The server's waits in this conversation get the same deadline.
    this.links.send(to, beginMessage(convId, serviceId, MODE_DESCRIPTOR, timeoutNs));
    this.addClient(to, convId, desc);
    return desc;
  }

  /** Tells `listener` when a peer goes down (it dies with this node). */
  onPeerDown(listener: PeerDownListener): () => void {
    return addListener(this.downListeners, listener);
  }

  /** Tells `listener` when a peer boots (it dies with this node). */
  onPeerUp(listener: PeerUpListener): () => void {
    return addListener(this.upListeners, listener);
  }

  // ConversationHost

  /** @internal */
  sendTo(peer: NodeId, message: unknown): void {
    this.links.send(peer, message);
  }

  /** @internal */
  release(desc: RpcDescriptor): void {
    const table = desc.role === 'client' ? this.clientConvs : this.serverConvs;
    const map = table[desc.peer];
    if (map?.get(desc.convId) === desc) {
      map.delete(desc.convId);
      this.openCount--;
    }
  }

  // Membership events, called by RpcLayer.

  /** @internal A peer went down: fail everything open with it, then tell listeners. */
  handlePeerDown(peer: NodeId, reason: DownReason): void {
    if (!this.alive) return;
    this.links.dropPeer(peer);
    const error = new RpcPeerDown(peer, reason);
    const clients = this.clientConvs[peer];
    if (clients !== undefined) {
      this.clientConvs[peer] = undefined;
      this.openCount -= clients.size;
      for (const entry of clients.values()) {
        if (entry instanceof PendingCall) {
          entry.timer?.cancel();
          entry.deferred.reject(error);
        } else {
          entry.fail(error);
        }
      }
    }
    const servers = this.serverConvs[peer];
    if (servers !== undefined) {
      this.serverConvs[peer] = undefined;
      this.openCount -= servers.size;
      for (const desc of servers.values()) desc.fail(error);
    }
    for (const l of [...this.downListeners]) l(peer, reason);
  }

  /** @internal */
  handlePeerUp(peer: NodeId): void {
    if (!this.alive) return;
    for (const l of [...this.upListeners]) l(peer);
  }

  /** @internal This incarnation ends (crash or leave): all volatile state goes. */
  shutdown(): void {
    this.alive = false;
    this.scope.kill();
    this.services.clear();
    this.clientConvs.fill(undefined);
    this.serverConvs.fill(undefined);
    this.openCount = 0;
    this.downListeners.length = 0;
    this.upListeners.length = 0;
  }

  private handleMessage(from: NodeId, raw: unknown): void {
    const m = parseMessage(raw);
    if (m === null) {
      this.stats.malformedMessages++;
      return;
    }
    switch (m.kind) {
      case M_BEGIN:
        this.serve(from, m);
        return;
      case M_RESULT: {
        const entry = this.clientConvs[from]?.get(m.convId);
        if (entry === undefined) return; // timed out or cancelled meanwhile
        if (entry instanceof PendingCall) {
          this.removeClient(from, m.convId);
          entry.timer?.cancel();
          if (m.isOk) entry.deferred.resolve(m.value);
          else entry.deferred.reject(this.remoteError(from, entry.serviceId, m.value));
        } else {
          entry.onResult(m.isOk, m.value);
        }
        return;
      }
      default: {
        const desc = m.toServer
          ? this.serverConvs[from]?.get(m.convId)
          : this.clientConvs[from]?.get(m.convId);
        if (!(desc instanceof RpcDescriptor)) return; // over already: drop
        this.deliverToDescriptor(desc, m);
      }
    }
  }

  private deliverToDescriptor(desc: RpcDescriptor, m: Message): void {
    switch (m.kind) {
      case M_DATA:
        desc.onData(m.bytes);
        return;
      case M_END:
        desc.onEnd();
        return;
      case M_CANCEL:
        desc.fail(new RpcCancelled(true));
        return;
      case M_CREDIT:
        desc.onCredit(m.consumedBytes);
        return;
      default:
        assert(false, `message kind ${m.kind} is not for a descriptor`);
    }
  }

  private serve(from: NodeId, m: Extract<Message, { kind: typeof M_BEGIN }>): void {
    const handler = this.services.get(m.serviceId);
    const isCast = m.mode === MODE_CAST;
    if (handler === undefined) {
      if (!isCast) this.reply(from, m.convId, false, ['RpcServiceUnknown', 'no such service']);
      return;
    }
    let desc: RpcDescriptor | null = null;
    if (m.mode === MODE_DESCRIPTOR) {
      if (this.openCount >= MAX_OPEN_CONVERSATIONS) {
        this.reply(from, m.convId, false, ['RpcLimitExceeded', 'MAX_OPEN_CONVERSATIONS']);
        return;
      }
      // The client sends its deadline; the server's waits use the same one.
      const timeoutNs =
        typeof m.args === 'number' && Number.isSafeInteger(m.args) && m.args > 0
          ? Math.min(m.args, MAX_CALL_TIMEOUT_NS)
          : DEFAULT_CALL_TIMEOUT_NS;
      desc = new RpcDescriptor(this, from, m.serviceId, m.convId, 'server', timeoutNs);
      let map = this.serverConvs[from];
      if (map === undefined) {
        map = new Map();
        this.serverConvs[from] = map;
      }
      map.set(m.convId, desc);
      this.openCount++;
    }
    this.stats.requestsServed++;
    const ctx: RpcContext = { from, serviceId: m.serviceId, node: this, desc };
    this.scope.spawn('rpc handler', async () => {
      let isOk = true;
      let value: unknown;
      try {
        value = await handler(m.args, ctx);
      } catch (error) {
        isOk = false;
        value = error;
      }
      if (isCast) {
        // Nobody waits for a cast: an operating error of the RPC layer (a peer
        // went down) ends it quietly; anything else is a bug and stops the run.
        if (!isOk && !(value instanceof RpcError)) throw value;
        return;
      }
      if (desc !== null) {
        if (desc.isClosed) return; // cancelled or failed: the client is not listening
        desc.finish();
      }
      this.reply(from, m.convId, isOk, isOk ? value : describeError(value));
    });
  }

  private reply(to: NodeId, convId: number, isOk: boolean, value: unknown): void {
    if (!this.alive) return;
    try {
      this.links.send(to, resultMessage(convId, isOk, value));
    } catch (error) {
      if (error instanceof RpcPeerDown) return; // the caller is gone
      // The result could not be encoded or is too large: the caller gets that error instead.
      this.links.send(to, resultMessage(convId, false, describeError(error)));
    }
  }

  private remoteError(from: NodeId, serviceId: number, value: unknown): RpcError {
    const [code, message] = Array.isArray(value)
      ? [String(value[0]), String(value[1])]
      : ['Error', String(value)];
    if (code === 'RpcServiceUnknown') return new RpcServiceUnknown(from, serviceId);
    return new RpcRemoteError(from, serviceId, code, message);
  }

  private addClient(peer: NodeId, convId: number, entry: ClientEntry): void {
    let map = this.clientConvs[peer];
    if (map === undefined) {
      map = new Map();
      this.clientConvs[peer] = map;
    }
    map.set(convId, entry);
    this.openCount++;
  }

  private removeClient(peer: NodeId, convId: number): void {
    const map = this.clientConvs[peer];
    if (map?.delete(convId) === true) this.openCount--;
  }

  private allocateConvId(peer: NodeId): number {
    if (this.openCount >= MAX_OPEN_CONVERSATIONS) {
      throw new RpcLimitExceeded('MAX_OPEN_CONVERSATIONS', MAX_OPEN_CONVERSATIONS);
    }
    const map = this.clientConvs[peer];
    for (;;) {
      const id = this.nextConvId;
      this.nextConvId = id >= 0xffffffff ? 1 : id + 1;
      if (map?.has(id) !== true) return id;
    }
  }

  private checkUp(): void {
    if (!this.alive) throw new RpcNodeNotUp(this.nodeId);
  }
}
