// One node's RPC endpoint (one incarnation of it): the services it offers,
// the calls and conversations it has open, its reliable links. Kerrighed's
// shape: services registered per id; `call` (rpc_sync: one result),
// `cast` (rpc_async: fire and forget), their multicast forms over a node
// set, and `begin` for a lock-step conversation (rpc_begin → descriptor).
// Everything here is volatile: a crash drops the object, a reboot makes a
// new one with the same id.
import { decodeValue, encodeValue } from '@krg/ghost-io';
import type { Deferred, Scope } from '@krg/sim-engine';
import { assert } from './assert.js';
import { CallDeadlines, type DeadlineEntry } from './call-deadlines.js';
import { ConversationTable } from './conversation-table.js';
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
  describeError,
  headerWord,
  isWellFormedHeader,
  M_BEGIN,
  M_CANCEL,
  M_CREDIT,
  M_DATA,
  M_END,
  M_RESULT,
  messageFlag,
  messageKind,
  messageServiceId,
  MODE_BYTES_CAST,
  MODE_CALL,
  MODE_CAST,
  MODE_DESCRIPTOR,
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

/**
 * A bytes-cast handler (`registerBytes`): called synchronously inside the
 * event that delivers the cast, with the sender and the body exactly as the
 * sender passed it to `castBytes`. `body` is a view into the received
 * packet, never rewritten: the handler may keep it. The body comes from the
 * network: the handler validates it. A throw is a bug and stops the run,
 * except an `RpcError` (ignored, as for a cast).
 */
export type BytesHandler = (from: NodeId, body: Uint8Array) => void;

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

class PendingCall implements DeadlineEntry {
  isEnded = false;
  constructor(
    readonly peer: NodeId,
    readonly serviceId: number,
    readonly convId: number,
    readonly timeoutNs: number,
    readonly deadlineNs: number,
    readonly deferred: Deferred<unknown>,
  ) {}
}

type ClientEntry = PendingCall | RpcDescriptor;

/** What `decodeBody` returns for a body that does not decode. */
const MALFORMED: unique symbol = Symbol('malformed');

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
  /** Services that take bytes casts (`registerBytes`); ids are shared with `services`. */
  private readonly bytesServices = new Map<number, BytesHandler>();
  /** Conversations this node opened, by conversation id (unique on this node while open). */
  private readonly clientConvs = new ConversationTable<ClientEntry>();
  private readonly serverConvs: (Map<number, RpcDescriptor> | undefined)[] = new Array<
    Map<number, RpcDescriptor> | undefined
  >(MAX_NODE_ID + 1);
  private openCount = 0;
  private alive = true;
  private readonly downListeners: PeerDownListener[] = [];
  private readonly upListeners: PeerUpListener[] = [];
  private readonly deadlines: CallDeadlines<PendingCall>;

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
    this.links = new ReliableLinks(
      nodeId,
      incarnation,
      scope,
      transport,
      membership,
      (from, w0, w1, b) => this.handleFrame(from, w0, w1, b),
    );
    this.deadlines = new CallDeadlines<PendingCall>(scope, (call) => {
      // Still in the table: nothing answered it in time.
      this.removeClient(call);
      call.isEnded = true;
      call.deferred.reject(new RpcTimeout(call.peer, call.serviceId, call.timeoutNs));
    });
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
    this.checkServiceFree(serviceId);
    this.services.set(serviceId, handler);
  }

  /**
   * Offers `serviceId` for bytes casts only (`castBytes`): the body skips
   * the codec on both sides, and `handler` runs inside the delivery event,
   * with no task and no second event. For a protocol that defines and
   * validates its own binary layout (KDDM's frames). Casts and calls with
   * codec values to this id are dropped as malformed, as are bytes casts to
   * a `register`ed id.
   */
  registerBytes(serviceId: number, handler: BytesHandler): void {
    this.checkUp();
    checkServiceId(serviceId);
    this.checkServiceFree(serviceId);
    this.bytesServices.set(serviceId, handler);
  }

  unregister(serviceId: number): void {
    checkServiceId(serviceId);
    this.services.delete(serviceId);
    this.bytesServices.delete(serviceId);
  }

  private checkServiceFree(serviceId: number): void {
    if (this.services.has(serviceId) || this.bytesServices.has(serviceId))
      throw new RpcServiceExists(serviceId);
    if (this.services.size + this.bytesServices.size >= MAX_SERVICES)
      throw new RpcLimitExceeded('MAX_SERVICES', MAX_SERVICES);
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
    const body = encodeValue(args);
    const convId = this.allocateConvId();
    this.links.send(to, headerWord(M_BEGIN, MODE_CALL, serviceId), convId, body);
    const pending = new PendingCall(
      to,
      serviceId,
      convId,
      timeoutNs,
      this.scope.nowNs + timeoutNs,
      this.scope.defer<unknown>(),
    );
    this.addClient(pending);
    this.deadlines.add(pending);
    this.stats.callsSent++;
    return pending.deferred.promise;
  }

  /** Kerrighed's rpc_async: runs `serviceId` on `to`, no answer. Throws `RpcPeerDown` if `to` is down. */
  cast(serviceId: number, to: NodeId, args: unknown): void {
    this.checkUp();
    checkServiceId(serviceId);
    checkNodeId('cast to', to);
    this.links.send(to, headerWord(M_BEGIN, MODE_CAST, serviceId), 0, encodeValue(args));
    this.stats.castsSent++;
  }

  /**
   * A cast of raw bytes to a `registerBytes` service on `to`: `body` is
   * copied into the packet as it is (no codec); `RpcMessageTooLarge` if the packet would exceed MAX_PACKET_BYTES.
   * Same delivery as `cast` (exactly once, per-link FIFO with every other
   * message to `to`); throws `RpcPeerDown` if `to` is down.
   */
  castBytes(serviceId: number, to: NodeId, body: Uint8Array): void {
    this.checkUp();
    checkServiceId(serviceId);
    checkNodeId('castBytes to', to);
    this.links.send(to, headerWord(M_BEGIN, MODE_BYTES_CAST, serviceId), 0, body);
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
    const convId = this.allocateConvId();
    const desc = new RpcDescriptor(this, to, serviceId, convId, 'client', timeoutNs);
    // The server's waits in this conversation get the same deadline.
    this.links.send(
      to,
      headerWord(M_BEGIN, MODE_DESCRIPTOR, serviceId),
      convId,
      encodeValue(timeoutNs),
    );
    this.addClient(desc);
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
  sendTo(peer: NodeId, kind: number, toServer: boolean, convId: number, body: Uint8Array): void {
    this.links.send(peer, headerWord(kind, toServer ? 1 : 0), convId, body);
  }

  /** @internal */
  release(desc: RpcDescriptor): void {
    if (desc.role === 'client') {
      this.removeClient(desc);
      return;
    }
    const map = this.serverConvs[desc.peer];
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
    // In call order (ids grow with each call), as the callers would expect.
    const clients = this.clientConvs
      .entries()
      .filter((e) => e.peer === peer)
      .sort((a, b) => a.convId - b.convId);
    for (const entry of clients) this.removeClient(entry);
    for (const entry of clients) {
      if (entry instanceof PendingCall) {
        this.endCall(entry);
        entry.deferred.reject(error);
      } else {
        entry.fail(error);
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
    this.bytesServices.clear();
    this.clientConvs.clear();
    this.serverConvs.fill(undefined);
    this.openCount = 0;
    this.downListeners.length = 0;
    this.upListeners.length = 0;
  }

  private handleFrame(from: NodeId, word0: number, convId: number, body: Uint8Array): void {
    if (!isWellFormedHeader(word0)) {
      this.stats.malformedMessages++;
      return;
    }
    const kind = messageKind(word0);
    const flag = messageFlag(word0);
    switch (kind) {
      case M_BEGIN: {
        if (flag === MODE_BYTES_CAST) {
          this.serveBytes(from, messageServiceId(word0), body);
          return;
        }
        if (this.bytesServices.has(messageServiceId(word0))) {
          // A codec message to a bytes service: not from a well-behaved peer.
          this.stats.malformedMessages++;
          return;
        }
        const args = this.decodeBody(body);
        if (args !== MALFORMED) this.serve(from, messageServiceId(word0), flag, convId, args);
        return;
      }
      case M_RESULT: {
        const entry = this.clientConvs.get(convId);
        if (entry === undefined || entry.peer !== from) return; // timed out or cancelled meanwhile
        const value = this.decodeBody(body);
        if (value === MALFORMED) return;
        const isOk = flag === 1;
        if (entry instanceof PendingCall) {
          this.removeClient(entry);
          this.endCall(entry);
          if (isOk) entry.deferred.resolve(value);
          else entry.deferred.reject(this.remoteError(from, entry.serviceId, value));
        } else {
          entry.onResult(isOk, value);
        }
        return;
      }
      default: {
        const desc =
          flag === 1 ? this.serverConvs[from]?.get(convId) : this.clientConvs.get(convId);
        if (!(desc instanceof RpcDescriptor) || desc.peer !== from) return; // over already: drop
        this.deliverToDescriptor(desc, kind, body);
      }
    }
  }

  /** Decodes a frame body from the network; a bad one is counted and dropped. */
  private decodeBody(body: Uint8Array): unknown {
    try {
      return decodeValue(body);
    } catch {
      this.stats.malformedMessages++;
      return MALFORMED;
    }
  }

  private deliverToDescriptor(desc: RpcDescriptor, kind: number, body: Uint8Array): void {
    switch (kind) {
      case M_DATA:
        desc.onData(body);
        return;
      case M_END:
        desc.onEnd();
        return;
      case M_CANCEL:
        desc.fail(new RpcCancelled(true));
        return;
      case M_CREDIT: {
        const consumedBytes = this.decodeBody(body);
        if (
          typeof consumedBytes !== 'number' ||
          !Number.isSafeInteger(consumedBytes) ||
          consumedBytes < 0
        ) {
          if (consumedBytes !== MALFORMED) this.stats.malformedMessages++;
          return;
        }
        desc.onCredit(consumedBytes);
        return;
      }
      default:
        assert(false, `message kind ${kind} is not for a descriptor`);
    }
  }

  private serveBytes(from: NodeId, serviceId: number, body: Uint8Array): void {
    const handler = this.bytesServices.get(serviceId);
    if (handler === undefined) {
      // No such service (a cast: nobody to tell), or a bytes cast to a codec service.
      if (this.services.has(serviceId)) this.stats.malformedMessages++;
      return;
    }
    this.stats.requestsServed++;
    try {
      handler(from, body);
    } catch (error) {
      // As for a cast: an operating error of the RPC layer ends it quietly.
      if (!(error instanceof RpcError)) throw error;
    }
  }

  private serve(
    from: NodeId,
    serviceId: number,
    mode: number,
    convId: number,
    args: unknown,
  ): void {
    const handler = this.services.get(serviceId);
    const isCast = mode === MODE_CAST;
    if (handler === undefined) {
      if (!isCast) this.reply(from, convId, false, ['RpcServiceUnknown', 'no such service']);
      return;
    }
    let desc: RpcDescriptor | null = null;
    if (mode === MODE_DESCRIPTOR) {
      if (this.openCount >= MAX_OPEN_CONVERSATIONS) {
        this.reply(from, convId, false, ['RpcLimitExceeded', 'MAX_OPEN_CONVERSATIONS']);
        return;
      }
      // The client sends its deadline; the server's waits use the same one.
      const timeoutNs =
        typeof args === 'number' && Number.isSafeInteger(args) && args > 0
          ? Math.min(args, MAX_CALL_TIMEOUT_NS)
          : DEFAULT_CALL_TIMEOUT_NS;
      desc = new RpcDescriptor(this, from, serviceId, convId, 'server', timeoutNs);
      let map = this.serverConvs[from];
      if (map === undefined) {
        map = new Map();
        this.serverConvs[from] = map;
      }
      map.set(convId, desc);
      this.openCount++;
    }
    this.stats.requestsServed++;
    const ctx: RpcContext = { from, serviceId, node: this, desc };
    // A call's (or conversation's) handler starts inside the delivery event:
    // no second event per call. A cast's handler starts as an event of its
    // own, after what is already due now: KDDM's coherence protocol runs on
    // casts and was built on that order (with casts started inline, the
    // kernel's two-node shm ping-pong livelocks). Either way, requests on one
    // link start in arrival order.
    // (The closures are written inline: a closure bound to a name costs a
    // defineProperty per request under the benchmark's tsx transform.)
    if (isCast) this.scope.spawn('rpc handler', () => this.runHandler(handler, args, ctx, -1));
    else this.scope.spawnNow('rpc handler', () => this.runHandler(handler, args, ctx, convId));
  }

  /**
   * Runs one request's handler and answers it; `convId` -1 for a cast
   * (nobody to answer). A promise chain rather than an async function: this
   * runs once per request, and the chain allocates less.
   */
  private runHandler(
    handler: RpcHandler,
    args: unknown,
    ctx: RpcContext,
    convId: number,
  ): Promise<void> {
    let result: Promise<unknown>;
    try {
      // Promise.resolve hands a native promise back as is; it also takes a
      // handler that (against its type) returns a plain value.
      result = Promise.resolve(handler(args, ctx));
    } catch (error) {
      // A handler that throws synchronously fails like one that rejects.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      result = Promise.reject(error);
    }
    return result.then(
      (value) => this.answer(ctx, convId, true, value),
      (error: unknown) => this.answer(ctx, convId, false, error),
    );
  }

  private answer(ctx: RpcContext, convId: number, isOk: boolean, value: unknown): void {
    if (convId === -1) {
      // A cast: nobody waits for it. An operating error of the RPC layer (a
      // peer went down) ends it quietly; anything else is a bug and stops the run.
      if (!isOk && !(value instanceof RpcError)) throw value;
      return;
    }
    const desc = ctx.desc;
    if (desc !== null) {
      if (desc.isClosed) return; // cancelled or failed: the client is not listening
      desc.finish();
    }
    this.reply(ctx.from, convId, isOk, isOk ? value : describeError(value));
  }

  private reply(to: NodeId, convId: number, isOk: boolean, value: unknown): void {
    if (!this.alive) return;
    try {
      this.links.send(to, headerWord(M_RESULT, isOk ? 1 : 0), convId, encodeValue(value));
    } catch (error) {
      if (error instanceof RpcPeerDown) return; // the caller is gone
      // The result could not be encoded or is too large: the caller gets that error instead.
      this.links.send(to, headerWord(M_RESULT, 0), convId, encodeValue(describeError(error)));
    }
  }

  private remoteError(from: NodeId, serviceId: number, value: unknown): RpcError {
    const [code, message] = Array.isArray(value)
      ? [String(value[0]), String(value[1])]
      : ['Error', String(value)];
    if (code === 'RpcServiceUnknown') return new RpcServiceUnknown(from, serviceId);
    return new RpcRemoteError(from, serviceId, code, message);
  }

  /** A call ended before its deadline (answered, or its peer went down). */
  private endCall(call: PendingCall): void {
    call.isEnded = true;
    this.deadlines.noteEnded();
  }

  private addClient(entry: ClientEntry): void {
    this.clientConvs.add(entry);
    this.openCount++;
  }

  private removeClient(entry: ClientEntry): void {
    if (this.clientConvs.remove(entry)) this.openCount--;
  }

  private allocateConvId(): number {
    return this.clientConvs.allocateId(this.openCount - this.clientConvs.size);
  }

  private checkUp(): void {
    if (!this.alive) throw new RpcNodeNotUp(this.nodeId);
  }
}
