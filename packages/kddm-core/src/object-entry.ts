// One node's bookkeeping for one object (Kerrighed's struct kddm_obj), as an
// immutable record so protocol steps are pure functions returning a new one.
// The object value itself lives in the node shell; `hasObject` says whether
// a local copy exists.
import { type KddmMessage } from './messages.js';
import { type NodeId } from './node-id.js';
import { EMPTY_NODE_SET, type NodeSet } from './node-set.js';
import { type ObjectId } from './object-id.js';
import { ObjectState } from './object-state.js';
import { type SetId } from './set-id.js';

export interface ObjectEntry {
  readonly state: ObjectState;
  /** Where requests for the object are sent (Li/Hudak probable owner). Self in owner states. */
  readonly probOwner: NodeId;
  /** Owner: nodes holding a copy (incl. self). WAIT_OBJ_WRITE: invalidation acks received early. */
  readonly copyset: NodeSet;
  /** Nodes that may hold an entry and must be told of a remove. WAIT_OBJ_RM_*: acks still awaited. */
  readonly rmset: NodeSet;
  /** Local get/grab holders (Kerrighed's frozen_count). */
  readonly frozenCount: number;
  /** A local copy of the object exists. */
  readonly hasObject: boolean;
  /** A REMOVE_ACK carried NEED_OBJ_RM_ACK2: owe REMOVE_ACK2 to the default owner when the remove completes. */
  readonly rmAck2: boolean;
  /** Default owner removing while another remove acked it: a REMOVE_ACK2 is still to come. */
  readonly ack2Pending: boolean;
  /** WAIT_CHG_OWN_ACK: the copy holder ownership was offered to. */
  readonly chgOwnTarget: NodeId | undefined;
  /**
   * The round this node waits on: the id of its outstanding request
   * (WAIT_OBJ_READ / WAIT_OBJ_WRITE), of the write round whose acks it
   * collects (WAIT_ACK_INV / WAIT_ACK_WRITE), or of its ownership offer
   * (WAIT_CHG_OWN_ACK). 0: none. Kerrighed's msg_server_t has a req_id it
   * does not use; here every reply and ack echoes its round.
   */
  readonly round: number;
  /** Invalidation acks that arrived before the object of their write round, by round. */
  readonly earlyAcks: readonly EarlyAcks[];
  /**
   * Version of the local copy (owner: of the object): every write grant
   * bumps it. Read copies and invalidations carry it, so a node waiting for
   * a read copy can tell a copy older than an invalidation it already acked.
   */
  readonly version: number;
  /** WAIT_OBJ_READ: the newest write round that invalidated us while we waited. */
  readonly invalidatedAt: number;
  /** Flags of the outstanding request (to re-send it when its answer turns out stale). */
  readonly reqFlags: number;
  /**
   * WAIT_OBJ_RM_DONE: ownership reached us while our REMOVE_TO_MGR travels;
   * the nodes to remove from once it comes back to us. undefined: not owner.
   */
  readonly ownedRmset: NodeSet | undefined;
}

export interface EarlyAcks {
  readonly round: number;
  readonly nodes: NodeSet;
}

/**
 * Per-call context of a protocol step: who we are, the object's default
 * owner under the set's home policy, and the set flags that change the
 * protocol.
 */
export interface ProtocolContext {
  readonly setId: SetId;
  readonly objId: ObjectId;
  readonly self: NodeId;
  readonly defaultOwner: NodeId;
  /** KDDM_FT_LINKED: first touch must happen on the default owner. */
  readonly ftLinked: boolean;
  /** KDDM_LOCAL_EXCLUSIVE: a frozen object is also a node-local mutex. */
  readonly localExclusive: boolean;
  /** A round id never used before on this node, for a request or round this step may start (> 0). */
  readonly freshRound: number;
}

/**
 * What the node shell must do, in order, after a step. Sends marked
 * `carriesObject` export the local copy at that point, so an export listed
 * before an `invalidate` sees the object.
 */
export type ProtocolAction =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: KddmMessage }
  /** Create the object locally (linker first_touch, or alloc when absent). */
  | { readonly kind: 'firstTouch' }
  /** Install the copy carried by the message being handled (linker alloc + import + insert). */
  | { readonly kind: 'import' }
  /** Drop the local copy; the object lives on elsewhere (linker invalidate_object). */
  | { readonly kind: 'invalidate' }
  /** Drop the local copy because the object is removed cluster-wide (linker remove_object). */
  | { readonly kind: 'removeObject' }
  /** Linker sync_object on the default owner of an FT_LINKED set. */
  | { readonly kind: 'sync' }
  /** Linker put_object. */
  | { readonly kind: 'put' }
  /** Install the caller's object after manual first touch (kddm_set_object). */
  | { readonly kind: 'setObject' };

/** A new entry (alloc_kddm_obj_entry): INV_OWNER on the default owner, else INV_COPY pointing at it. */
export function freshEntry(ctx: ProtocolContext): ObjectEntry {
  const isHome = ctx.self === ctx.defaultOwner;
  return {
    state: isHome ? ObjectState.INV_OWNER : ObjectState.INV_COPY,
    probOwner: ctx.defaultOwner,
    copyset: EMPTY_NODE_SET,
    rmset: EMPTY_NODE_SET,
    frozenCount: 0,
    hasObject: false,
    rmAck2: false,
    ack2Pending: false,
    chgOwnTarget: undefined,
    round: 0,
    earlyAcks: [],
    version: 0,
    invalidatedAt: 0,
    reqFlags: 0,
    ownedRmset: undefined,
  };
}

export function withEntry(e: ObjectEntry, patch: Partial<ObjectEntry>): ObjectEntry {
  // Field by field rather than a spread of `e`: every entry then has one
  // shape (the protocol makes several per message, and a spread of a
  // 15-field record is V8's slow generic copy).
  const next: ObjectEntry = {
    state: e.state,
    probOwner: e.probOwner,
    copyset: e.copyset,
    rmset: e.rmset,
    frozenCount: e.frozenCount,
    hasObject: e.hasObject,
    rmAck2: e.rmAck2,
    ack2Pending: e.ack2Pending,
    chgOwnTarget: e.chgOwnTarget,
    round: e.round,
    earlyAcks: e.earlyAcks,
    version: e.version,
    invalidatedAt: e.invalidatedAt,
    reqFlags: e.reqFlags,
    ownedRmset: e.ownedRmset,
  };
  return Object.assign(next, patch);
}

/** Build a message of this step's object. */
export function message(
  ctx: ProtocolContext,
  type: KddmMessage['type'],
  replyNode: NodeId,
  extra: Partial<Omit<KddmMessage, 'type' | 'setId' | 'objId' | 'replyNode'>> = {},
): KddmMessage {
  // Every message has every field (absent ones undefined): one shape for all of them.
  const msg: KddmMessage = {
    type,
    setId: ctx.setId,
    objId: ctx.objId,
    flags: 0,
    reqId: undefined,
    version: undefined,
    replyNode,
    newOwner: undefined,
    objectState: undefined,
    master: undefined,
    rmset: undefined,
    carriesObject: undefined,
  };
  return Object.assign(msg, extra);
}

/** Acks of `round` that came early, and the list without them. */
export function takeEarlyAcks(e: ObjectEntry, round: number): [NodeSet, readonly EarlyAcks[]] {
  const hit = e.earlyAcks.find((a) => a.round === round);
  if (hit === undefined) return [0n, e.earlyAcks];
  return [hit.nodes, e.earlyAcks.filter((a) => a.round !== round)];
}
