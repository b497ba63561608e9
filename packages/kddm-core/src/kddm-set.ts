// One KDDM set on one node: the shell that drives the pure protocol core.
// It keeps, per object, the entry, the local copy, the local operations
// waiting on it and the protocol messages parked on it; it runs the IO
// linker and the transport for the actions the core asks for, and re-steps
// waiting operations and replays parked messages whenever an entry changes
// (Kerrighed's wake_up_on_wait_object + queue_event flushing).
import { encodeValue } from '@krg/ghost-io';
import type { Scheduler } from '@krg/sim-engine';
import {
  KddmBadUsage,
  KddmLimitExceeded,
  KddmNoFlushDestination,
  KddmNoLocalCopy,
  KddmNodeDown,
  KddmNotFrozen,
  KddmObjectBusy,
  KddmObjectLost,
  KddmRemoveInProgress,
  assert,
  type KddmError,
} from './errors.js';
import { defaultOwner, nextPresentNode, type HomePolicy } from './home-policy.js';
import { type IoLinker } from './io-linker.js';
import {
  MAX_HELD_OPERATIONS,
  MAX_OBJECT_BYTES,
  MAX_QUEUED_MESSAGES_PER_OBJECT,
  MAX_WAITERS_PER_OBJECT,
} from './limits.js';
import { type LocalOp, type LocalOutcome, localStep } from './local-verbs.js';
import { type KddmMessage, MessageType } from './messages.js';
import { nodeSetHas, nodeSetOf, nodeSetRemove, nodeSetToArray } from './node-set.js';
import { checkNodeId, type NodeId } from './node-id.js';
import {
  type ObjectEntry,
  type ProtocolAction,
  type ProtocolContext,
  freshEntry,
  message,
} from './object-entry.js';
import { checkObjectId, type ObjectId } from './object-id.js';
import { handleMessage } from './object-server.js';
import { ObjectState, isOwnerState, isReadableState, isRemovingState } from './object-state.js';
import { RequestFlag, hasFlag } from './request-flags.js';
import { newSetCounters, type SetCounters } from './set-counters.js';
import { type SetId } from './set-id.js';
import { NO_PAYLOAD, encodeObjectFrame } from './frame.js';

/** How a set names its home policy on the wire and at creation. */
export type HomeSpec = 'round-robin' | 'unique-id' | 'custom' | { readonly fixed: NodeId };

/** What a set needs from its node. */
export interface SetHost {
  readonly self: NodeId;
  /** The KDDM node map: present nodes, ascending. */
  readonly nodeMap: readonly NodeId[];
  readonly scheduler: Scheduler;
  /** Sends one frame (frame.ts) to `to`. */
  send(to: NodeId, frame: Uint8Array): void;
  /** Nodes known to be down (homes on them fall back to the next live node). Default: none. */
  readonly down?: ReadonlySet<NodeId>;
  /** The node's crash recovery round: while active, local operations wait and nothing is replayed. */
  readonly recovery?: { readonly active: boolean };
}

export interface SetConfig<T> {
  readonly id: SetId;
  readonly linker: IoLinker<T>;
  readonly home: HomeSpec;
  readonly localExclusive: boolean;
  readonly ftLinked: boolean;
  readonly privateData: unknown;
}

/** The end of a local operation, for callback-style drivers. */
export type Completion<T> =
  | { readonly ok: true; readonly value: T | null }
  | { readonly ok: false; readonly error: KddmError };

interface Waiter<T> {
  op: LocalOp;
  readonly value: T | undefined;
  readonly done: (c: Completion<T>) => void;
}

interface HeldOp<T> {
  readonly objId: ObjectId;
  readonly op: LocalOp;
  readonly done: (c: Completion<T>) => void;
  readonly value: T | undefined;
}

interface Parked {
  readonly from: NodeId;
  readonly msg: KddmMessage;
  /** The decoded object payload, or NO_PAYLOAD. */
  readonly payload: unknown;
}

class Slot<T> {
  entry: ObjectEntry | undefined = undefined;
  obj: T | undefined = undefined;
  waiters: Waiter<T>[] = [];
  parked: Parked[] = [];
}

function syntheticAck(
  type: MessageType,
  setId: SetId,
  objId: ObjectId,
  from: NodeId,
  reqId: number,
): KddmMessage {
  return { type, setId, objId, flags: 0, replyNode: from, reqId };
}

/** Messages of the remove path: an object they concern is reported as being removed. */
function isRemoveMessage(type: MessageType): boolean {
  return (
    type === MessageType.REQ_OBJECT_REMOVE ||
    type === MessageType.REQ_OBJECT_REMOVE_TO_MGR ||
    type === MessageType.REMOVE_ACK ||
    type === MessageType.REMOVE_ACK2 ||
    type === MessageType.REMOVE_DONE
  );
}

/** Messages that hand ownership (or the id) to their receiver. */
function carriesOwnership(msg: KddmMessage): boolean {
  switch (msg.type) {
    case MessageType.OBJECT_SEND:
      return msg.objectState !== undefined && isOwnerState(msg.objectState);
    case MessageType.SEND_WRITE_ACCESS:
    case MessageType.SEND_BACK_FIRST_TOUCH:
      return true;
    case MessageType.NO_OBJECT_SEND:
      return hasFlag(msg.flags, RequestFlag.SEND_OWNERSHIP);
    default:
      return false;
  }
}

function sameEntry(a: ObjectEntry | undefined, b: ObjectEntry | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.state === b.state &&
    a.probOwner === b.probOwner &&
    a.copyset === b.copyset &&
    a.rmset === b.rmset &&
    a.frozenCount === b.frozenCount &&
    a.hasObject === b.hasObject &&
    a.rmAck2 === b.rmAck2 &&
    a.ack2Pending === b.ack2Pending &&
    a.chgOwnTarget === b.chgOwnTarget &&
    a.round === b.round &&
    a.earlyAcks === b.earlyAcks &&
    a.version === b.version &&
    a.invalidatedAt === b.invalidatedAt &&
    a.reqFlags === b.reqFlags &&
    a.ownedRmset === b.ownedRmset
  );
}

function homePolicyOf<T>(home: HomeSpec, linker: IoLinker<T>): HomePolicy {
  if (home === 'round-robin') return { kind: 'round-robin' };
  if (home === 'unique-id') return { kind: 'unique-id' };
  if (home === 'custom') {
    if (linker.defaultOwner === undefined) {
      throw new KddmBadUsage(`linker ${linker.name} has no defaultOwner for a custom home policy`);
    }
    return {
      kind: 'custom',
      defaultOwner: (o, p, s) => {
        const owner = linker.defaultOwner?.(o, p, s);
        assert(owner !== undefined, 'custom defaultOwner present');
        return owner;
      },
    };
  }
  return { kind: 'fixed', node: checkNodeId(home.fixed) };
}

/** Verbs that may send messages; during a recovery round they wait for its end. */
function isRemoteVerb(op: LocalOp): boolean {
  return op.verb === 'get' || op.verb === 'grab' || op.verb === 'remove' || op.verb === 'flush';
}

const GET = 0;

/** isReadableState as a table indexed by state, for the fast path. */
const READABLE: readonly boolean[] = Array.from({ length: 17 }, (_, st) =>
  isReadableState(st as ObjectState),
);

/**
 * The fast path changes only the hold count, in place: entries are immutable
 * for the pure core (it always returns new ones and keeps none), and the
 * current entry object belongs to this shell alone. Copying a whole entry on
 * every get and put would cost more than the rest of the fast path.
 */
function bumpHolds(e: ObjectEntry, delta: number): void {
  (e as { frozenCount: number }).frozenCount += delta;
}
const WAIT_CAP_ROUNDS = 1_000_000;

export class KddmSet<T> {
  readonly id: SetId;
  readonly linker: IoLinker<T>;
  readonly home: HomeSpec;
  readonly isLocalExclusive: boolean;
  readonly isFtLinked: boolean;
  readonly privateData: unknown;
  readonly counters: SetCounters = newSetCounters();
  private readonly policy: HomePolicy;
  private readonly slots = new Map<ObjectId, Slot<T>>();
  /** Completions are delivered after the set is consistent again, never from inside a step. */
  private readonly completions: (() => void)[] = [];
  private depth = 0;
  /** Round ids handed to protocol steps: unique per set on this node. */
  private nextRound = 1;
  /** Local operations started while a recovery round runs. */
  private readonly heldOps: HeldOp<T>[] = [];
  /** During the end of a recovery round: the objects that survived it. */
  private alive: ReadonlyMap<ObjectId, NodeId> | undefined = undefined;

  constructor(
    private readonly host: SetHost,
    config: SetConfig<T>,
  ) {
    if (config.linker.firstTouch === undefined && config.linker.alloc === undefined) {
      throw new KddmBadUsage(
        `linker ${config.linker.name} can neither first-touch nor alloc an object`,
      );
    }
    this.id = config.id;
    this.linker = config.linker;
    this.home = config.home;
    this.isLocalExclusive = config.localExclusive;
    this.isFtLinked = config.ftLinked;
    this.privateData = config.privateData;
    this.policy = homePolicyOf(config.home, config.linker);
  }

  /** The default owner (home) of `objId` over the current node map. */
  defaultOwnerOf(objId: ObjectId): NodeId {
    const home = defaultOwner(this.policy, objId, this.host.nodeMap, this.host.self);
    const down = this.host.down;
    if (down === undefined || down.size === 0 || !down.has(home)) return home;
    // The home is down: the next live node answers for it until it is back.
    return nextPresentNode(
      home,
      this.host.nodeMap.filter((n) => !down.has(n)),
    );
  }

  private ctx(objId: ObjectId): ProtocolContext {
    return {
      setId: this.id,
      objId,
      self: this.host.self,
      defaultOwner: this.defaultOwnerOf(objId),
      ftLinked: this.isFtLinked,
      localExclusive: this.isLocalExclusive,
      freshRound: this.nextRound++,
    };
  }

  // ---- verbs (promise style) -------------------------------------------------

  /** kddm_get_object: a readable copy, frozen until put; first touch if it exists nowhere. */
  get(objId: ObjectId): Promise<T | null> {
    const v = this.tryGetLocal(objId);
    if (v !== undefined) return Promise.resolve(v);
    return this.verb(objId, { verb: 'get', flags: 0, waiting: false });
  }
  /** get without first touch: null if the object exists nowhere (still put it). */
  getNoFt(objId: ObjectId): Promise<T | null> {
    return this.verb(objId, { verb: 'get', flags: RequestFlag.NO_FT_REQ, waiting: false });
  }
  /** get that makes the caller owner of a missing object (null): install it with setObject. */
  getManualFt(objId: ObjectId): Promise<T | null> {
    return this.verb(objId, {
      verb: 'get',
      flags: RequestFlag.NO_FT_REQ | RequestFlag.SEND_OWNERSHIP,
      waiting: false,
    });
  }
  /** kddm_grab_object: the exclusive writable copy, frozen until put (a cluster-wide write lock). */
  grab(objId: ObjectId): Promise<T | null> {
    const v = this.tryGrabLocal(objId);
    if (v !== undefined) return Promise.resolve(v);
    return this.verb(objId, { verb: 'grab', flags: 0, waiting: false });
  }
  grabNoFt(objId: ObjectId): Promise<T | null> {
    return this.verb(objId, { verb: 'grab', flags: RequestFlag.NO_FT_REQ, waiting: false });
  }
  grabManualFt(objId: ObjectId): Promise<T | null> {
    return this.verb(objId, {
      verb: 'grab',
      flags: RequestFlag.NO_FT_REQ | RequestFlag.SEND_OWNERSHIP,
      waiting: false,
    });
  }
  /** kddm_try_grab_object: fails with KddmObjectBusy instead of waiting for a holder. */
  tryGrab(objId: ObjectId): Promise<T | null> {
    return this.verb(objId, { verb: 'grab', flags: RequestFlag.TRY_GRAB, waiting: false });
  }
  /** async_kddm_get_object: start fetching a copy, do not wait, do not freeze. */
  asyncGet(objId: ObjectId): void {
    this.startOp(
      objId,
      { verb: 'get', flags: RequestFlag.ASYNC_REQ, waiting: false },
      () => undefined,
    );
  }
  /** async_kddm_grab_object: start fetching the write copy, do not wait, do not freeze. */
  asyncGrab(objId: ObjectId): void {
    this.startOp(
      objId,
      { verb: 'grab', flags: RequestFlag.ASYNC_REQ, waiting: false },
      () => undefined,
    );
  }
  /** kddm_remove_object: destroy the object cluster-wide. */
  async remove(objId: ObjectId): Promise<void> {
    await this.verb(objId, { verb: 'remove', dropOwnFreeze: false, waiting: false });
  }
  /** kddm_remove_frozen_object: the caller holds it (get/grab); its hold is dropped first. */
  async removeFrozen(objId: ObjectId): Promise<void> {
    await this.verb(objId, { verb: 'remove', dropOwnFreeze: true, waiting: false });
  }
  /** kddm_flush_object: drop the local copy, keeping one in the cluster (pushed to `dest` if ours is the only one). */
  async flush(objId: ObjectId, dest?: NodeId): Promise<void> {
    if (dest !== undefined) checkNodeId(dest);
    // The object would die with its destination.
    if (dest !== undefined && this.host.down?.has(dest) === true)
      throw new KddmNodeDown(this.id, objId, dest);
    await this.verb(objId, { verb: 'flush', dest, waiting: false });
  }

  // ---- verbs (synchronous) ---------------------------------------------------

  /** kddm_find_object: the local copy if readable (frozen until put), else null. No messages. */
  find(objId: ObjectId): T | null {
    return this.syncVerb(objId, { verb: 'find' }, undefined);
  }
  /** kddm_put_object: release a get/grab/find hold. */
  put(objId: ObjectId): void {
    // Fast path: an inner hold released, or nothing waits or is parked on the object.
    const slot = this.slots.get(objId);
    const e = slot?.entry;
    if (
      slot !== undefined &&
      e !== undefined &&
      e.frozenCount > 0 &&
      slot.waiters.length === 0 &&
      slot.parked.length === 0
    ) {
      bumpHolds(e, -1);
      this.counters.puts++;
      if (slot.obj !== undefined) this.linker.putObject?.(slot.obj, objId);
      return;
    }
    this.syncVerb(objId, { verb: 'put' }, undefined);
  }
  /** kddm_sync_frozen_object (FT_LINKED sets): push the held copy to the default owner. */
  sync(objId: ObjectId): void {
    this.syncVerb(objId, { verb: 'sync' }, undefined);
  }
  /** kddm_set_object_state after a manual_ft get/grab returned null: install `obj` (then put). */
  setObject(objId: ObjectId, obj: T, state: ObjectState = ObjectState.WRITE_OWNER): void {
    this.syncVerb(objId, { verb: 'setObject', state }, obj);
  }

  /**
   * Fast path of get: when the local copy is readable and nobody waits on it,
   * freeze it and return it synchronously (no engine event). undefined: use get().
   */
  tryGetLocal(objId: ObjectId): T | undefined {
    return this.fastPath(objId, GET);
  }
  /** Fast path of grab: the local copy is already the exclusive writable one. */
  tryGrabLocal(objId: ObjectId): T | undefined {
    return this.fastPath(objId, 1);
  }

  private fastPath(objId: ObjectId, kind: number): T | undefined {
    const slot = this.slots.get(objId);
    if (slot === undefined) return undefined;
    const e = slot.entry;
    if (e === undefined || slot.waiters.length !== 0 || slot.obj === undefined) return undefined;
    if (this.host.recovery?.active === true) return undefined;
    if (kind === GET ? !READABLE[e.state] : e.state !== ObjectState.WRITE_OWNER) return undefined;
    if (this.isLocalExclusive && e.frozenCount > 0) return undefined;
    bumpHolds(e, 1);
    if (kind === GET) this.counters.gets++;
    else this.counters.grabs++;
    this.counters.fastPathHits++;
    return slot.obj;
  }

  // ---- node crash ------------------------------------------------------------

  /**
   * Node `dead` crashed (its copies and requests are gone). What a survivor
   * settles at once, before the recovery round: acks and remove acks the dead
   * node owed count as received, an ownership offer to it counts as declined
   * (or the offer is taken back when nobody else holds a copy), it leaves every
   * copyset and rmset, and its requests parked here are dropped. The node's
   * recovery round then resolves what the dead node owned (README "Crash
   * semantics").
   */
  nodeDown(dead: NodeId): void {
    checkNodeId(dead);
    this.depth++;
    try {
      for (const objId of [...this.slots.keys()]) {
        const slot = this.slots.get(objId);
        if (slot !== undefined) this.forgetNode(objId, slot, dead);
      }
    } finally {
      this.leave();
    }
  }

  private forgetNode(objId: ObjectId, slot: Slot<T>, dead: NodeId): void {
    slot.parked = slot.parked.filter(
      (p) => !(p.msg.type === MessageType.REQ_OBJECT_COPY && p.msg.replyNode === dead),
    );
    // A flush to the dead node that has not pushed yet (it waits for a local holder) fails as it
    // would have at its start: pushed later, the object would die with its destination (found by the
    // permuted-order crash model, seed 7915).
    for (let i = slot.waiters.length - 1; i >= 0; i--) {
      const w = slot.waiters[i]!;
      if (w.op.verb === 'flush' && !w.op.waiting && w.op.dest === dead) {
        slot.waiters.splice(i, 1);
        this.failWith(w.done, new KddmNodeDown(this.id, objId, dead));
      }
    }
    const e = slot.entry;
    if (e === undefined) return this.dropIfEmpty(objId, slot);
    const ctx = this.ctx(objId);
    // Answers the dead node owed, synthesized so the pure core handles them as usual.
    const owed: KddmMessage[] = [];
    if (
      (e.state === ObjectState.WAIT_ACK_INV || e.state === ObjectState.WAIT_ACK_WRITE) &&
      nodeSetHas(e.copyset, dead)
    ) {
      owed.push(syntheticAck(MessageType.INVALIDATION_ACK, this.id, objId, dead, e.round));
    }
    if (e.state === ObjectState.WAIT_CHG_OWN_ACK && e.chgOwnTarget === dead) {
      if (nodeSetToArray(nodeSetRemove(e.copyset, dead)).length === 0) {
        // Nobody else to hand the object to (the decline would push it to the dead node): keep it.
        this.apply(
          objId,
          slot,
          {
            ...e,
            state: ObjectState.READ_OWNER,
            copyset: nodeSetOf(this.host.self),
            chgOwnTarget: undefined,
            round: 0,
          },
          [],
          NO_PAYLOAD,
          undefined,
        );
      } else {
        owed.push(syntheticAck(MessageType.INVALIDATION_ACK, this.id, objId, dead, e.round));
      }
    }
    if (e.state === ObjectState.WAIT_OBJ_RM_ACK && nodeSetHas(e.rmset, dead)) {
      owed.push(syntheticAck(MessageType.REMOVE_ACK, this.id, objId, dead, 0));
    }
    for (const m of owed) {
      const r = handleMessage(slot.entry, dead, m, ctx);
      // A held object defers the answer like any other: it is replayed after the put.
      if (r.kind === 'defer') {
        const parkedAlready = slot.parked.some(
          (p) => p.from === dead && p.msg.type === m.type && p.msg.reqId === m.reqId,
        );
        if (!parkedAlready) this.park(slot, { from: dead, msg: m, payload: NO_PAYLOAD });
      } else this.apply(objId, slot, r.entry, r.actions, NO_PAYLOAD, undefined);
    }
    const cur = slot.entry;
    if (cur !== undefined && (nodeSetHas(cur.copyset, dead) || nodeSetHas(cur.rmset, dead))) {
      this.apply(
        objId,
        slot,
        {
          ...cur,
          copyset: nodeSetRemove(cur.copyset, dead),
          rmset: nodeSetRemove(cur.rmset, dead),
        },
        [],
        NO_PAYLOAD,
        undefined,
      );
    }
    this.settle(objId, slot);
    this.dropIfEmpty(objId, slot);
  }

  // ---- crash recovery round ------------------------------------------------

  /**
   * What this node reports in a recovery round (phase 2): the objects it owns
   * (owner states, or ownership in a message that reached it before its
   * sender's mark) and the objects being removed. `early` are this set's
   * object messages parked by the node during the round, in arrival order.
   */
  recoveryReport(early: readonly { from: NodeId; msg: KddmMessage }[]): {
    owned: ObjectId[];
    removing: ObjectId[];
  } {
    const owned = new Set<ObjectId>();
    const removing = new Set<ObjectId>();
    for (const [objId, slot] of this.slots) {
      const e = slot.entry;
      if (e !== undefined) {
        if (isRemovingState(e.state) || e.ack2Pending || e.ownedRmset !== undefined)
          removing.add(objId);
        else if (isOwnerState(e.state)) owned.add(objId);
      }
      for (const p of slot.parked) if (isRemoveMessage(p.msg.type)) removing.add(objId);
    }
    for (const { msg } of early) {
      if (isRemoveMessage(msg.type)) removing.add(msg.objId);
      else if (carriesOwnership(msg)) owned.add(msg.objId);
    }
    for (const o of removing) owned.delete(o);
    return {
      owned: [...owned].sort((a, b) => a - b),
      removing: [...removing].sort((a, b) => a - b),
    };
  }

  /**
   * The round is complete: `owners` names a surviving owner of every object
   * that still exists and is not being removed (the lowest reporting node).
   * Objects not in it are gone (their owner died, or a remove was under way):
   * copies and entries are dropped, operations waiting on them fail with
   * KddmObjectLost (removes and flushes are done). Surviving objects keep
   * their owner; other nodes point at it, re-send requests that were waiting
   * (they may have gone through a dead node), and the home gets an entry
   * pointing at the owner if it had none (a rebooted home), so nobody
   * first-touches a surviving object. Owners still collecting invalidation
   * acks invalidate again (an invalidation sent by a dead node is lost).
   */
  resolveRecovery(owners: ReadonlyMap<ObjectId, NodeId>): void {
    this.depth++;
    try {
      const ids = new Set<ObjectId>(this.slots.keys());
      for (const objId of owners.keys())
        if (this.defaultOwnerOf(objId) === this.host.self) ids.add(objId);
      this.alive = owners;
      for (const objId of [...ids].sort((a, b) => a - b)) {
        const owner = owners.get(objId);
        if (owner === undefined) this.dropLost(objId);
        else this.repoint(objId, owner);
      }
    } finally {
      this.leave();
    }
  }

  /** After resolveRecovery: should a message parked before the round be replayed? */
  keepAfterRecovery(msg: KddmMessage): boolean {
    // About an object that did not survive (possibly one this node never had an entry for).
    if (this.alive !== undefined && !this.alive.has(msg.objId)) return false;
    // Every requester re-sends after the round; an old request would be served twice.
    return msg.type !== MessageType.REQ_OBJECT_COPY;
  }

  /** After the round's messages were filtered: lost objects need no more remembering. */
  forgetLost(): void {
    this.alive = undefined;
  }

  /** The round is over everywhere: local operations held during it start now, in order. */
  endRecovery(): void {
    for (const [objId, slot] of [...this.slots]) {
      this.depth++;
      try {
        this.settle(objId, slot);
        this.dropIfEmpty(objId, slot);
      } finally {
        this.leave();
      }
    }
    for (const h of this.heldOps.splice(0)) this.startOp(h.objId, h.op, h.done, h.value);
  }

  private dropLost(objId: ObjectId): void {
    const slot = this.slots.get(objId);
    if (slot === undefined) return;
    slot.parked = [];
    const e = slot.entry;
    const actions: ProtocolAction[] = slot.obj !== undefined ? [{ kind: 'invalidate' }] : [];
    // A local holder keeps its hold (its put must work) on an entry that is no longer readable.
    const next: ObjectEntry | undefined =
      e !== undefined && e.frozenCount > 0
        ? { ...freshEntry(this.ctx(objId)), frozenCount: e.frozenCount }
        : undefined;
    this.apply(objId, slot, next, actions, NO_PAYLOAD, undefined);
    for (const w of slot.waiters.splice(0)) {
      const verb = w.op.verb;
      const done = w.done;
      const c: Completion<T> =
        verb === 'remove' || verb === 'flush'
          ? { ok: true, value: null }
          : { ok: false, error: new KddmObjectLost(this.id, objId) };
      this.completions.push(() => done(c));
    }
    this.dropIfEmpty(objId, slot);
  }

  private repoint(objId: ObjectId, owner: NodeId): void {
    const slot = this.slotOf(objId);
    const e = slot.entry;
    const ctx = this.ctx(objId);
    if (e === undefined) {
      // We are the home and knew nothing of it (a rebooted home): point at the owner.
      if (owner !== this.host.self) {
        this.apply(
          objId,
          slot,
          { ...freshEntry(ctx), state: ObjectState.INV_COPY, probOwner: owner },
          [],
          NO_PAYLOAD,
          undefined,
        );
      }
    } else if (isOwnerState(e.state)) {
      if (e.state === ObjectState.WAIT_ACK_INV || e.state === ObjectState.WAIT_ACK_WRITE) {
        const again = nodeSetToArray(nodeSetRemove(e.copyset, this.host.self)).map(
          (to): ProtocolAction => ({
            kind: 'send',
            to,
            msg: message(ctx, MessageType.REQ_OBJECT_INVALID, this.host.self, {
              reqId: e.round,
              version: e.version,
            }),
          }),
        );
        this.apply(objId, slot, e, again, NO_PAYLOAD, undefined);
      }
    } else if (owner !== this.host.self) {
      const waiting =
        e.state === ObjectState.WAIT_OBJ_READ || e.state === ObjectState.WAIT_OBJ_WRITE;
      this.apply(
        objId,
        slot,
        {
          ...e,
          probOwner: owner,
          ...(waiting
            ? {
                state: e.hasObject ? ObjectState.READ_COPY : ObjectState.INV_COPY,
                round: 0,
                invalidatedAt: 0,
              }
            : {}),
        },
        [],
        NO_PAYLOAD,
        undefined,
      );
      // Waiting get/grab ask again (their request may have died with a node).
      if (waiting) {
        for (const w of slot.waiters) {
          if (w.op.verb === 'get' || w.op.verb === 'grab') w.op = { ...w.op, waiting: false };
        }
      }
    }
    slot.parked = slot.parked.filter((p) => p.msg.type !== MessageType.REQ_OBJECT_COPY);
    this.dropIfEmpty(objId, slot);
  }

  // ---- inspection ------------------------------------------------------------

  /** This node's entry for `objId` (undefined: none). */
  entryOf(objId: ObjectId): ObjectEntry | undefined {
    return this.slots.get(objId)?.entry;
  }
  /** This node's copy of `objId`, without freezing (for checkers and debuggers). */
  peek(objId: ObjectId): T | undefined {
    return this.slots.get(objId)?.obj;
  }
  /** Object ids this node has an entry, a copy, a waiter or a parked message for, ascending. */
  objectIds(): ObjectId[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }
  /** Local operations waiting on `objId`. */
  waitingOps(objId: ObjectId): number {
    return this.slots.get(objId)?.waiters.length ?? 0;
  }
  /** Protocol messages parked on `objId`. */
  parkedMessages(objId: ObjectId): number {
    return this.slots.get(objId)?.parked.length ?? 0;
  }

  // ---- the engine of the shell ----------------------------------------------

  private verb(objId: ObjectId, op: LocalOp): Promise<T | null> {
    const d = this.host.scheduler.defer<T | null>();
    this.startOp(objId, op, (c) => {
      if (c.ok) d.resolve(c.value);
      else d.reject(c.error);
    });
    return d.promise;
  }

  private syncVerb(objId: ObjectId, op: LocalOp, value: T | undefined): T | null {
    let out: Completion<T> | undefined;
    this.startOp(objId, op, (c) => (out = c), value);
    assert(out !== undefined, `${op.verb} completes synchronously`);
    const c: Completion<T> = out;
    if (!c.ok) throw c.error;
    return c.value;
  }

  /**
   * Start a local operation; `done` is called once, possibly synchronously
   * (after the set is consistent again), possibly from a later message.
   */
  startOp(objId: ObjectId, op: LocalOp, done: (c: Completion<T>) => void, value?: T): void {
    checkObjectId(objId);
    if (this.host.recovery?.active === true && isRemoteVerb(op)) {
      // A recovery round runs: nothing may be asked of other nodes until it ends.
      if (this.heldOps.length >= MAX_HELD_OPERATIONS)
        throw new KddmLimitExceeded(
          'MAX_HELD_OPERATIONS',
          MAX_HELD_OPERATIONS,
          this.heldOps.length + 1,
        );
      this.heldOps.push({ objId, op, done, value });
      return;
    }
    const dest = op.verb === 'flush' ? op.dest : undefined;
    if (dest !== undefined && this.host.down?.has(dest) === true) {
      // The destination died since the flush was asked for (held through a recovery round).
      this.depth++;
      try {
        this.failWith(done, new KddmNodeDown(this.id, objId, dest));
      } finally {
        this.leave();
      }
      return;
    }
    this.count(op);
    const slot = this.slotOf(objId);
    if (slot.waiters.length >= MAX_WAITERS_PER_OBJECT) {
      throw new KddmLimitExceeded(
        'MAX_WAITERS_PER_OBJECT',
        MAX_WAITERS_PER_OBJECT,
        slot.waiters.length + 1,
      );
    }
    this.depth++;
    try {
      const w: Waiter<T> = { op, value, done };
      const r = localStep(slot.entry, op, this.ctx(objId));
      this.apply(objId, slot, r.entry, r.actions, NO_PAYLOAD, value);
      if (r.outcome.kind === 'wait') {
        w.op = r.outcome.op;
        slot.waiters.push(w);
      } else {
        this.complete(objId, slot, w, r.outcome);
      }
      this.settle(objId, slot);
    } finally {
      this.leave();
    }
  }

  /** A protocol message for this set arrived from `from`. */
  receive(from: NodeId, msg: KddmMessage, payload: unknown = NO_PAYLOAD): void {
    this.counters.messagesReceived[msg.type]++;
    const slot = this.slotOf(msg.objId);
    this.depth++;
    try {
      const r = handleMessage(slot.entry, from, msg, this.ctx(msg.objId));
      if (r.kind === 'defer') {
        this.park(slot, { from, msg, payload });
      } else {
        if (r.unexpected !== undefined) this.counters.unexpected++;
        this.apply(msg.objId, slot, r.entry, r.actions, payload, undefined);
        // A message may name a node that is down since it was sent (a REMOVE_DONE listing it, a
        // copyset handed over with ownership): forget it as at its crash.
        const down = this.host.down;
        if (down !== undefined && down.size > 0) {
          for (const d of [...down].sort((a, b) => a - b)) this.forgetNode(msg.objId, slot, d);
        }
        this.settle(msg.objId, slot);
      }
      this.dropIfEmpty(msg.objId, slot);
    } finally {
      this.leave();
    }
  }

  private park(slot: Slot<T>, p: Parked): void {
    if (slot.parked.length >= MAX_QUEUED_MESSAGES_PER_OBJECT) {
      throw new KddmLimitExceeded(
        'MAX_QUEUED_MESSAGES_PER_OBJECT',
        MAX_QUEUED_MESSAGES_PER_OBJECT,
        slot.parked.length + 1,
      );
    }
    slot.parked.push(p);
    this.counters.deferred++;
  }

  private leave(): void {
    this.depth--;
    if (this.depth === 0) {
      while (this.completions.length > 0) {
        const f = this.completions.shift();
        if (f) f();
      }
    }
  }

  private slotOf(objId: ObjectId): Slot<T> {
    let s = this.slots.get(objId);
    if (s === undefined) {
      s = new Slot<T>();
      this.slots.set(objId, s);
    }
    return s;
  }

  private dropIfEmpty(objId: ObjectId, slot: Slot<T>): void {
    if (
      slot.entry === undefined &&
      slot.obj === undefined &&
      slot.waiters.length === 0 &&
      slot.parked.length === 0
    ) {
      this.slots.delete(objId);
    }
  }

  private count(op: LocalOp): void {
    const c = this.counters;
    switch (op.verb) {
      case 'get':
        c.gets++;
        break;
      case 'grab':
        c.grabs++;
        break;
      case 'find':
        c.finds++;
        break;
      case 'put':
        c.puts++;
        break;
      case 'remove':
        c.removes++;
        break;
      case 'flush':
        c.flushes++;
        break;
      case 'sync':
        c.syncs++;
        break;
      case 'setObject':
        break;
    }
  }

  /** Re-step waiting operations (oldest first) and replay parked messages until nothing moves. */
  private settle(objId: ObjectId, slot: Slot<T>): void {
    // During a recovery round nothing moves: the round's end settles every object.
    if (this.host.recovery?.active === true) return;
    for (let round = 0; ; round++) {
      if (round >= WAIT_CAP_ROUNDS) assert(false, `object ${this.id}:${objId} settles`);
      let moved = false;
      for (let i = 0; i < slot.waiters.length; i++) {
        const w = slot.waiters[i] as Waiter<T>;
        const r = localStep(slot.entry, w.op, this.ctx(objId));
        if (r.outcome.kind === 'wait' && r.actions.length === 0 && sameEntry(r.entry, slot.entry)) {
          w.op = r.outcome.op;
          continue;
        }
        this.apply(objId, slot, r.entry, r.actions, NO_PAYLOAD, w.value);
        if (r.outcome.kind === 'wait') {
          w.op = r.outcome.op;
        } else {
          slot.waiters.splice(i, 1);
          this.complete(objId, slot, w, r.outcome);
        }
        moved = true;
        break; // the entry changed: start again from the oldest waiter
      }
      if (moved) continue;
      if (slot.parked.length > 0) {
        const parked = slot.parked;
        slot.parked = [];
        for (const p of parked) {
          const r = handleMessage(slot.entry, p.from, p.msg, this.ctx(objId));
          if (r.kind === 'defer') {
            slot.parked.push(p);
            continue;
          }
          if (r.unexpected !== undefined) this.counters.unexpected++;
          this.apply(objId, slot, r.entry, r.actions, p.payload, undefined);
          moved = true;
        }
      }
      if (!moved) return;
    }
  }

  /** Ends an operation with `error`, after the set is consistent again. */
  private failWith(done: (c: Completion<T>) => void, error: KddmError): void {
    const c: Completion<T> = { ok: false, error };
    this.completions.push(() => done(c));
  }

  private complete(objId: ObjectId, slot: Slot<T>, w: Waiter<T>, outcome: LocalOutcome): void {
    let c: Completion<T>;
    if (outcome.kind === 'done') {
      let value: T | null = null;
      if (outcome.hasValue) {
        if (slot.obj === undefined)
          assert(false, `object ${this.id}:${objId} present when returned`);
        value = slot.obj;
      }
      c = { ok: true, value };
    } else {
      assert(outcome.kind === 'fail', 'a completed operation is done or failed');
      c = { ok: false, error: this.errorOf(objId, w.op, outcome.why, outcome.detail) };
    }
    const done = w.done;
    this.completions.push(() => done(c));
  }

  private errorOf(
    objId: ObjectId,
    op: LocalOp,
    why: string,
    detail: string | undefined,
  ): KddmError {
    switch (why) {
      case 'busy':
        return new KddmObjectBusy(this.id, objId);
      case 'already':
        return new KddmRemoveInProgress(this.id, objId);
      case 'noDest':
        return new KddmNoFlushDestination(this.id, objId);
      case 'noLocalCopy':
        return new KddmNoLocalCopy(this.id, objId);
      case 'notFrozen':
        return new KddmNotFrozen(this.id, objId, op.verb);
      default:
        return new KddmBadUsage(`${op.verb} of object ${this.id}:${objId}: ${detail ?? why}`);
    }
  }

  /** Perform the core's actions in order, then install the new entry. */
  private apply(
    objId: ObjectId,
    slot: Slot<T>,
    entry: ObjectEntry | undefined,
    actions: readonly ProtocolAction[],
    payload: unknown,
    value: T | undefined,
  ): void {
    const linker = this.linker;
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          this.send(objId, slot, a.to, a.msg);
          break;
        case 'firstTouch':
          slot.obj = linker.firstTouch
            ? linker.firstTouch(objId)
            : (linker.alloc as (o: ObjectId) => T)(objId);
          break;
        case 'import': {
          assert(payload !== NO_PAYLOAD, 'import has a payload');
          slot.obj = linker.importObject
            ? linker.importObject(payload, objId, slot.obj)
            : (payload as T);
          break;
        }
        case 'invalidate':
          if (slot.obj !== undefined) linker.invalidateObject?.(slot.obj, objId);
          slot.obj = undefined;
          break;
        case 'removeObject':
          if (slot.obj !== undefined) linker.removeObject?.(slot.obj, objId);
          slot.obj = undefined;
          break;
        case 'sync':
          if (slot.obj !== undefined) linker.syncObject?.(slot.obj, objId);
          break;
        case 'put':
          if (slot.obj !== undefined) linker.putObject?.(slot.obj, objId);
          break;
        case 'setObject':
          assert(value !== undefined, 'set_object has an object');
          slot.obj = value;
          break;
      }
    }
    const from = slot.entry?.state;
    slot.entry = entry;
    const to = entry?.state;
    if (from !== to) {
      linker.changeState?.(objId, from, to);
      if (
        to !== undefined &&
        slot.obj !== undefined &&
        isReadableState(to) &&
        (from === undefined || !isReadableState(from))
      ) {
        linker.insertObject?.(slot.obj, objId, to);
      }
    }
    if ((entry?.hasObject ?? false) !== (slot.obj !== undefined))
      assert(false, `object ${this.id}:${objId}: local copy matches the entry`);
  }

  private send(objId: ObjectId, slot: Slot<T>, to: NodeId, msg: KddmMessage): void {
    let data: Uint8Array | undefined;
    if (msg.carriesObject === true) {
      if (slot.obj === undefined) assert(false, `object ${this.id}:${objId} present when sent`);
      const exported = this.linker.exportObject
        ? this.linker.exportObject(slot.obj, objId)
        : slot.obj;
      // ghost-io's codec never rewrites bytes it has returned, so the view is ours to keep.
      const bytes = encodeValue(exported);
      if (bytes.byteLength > MAX_OBJECT_BYTES)
        throw new KddmLimitExceeded('MAX_OBJECT_BYTES', MAX_OBJECT_BYTES, bytes.byteLength);
      this.counters.objectBytesSent += bytes.byteLength;
      data = bytes;
    }
    this.counters.messagesSent[msg.type]++;
    this.host.send(to, encodeObjectFrame(msg, data));
  }
}
