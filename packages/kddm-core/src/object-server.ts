// The object server: how a node answers each protocol message, as a pure
// function (entry, sender, message) -> (entry, actions) or "defer"
// (reference §1.6; kddm/object_server.c, kddm/protocol_action.c). A deferred
// message is parked by the node shell and replayed, in arrival order, after
// the entry next changes or is put (Kerrighed's queue_event). Messages that
// arrive where the protocol does not expect them are answered harmlessly and
// reported in `unexpected`, which the counters expose.
//
// Rounds: every request, upgrade and ownership offer has a round id (the
// `req_id` Kerrighed carries but does not use). Replies, invalidations and
// acks echo it, so an ack only counts for its own write round, and a reply
// to a request that was meanwhile satisfied another way (a flush push) is
// recognised as stale.
import { assert } from './errors.js';
import { MAX_EARLY_ACK_ROUNDS } from './limits.js';
import { firstTouchInto, mergeWriteCopyset } from './local-verbs.js';
import { type KddmMessage, MessageType } from './messages.js';
import { type NodeId } from './node-id.js';
import {
  EMPTY_NODE_SET,
  nodeSetAdd,
  nodeSetFirst,
  nodeSetHas,
  nodeSetIsEmpty,
  nodeSetIsOnly,
  nodeSetMinus,
  nodeSetOf,
  nodeSetRemove,
  nodeSetToArray,
  nodeSetUnion,
} from './node-set.js';
import {
  type ObjectEntry,
  type ProtocolAction,
  type ProtocolContext,
  freshEntry,
  message,
  takeEarlyAcks,
  withEntry,
} from './object-entry.js';
import { ObjectState, isOwnerState, isRemovingState, objectStateName } from './object-state.js';
import { RequestFlag, hasFlag } from './request-flags.js';

export type ServerResult =
  | {
      readonly kind: 'handled';
      /** undefined: the entry is destroyed. */
      readonly entry: ObjectEntry | undefined;
      readonly actions: readonly ProtocolAction[];
      /** Set when the message made no sense in this state (a stale or duplicate message). */
      readonly unexpected?: string;
    }
  | { readonly kind: 'defer' };

const DEFER: ServerResult = { kind: 'defer' };

function handled(entry: ObjectEntry | undefined, actions: ProtocolAction[] = []): ServerResult {
  return { kind: 'handled', entry, actions };
}

function unexpected(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  actions: ProtocolAction[] = [],
): ServerResult {
  return { kind: 'handled', entry, actions, unexpected: `${msg.type} in ${stateName(entry)}` };
}

function send(to: NodeId, msg: KddmMessage): ProtocolAction {
  return { kind: 'send', to, msg };
}

function stateName(e: ObjectEntry | undefined): string {
  return e === undefined ? 'no entry' : objectStateName(e.state);
}

function roundOf(msg: KddmMessage): number {
  return msg.reqId ?? 0;
}

/** True when `msg` answers the request this entry is waiting on. */
function answersPending(e: ObjectEntry, msg: KddmMessage): boolean {
  return (
    (e.state === ObjectState.WAIT_OBJ_READ || e.state === ObjectState.WAIT_OBJ_WRITE) &&
    roundOf(msg) === e.round
  );
}

/** forward_object_server_msg: pass the message on along the probable-owner chain. */
function forward(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ProtocolAction {
  const to = entry === undefined ? ctx.defaultOwner : entry.probOwner;
  if (to === ctx.self)
    assert(false, `forward of ${msg.type} for ${ctx.setId}:${ctx.objId} not to self`);
  return send(to, msg);
}

/** send_copy_on_read: a READ_COPY to `to`, which joins copyset and rmset. */
function sendReadCopy(
  e: ObjectEntry,
  ctx: ProtocolContext,
  to: NodeId,
  reqId: number,
): [ObjectEntry, ProtocolAction] {
  const act = send(
    to,
    message(ctx, MessageType.OBJECT_SEND, ctx.self, {
      objectState: ObjectState.READ_COPY,
      carriesObject: true,
      reqId,
      version: e.version,
    }),
  );
  return [
    withEntry(e, { copyset: nodeSetAdd(e.copyset, to), rmset: nodeSetAdd(e.rmset, to) }),
    act,
  ];
}

/** Our copy goes and ownership points at `to`. */
function droppedFor(e: ObjectEntry, to: NodeId): ObjectEntry {
  return withEntry(e, {
    state: ObjectState.INV_COPY,
    probOwner: to,
    hasObject: false,
    copyset: EMPTY_NODE_SET,
    rmset: EMPTY_NODE_SET,
  });
}

/** send_copy_on_write_and_inv: hand the object and ownership to `to`; our copy goes. */
function sendWriteCopyAndInvalidate(
  e: ObjectEntry,
  ctx: ProtocolContext,
  to: NodeId,
  reqId: number,
): ProtocolAction[] {
  return [
    send(
      to,
      message(ctx, MessageType.OBJECT_SEND, ctx.self, {
        objectState: ObjectState.WRITE_OWNER,
        master: { copyset: e.copyset, rmset: e.rmset },
        carriesObject: true,
        reqId,
        version: e.version + 1,
      }),
    ),
    { kind: 'invalidate' },
  ];
}

function handleCopyRequest(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const requester = msg.replyNode;
  const reqId = roundOf(msg);
  const isWrite = hasFlag(msg.flags, RequestFlag.COPY_ON_WRITE);
  const noFt = hasFlag(msg.flags, RequestFlag.NO_FT_REQ);
  const sendOwnership = hasFlag(msg.flags, RequestFlag.SEND_OWNERSHIP);
  let e = entry;
  if (e === undefined) {
    if (ctx.self !== ctx.defaultOwner) return handled(undefined, [forward(undefined, msg, ctx)]);
    if (noFt && !sendOwnership) {
      return handled(undefined, [
        send(requester, message(ctx, MessageType.NO_OBJECT_SEND, ctx.self, { reqId })),
      ]);
    }
    e = freshEntry(ctx);
  }
  if (e.frozenCount > 0) {
    if (hasFlag(msg.flags, RequestFlag.TRY_GRAB)) {
      // try_grab never waits: answer "busy" (a NO_OBJECT_SEND flagged TRY_GRAB).
      return handled(entry, [
        send(
          requester,
          message(ctx, MessageType.NO_OBJECT_SEND, ctx.self, {
            flags: RequestFlag.TRY_GRAB,
            reqId,
          }),
        ),
      ]);
    }
    return DEFER;
  }
  // The home is owed a REMOVE_ACK2: a remove still runs, so it cannot answer for the object yet.
  if (e.ack2Pending) return DEFER;
  if (requester === ctx.self) {
    // Our own request came back along the chain.
    if (!answersPending(e, msg)) return handled(e); // an echo of a request already served
    // Chains only lead back to their origin through nodes that dropped the object in a remove (their
    // requests go to the home, whose pointer may be stale until the remove reaches it). A non-home
    // node hands its request to the home; the home retraces its own chain until REQ_OBJECT_REMOVE
    // arrives (then it waits for REMOVE_ACK2) or the chain ends at itself.
    if (ctx.self !== ctx.defaultOwner) return handled(e, [send(ctx.defaultOwner, msg)]);
    if (e.probOwner !== ctx.self) return handled(e, [send(e.probOwner, msg)]);
    // Nobody owns the object any more: we are its home.
    if (noFt) return handled(withEntry(e, { state: ObjectState.INV_OWNER, probOwner: ctx.self }));
    return handled(firstTouchInto(e, ctx, ObjectState.WRITE_OWNER), [{ kind: 'firstTouch' }]);
  }
  switch (e.state) {
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.INV_COPY:
    case ObjectState.READ_COPY:
      return handled(e, [forward(e, msg, ctx)]);
    case ObjectState.INV_OWNER: {
      if (noFt) {
        const reply = send(
          requester,
          message(ctx, MessageType.NO_OBJECT_SEND, ctx.self, {
            flags: sendOwnership ? RequestFlag.SEND_OWNERSHIP : 0,
            reqId,
          }),
        );
        if (sendOwnership) {
          return handled(withEntry(e, { state: ObjectState.INV_COPY, probOwner: requester }), [
            reply,
          ]);
        }
        return handled(e, [reply]);
      }
      if (!ctx.ftLinked) {
        // The object may be created on the faulting node.
        const reply = send(
          requester,
          message(ctx, MessageType.SEND_BACK_FIRST_TOUCH, ctx.self, { flags: msg.flags, reqId }),
        );
        return handled(
          withEntry(e, {
            state: ObjectState.INV_COPY,
            probOwner: requester,
            rmset: nodeSetAdd(e.rmset, requester),
          }),
          [reply],
        );
      }
      // FT_LINKED: first touch here, on the default owner, then serve.
      if (isWrite) {
        const touched = firstTouchInto(e, ctx, ObjectState.WRITE_OWNER);
        return handled(droppedFor(touched, requester), [
          { kind: 'firstTouch' },
          ...sendWriteCopyAndInvalidate(touched, ctx, requester, reqId),
        ]);
      }
      const [e2, act] = sendReadCopy(
        firstTouchInto(e, ctx, ObjectState.READ_OWNER),
        ctx,
        requester,
        reqId,
      );
      return handled(e2, [{ kind: 'firstTouch' }, act]);
    }
    case ObjectState.WRITE_GHOST:
      return handled(
        droppedFor(e, requester),
        sendWriteCopyAndInvalidate(e, ctx, requester, reqId),
      );
    case ObjectState.WRITE_OWNER: {
      if (isWrite) {
        return handled(
          droppedFor(e, requester),
          sendWriteCopyAndInvalidate(e, ctx, requester, reqId),
        );
      }
      const [e2, act] = sendReadCopy(
        withEntry(e, { state: ObjectState.READ_OWNER }),
        ctx,
        requester,
        reqId,
      );
      return handled(e2, [act]);
    }
    case ObjectState.READ_OWNER: {
      if (!isWrite) {
        const [e2, act] = sendReadCopy(e, ctx, requester, reqId);
        return handled(e2, [act]);
      }
      // request_copies_invalidation: every other reader acks to the new writer, in its round.
      const others = nodeSetRemove(nodeSetRemove(e.copyset, ctx.self), requester);
      const actions: ProtocolAction[] = nodeSetToArray(others).map((to) =>
        send(
          to,
          message(ctx, MessageType.REQ_OBJECT_INVALID, requester, {
            reqId,
            version: e.version + 1,
          }),
        ),
      );
      if (nodeSetHas(e.copyset, requester) && hasFlag(msg.flags, RequestFlag.HAS_COPY)) {
        // transfer_write_access: the requester has the data. Difference from Kerrighed: the
        // object still travels, used only if the requester's copy went away meanwhile.
        actions.push(
          send(
            requester,
            message(ctx, MessageType.SEND_WRITE_ACCESS, ctx.self, {
              master: { copyset: e.copyset, rmset: e.rmset },
              carriesObject: true,
              reqId,
              version: e.version + 1,
            }),
          ),
        );
        actions.push({ kind: 'invalidate' });
        return handled(droppedFor(e, requester), actions);
      }
      return handled(droppedFor(e, requester), [
        ...actions,
        ...sendWriteCopyAndInvalidate(e, ctx, requester, reqId),
      ]);
    }
    default:
      // Transient states (WAIT_*, INV_FILLING): retry once the entry settles.
      return DEFER;
  }
}

/**
 * OBJECT_SEND with ownership, or SEND_WRITE_ACCESS: we become the owner. The
 * readers the sender invalidated for this round ack to us; acks that came
 * early are subtracted (merge_ack_set). Accepted even when stale (the sender
 * already dropped its copy), in which case the round is the message's own.
 */
function takeOwnership(
  e: ObjectEntry,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
  waitState: ObjectState,
): ServerResult {
  const round = roundOf(msg);
  const master = msg.master ?? { copyset: EMPTY_NODE_SET, rmset: EMPTY_NODE_SET };
  const [early, rest] = takeEarlyAcks(e, round);
  const copyset = mergeWriteCopyset(early, master.copyset, from, ctx.self);
  const rmset = nodeSetUnion(master.rmset, nodeSetOf(from, ctx.self));
  const wasWaiting =
    e.state === ObjectState.WAIT_OBJ_WRITE || e.state === ObjectState.WAIT_OBJ_READ;
  let state: ObjectState;
  if (!nodeSetIsOnly(copyset, ctx.self)) state = waitState;
  else state = wasWaiting ? ObjectState.WRITE_OWNER : ObjectState.WRITE_GHOST;
  const imp: ProtocolAction[] = msg.carriesObject === true ? [{ kind: 'import' }] : [];
  assert(imp.length > 0 || e.hasObject, 'ownership arrives with the object or onto a copy');
  return handled(
    withEntry(e, {
      state,
      probOwner: ctx.self,
      copyset,
      rmset,
      hasObject: true,
      round,
      earlyAcks: rest,
      version: msg.version ?? e.version,
      invalidatedAt: 0,
    }),
    imp,
  );
}

function handleObjectSend(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const sent = msg.objectState ?? ObjectState.READ_COPY;
  const isSync = hasFlag(msg.flags, RequestFlag.SYNC_OBJECT);
  const noData = hasFlag(msg.flags, RequestFlag.NO_DATA) || msg.carriesObject !== true;
  // An unknown entry receives like INV_COPY.
  const e = entry ?? withEntry(freshEntry(ctx), { state: ObjectState.INV_COPY });
  const imp: ProtocolAction[] = noData ? [] : [{ kind: 'import' }];
  if (isSync) {
    const syncAct: ProtocolAction[] = ctx.self === ctx.defaultOwner ? [{ kind: 'sync' }] : [];
    switch (e.state) {
      case ObjectState.INV_COPY:
        return handled(
          withEntry(e, {
            state: ObjectState.READ_COPY,
            hasObject: true,
            version: msg.version ?? 0,
          }),
          [...imp, ...syncAct],
        );
      case ObjectState.READ_OWNER:
      case ObjectState.READ_COPY:
        // A sync push refreshes the data in place.
        return handled(withEntry(e, { hasObject: e.hasObject || !noData }), [...imp, ...syncAct]);
      default:
        // A newer copy is on its way to us (we wait for it); this push is dropped.
        return unexpected(entry, msg);
    }
  }
  if (!isOwnerState(sent)) {
    // A read copy: only the answer to our pending read request is installed. A stale one (our
    // request was satisfied another way) is dropped; the owner's copyset just lists us spuriously.
    if (e.state === ObjectState.WAIT_OBJ_READ && answersPending(e, msg)) {
      const version = msg.version ?? 0;
      if (version < e.invalidatedAt) {
        // Older than a write round that already invalidated us: ask again, in a new round.
        const again = send(
          e.probOwner,
          message(ctx, MessageType.REQ_OBJECT_COPY, ctx.self, {
            flags: e.reqFlags,
            reqId: ctx.freshRound,
          }),
        );
        return handled(withEntry(e, { round: ctx.freshRound }), [again]);
      }
      return handled(
        withEntry(e, {
          state: ObjectState.READ_COPY,
          probOwner: from,
          hasObject: true,
          version,
          invalidatedAt: 0,
        }),
        imp,
      );
    }
    return unexpected(entry, msg);
  }
  if (e.state === ObjectState.WAIT_OBJ_RM_DONE) return idDuringRemove(e, from, msg, ctx);
  switch (e.state) {
    case ObjectState.INV_COPY:
    case ObjectState.READ_COPY:
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.WAIT_OBJ_WRITE:
      return takeOwnership(e, from, msg, ctx, ObjectState.WAIT_ACK_INV);
    default:
      return unexpected(entry, msg);
  }
}

function handleWriteAccess(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  // Ownership is never dropped: a node that lost its entry meanwhile takes it like an INV_COPY.
  const e = entry ?? withEntry(freshEntry(ctx), { state: ObjectState.INV_COPY });
  switch (e.state) {
    case ObjectState.WAIT_OBJ_RM_DONE:
      return idDuringRemove(e, from, msg, ctx);
    case ObjectState.INV_COPY:
    case ObjectState.READ_COPY:
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.WAIT_OBJ_WRITE:
      return takeOwnership(e, from, msg, ctx, ObjectState.WAIT_ACK_WRITE);
    default:
      return unexpected(entry, msg);
  }
}

function handleNoObject(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (entry === undefined && !hasFlag(msg.flags, RequestFlag.SEND_OWNERSHIP)) {
    return unexpected(entry, msg);
  }
  // The id handed to a node that dropped its entry is still ours to keep.
  const e = entry ?? withEntry(freshEntry(ctx), { state: ObjectState.INV_COPY });
  if (hasFlag(msg.flags, RequestFlag.TRY_GRAB)) {
    // try_grab answered busy: back to what we had.
    if (e.state !== ObjectState.WAIT_OBJ_WRITE || !answersPending(e, msg)) {
      return unexpected(e, msg);
    }
    return handled(
      withEntry(e, { state: e.hasObject ? ObjectState.READ_COPY : ObjectState.INV_COPY }),
    );
  }
  const rmset = nodeSetAdd(e.rmset, from);
  if (hasFlag(msg.flags, RequestFlag.SEND_OWNERSHIP)) {
    // The id is ours now (manual first touch), even if the request was stale: the sender points at us.
    switch (e.state) {
      case ObjectState.WAIT_OBJ_RM_DONE:
        return idDuringRemove(e, from, msg, ctx);
      case ObjectState.INV_COPY:
      case ObjectState.WAIT_OBJ_READ:
      case ObjectState.WAIT_OBJ_WRITE:
        assert(!e.hasObject, 'the id of an existing object handed over');
        return handled(withEntry(e, { state: ObjectState.INV_OWNER, probOwner: ctx.self, rmset }));
      default:
        return unexpected(e, msg);
    }
  }
  if (!answersPending(e, msg)) return unexpected(e, msg);
  assert(!e.hasObject, 'NO_OBJECT_SEND to a node holding a copy');
  // Difference from Kerrighed: the answering node keeps the id, so we point at it rather than
  // becoming a second INV_OWNER when we happen to be the default owner.
  return handled(withEntry(e, { state: ObjectState.INV_COPY, probOwner: from, rmset }));
}

/**
 * Ownership or the id reaches a remover (OBJECT_SEND or SEND_WRITE_ACCESS
 * answering a request it made before removing, a flush push, a late
 * SEND_BACK_FIRST_TOUCH or manual-first-touch answer): we own the object now,
 * and our remove finishes as the owner's when our REMOVE_TO_MGR comes back
 * along the chain (the sender points at us). Dropping the message would lose
 * the id; finishing at once would let that request, arriving later elsewhere,
 * remove a newer incarnation. Nothing is imported or first-touched.
 */
function idDuringRemove(
  e: ObjectEntry,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const rmset = nodeSetUnion(msg.master?.rmset ?? EMPTY_NODE_SET, nodeSetOf(from, ctx.self));
  return handled(
    withEntry(e, {
      probOwner: ctx.self,
      ownedRmset: nodeSetUnion(e.ownedRmset ?? EMPTY_NODE_SET, rmset),
    }),
  );
}

function handleSendBackFirstTouch(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  // The id is handed to us (even for a stale request, even if we dropped our entry since): we
  // create the object. Dropping it would lose the id, since the sender now points at us.
  const base = entry ?? withEntry(freshEntry(ctx), { state: ObjectState.INV_COPY });
  if (base.state === ObjectState.WAIT_OBJ_RM_DONE) return idDuringRemove(base, from, msg, ctx);
  if (
    base.state !== ObjectState.WAIT_OBJ_READ &&
    base.state !== ObjectState.WAIT_OBJ_WRITE &&
    base.state !== ObjectState.INV_COPY
  ) {
    return unexpected(entry, msg);
  }
  assert(!base.hasObject, 'first touch sent back to a node holding a copy');
  const e = withEntry(base, { rmset: nodeSetAdd(base.rmset, from) });
  return handled(firstTouchInto(e, ctx, ObjectState.WRITE_OWNER), [{ kind: 'firstTouch' }]);
}

function handleInvalidate(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const writer = msg.replyNode;
  const ack = send(
    writer,
    message(ctx, MessageType.INVALIDATION_ACK, ctx.self, { reqId: roundOf(msg) }),
  );
  // No entry / INV_COPY: we hold no copy (flushed or removed); say so at once.
  if (entry === undefined) return handled(undefined, [ack]);
  const e = entry;
  if (e.frozenCount > 0) return DEFER;
  switch (e.state) {
    case ObjectState.INV_COPY:
      return handled(e, [ack]);
    case ObjectState.READ_COPY:
      return handled(
        withEntry(e, { state: ObjectState.INV_COPY, probOwner: writer, hasObject: false }),
        [{ kind: 'invalidate' }, ack],
      );
    case ObjectState.WAIT_OBJ_READ:
      // Kerrighed defers here (the read copy may still be on its way from an older owner), which
      // deadlocks when our request waits at the writer. Ack now; a read copy older than this
      // round is refused when it arrives (versions).
      return handled(
        withEntry(e, {
          probOwner: writer,
          invalidatedAt: Math.max(e.invalidatedAt, msg.version ?? 0),
        }),
        [ack],
      );
    case ObjectState.INV_FILLING:
      return DEFER;
    case ObjectState.WAIT_OBJ_WRITE: {
      const drop: ProtocolAction[] = e.hasObject ? [{ kind: 'invalidate' }] : [];
      return handled(withEntry(e, { probOwner: writer, hasObject: false }), [...drop, ack]);
    }
    default:
      return unexpected(e, msg, [ack]);
  }
}

function handleInvalidationAck(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  // Acks are only ever direct answers (to REQ_OBJECT_INVALID or SEND_OWNERSHIP) and carry their
  // round; Kerrighed also forwards unsolicited flush acks along the chain.
  const acker = msg.replyNode;
  const round = roundOf(msg);
  if (entry === undefined) return unexpected(entry, msg);
  const e = entry;
  if (e.frozenCount > 0) return DEFER;
  if (
    (e.state === ObjectState.WAIT_ACK_INV || e.state === ObjectState.WAIT_ACK_WRITE) &&
    e.round === round
  ) {
    const copyset = nodeSetRemove(e.copyset, acker);
    const state = nodeSetIsOnly(copyset, ctx.self) ? ObjectState.WRITE_OWNER : e.state;
    return handled(withEntry(e, { copyset, state }));
  }
  if (e.state === ObjectState.WAIT_CHG_OWN_ACK && e.round === round) {
    if (acker !== e.chgOwnTarget) return unexpected(e, msg);
    // The node we offered ownership to has no copy: offer it to the next reader, or push the object.
    const copyset = nodeSetRemove(e.copyset, acker);
    if (nodeSetIsEmpty(copyset)) {
      const push = send(
        acker,
        message(ctx, MessageType.OBJECT_SEND, ctx.self, {
          flags: RequestFlag.IO_FLUSH,
          objectState: ObjectState.WRITE_OWNER,
          master: { copyset: EMPTY_NODE_SET, rmset: e.rmset },
          carriesObject: true,
          version: e.version,
        }),
      );
      const e2 = withEntry(droppedFor(e, acker), { chgOwnTarget: undefined });
      return handled(e2, [push, { kind: 'invalidate' }]);
    }
    const target = nodeSetFirst(copyset) as NodeId;
    const offer = send(
      target,
      message(ctx, MessageType.SEND_OWNERSHIP, ctx.self, {
        master: { copyset, rmset: e.rmset },
        reqId: round,
        version: e.version,
      }),
    );
    return handled(withEntry(e, { copyset, chgOwnTarget: target }), [offer]);
  }
  // The object of this round has not reached us yet: remember the ack for it.
  const prior = e.earlyAcks.find((a) => a.round === round);
  const others = e.earlyAcks.filter((a) => a.round !== round);
  assert(others.length < MAX_EARLY_ACK_ROUNDS, 'early acks stay within MAX_EARLY_ACK_ROUNDS');
  const nodes = nodeSetAdd(prior?.nodes ?? EMPTY_NODE_SET, acker);
  return handled(withEntry(e, { earlyAcks: [...others, { round, nodes }] }));
}

function handleRemoveRequest(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const remover = msg.replyNode;
  const isHome = ctx.self === ctx.defaultOwner;
  const flags = isHome ? RequestFlag.NEED_OBJ_RM_ACK2 : 0;
  const ack = send(remover, message(ctx, MessageType.REMOVE_ACK, ctx.self, { flags }));
  if (entry === undefined) {
    return handled(undefined, [send(remover, message(ctx, MessageType.REMOVE_ACK, ctx.self))]);
  }
  const e = entry;
  if (e.frozenCount > 0) return DEFER;
  const drop: ProtocolAction[] = e.hasObject ? [{ kind: 'removeObject' }] : [];
  switch (e.state) {
    case ObjectState.INV_COPY:
    case ObjectState.READ_COPY:
      if (isHome) {
        // The home keeps a tombstone until the remover confirms (REMOVE_ACK2).
        return handled(
          withEntry(e, {
            state: ObjectState.WAIT_OBJ_RM_ACK2,
            hasObject: false,
            copyset: EMPTY_NODE_SET,
            rmset: EMPTY_NODE_SET,
          }),
          [...drop, ack],
        );
      }
      return handled(undefined, [...drop, ack]);
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.WAIT_OBJ_WRITE:
      // Keep waiting; the home now waits for REMOVE_ACK2 before it answers as INV_OWNER.
      return handled(
        withEntry(e, { hasObject: false, ack2Pending: e.ack2Pending || isHome, invalidatedAt: 0 }),
        [...drop, ack],
      );
    case ObjectState.WAIT_OBJ_RM_DONE:
      // Two removes race: ours waits for its REMOVE_DONE, the copy goes now.
      return handled(withEntry(e, { hasObject: false, ack2Pending: e.ack2Pending || isHome }), [
        ...drop,
        ack,
      ]);
    case ObjectState.INV_FILLING:
      return DEFER;
    default:
      return unexpected(e, msg, [ack]);
  }
}

/**
 * request_copies_remove on behalf of `remover` by the owner, then REMOVE_DONE
 * tells it whom to wait for. The home keeps a tombstone until the remover
 * confirms (REMOVE_ACK2): otherwise it would first-touch a new object while
 * old copies are still being removed (Kerrighed drops it here). An owner that
 * is itself waiting to remove (WAIT_OBJ_RM_DONE) stays waiting, without the
 * object.
 */
function serveRemove(
  e: ObjectEntry,
  rmset: bigint,
  remover: NodeId,
  needAck2: boolean,
  ctx: ProtocolContext,
): ServerResult {
  const rm = nodeSetRemove(nodeSetRemove(rmset, ctx.self), remover);
  const actions: ProtocolAction[] = nodeSetToArray(rm).map((to) =>
    send(to, message(ctx, MessageType.REQ_OBJECT_REMOVE, remover)),
  );
  const flags = needAck2 ? RequestFlag.NEED_OBJ_RM_ACK2 : 0;
  actions.push(
    send(remover, message(ctx, MessageType.REMOVE_DONE, ctx.self, { rmset: rm, flags })),
  );
  if (e.hasObject) actions.push({ kind: 'removeObject' });
  if (e.state === ObjectState.WAIT_OBJ_RM_DONE) {
    return handled(
      withEntry(e, {
        hasObject: false,
        ownedRmset: undefined,
        copyset: EMPTY_NODE_SET,
        probOwner: ctx.defaultOwner === ctx.self ? e.probOwner : ctx.defaultOwner,
      }),
      actions,
    );
  }
  if (ctx.self !== ctx.defaultOwner) return handled(undefined, actions);
  const tomb = withEntry(e, {
    state: ObjectState.WAIT_OBJ_RM_ACK2,
    probOwner: ctx.self,
    hasObject: false,
    copyset: EMPTY_NODE_SET,
    rmset: EMPTY_NODE_SET,
  });
  return handled(tomb, actions);
}

/** A remover that owns the object (ownedRmset) removes the other copies itself. */
function removeAsOwner(
  e: ObjectEntry,
  ownedRmset: bigint,
  rmAck2: boolean,
  ctx: ProtocolContext,
): ServerResult {
  const rm = nodeSetRemove(ownedRmset, ctx.self);
  const actions = nodeSetToArray(rm).map((to) =>
    send(to, message(ctx, MessageType.REQ_OBJECT_REMOVE, ctx.self)),
  );
  return handled(
    withEntry(e, {
      state: ObjectState.WAIT_OBJ_RM_ACK,
      // Acks that came early (e.rmset) are not awaited again.
      rmset: nodeSetMinus(rm, e.rmset),
      copyset: EMPTY_NODE_SET,
      ownedRmset: undefined,
      rmAck2,
    }),
    actions,
  );
}

function handleRemoveToManager(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const remover = msg.replyNode;
  if (entry === undefined) {
    if (ctx.self !== ctx.defaultOwner) return handled(undefined, [forward(undefined, msg, ctx)]);
    // The object does not exist: nothing to wait for.
    return handled(undefined, [
      send(remover, message(ctx, MessageType.REMOVE_DONE, ctx.self, { rmset: EMPTY_NODE_SET })),
    ]);
  }
  const e = entry;
  if (e.frozenCount > 0) return DEFER;
  const isHome = ctx.self === ctx.defaultOwner;
  const registered = hasFlag(msg.flags, RequestFlag.NEED_OBJ_RM_ACK2);
  if (remover === ctx.self) {
    if (e.state !== ObjectState.WAIT_OBJ_RM_DONE) return handled(e);
    const rmAck2 = e.rmAck2 || registered;
    // We are the owner (we were, or ownership reached us meanwhile): remove the other copies.
    if (e.ownedRmset !== undefined) return removeAsOwner(e, e.ownedRmset, rmAck2, ctx);
    // Our request passed through us again (it went to the home first, or a node waiting for a copy
    // sent it back along its own request): follow the chain on to the owner. Difference from the
    // earlier "came back: no owner" rule: the home serializes removes, so nothing else empties
    // entries while ours runs, and the object always has an owner the chain leads to.
    assert(e.probOwner !== ctx.self, 'a remover that is not the owner points elsewhere');
    return handled(withEntry(e, { rmAck2 }), [send(e.probOwner, msg)]);
  }
  if (e.state === ObjectState.WAIT_OBJ_RM_DONE && e.ownedRmset !== undefined) {
    // We own the object and want to remove it too, but the home registered this remove first (ours
    // waits there for it): serve it as the owner. Our own request finds nothing left afterwards.
    if (registered) return serveRemove(e, e.ownedRmset, remover, true, ctx);
    return DEFER;
  }
  // The home serializes removes: an unregistered one waits while another is registered here, even
  // when the home is the owner (the registered one is on its way back to us).
  if (isHome && !registered && (e.ack2Pending || isRemovingState(e.state))) return DEFER;
  if (isHome && !isOwnerState(e.state)) {
    // Difference from Kerrighed: the home registers every remove before the owner serves it, and
    // keeps requests and other removes waiting until the remover's REMOVE_ACK2. Without this, a
    // remover whose request comes back through nodes already emptied by another remove concludes
    // "no owner" while that remove still runs, and the home first-touches a new incarnation that
    // the older remove's messages then destroy.
    // A registered request passes us again (we handed ownership on since): follow our chain. Every
    // remove ends with a REMOVE_ACK2 that drops the home's entry, so this chain always belongs to
    // the object being removed and leads to its owner.
    if (registered) {
      if (isRemovingState(e.state) || e.probOwner === ctx.self) return DEFER;
      return handled(e, [send(e.probOwner, msg)]);
    }
    return handled(withEntry(e, { ack2Pending: true }), [
      send(e.probOwner, { ...msg, flags: msg.flags | RequestFlag.NEED_OBJ_RM_ACK2 }),
    ]);
  }
  switch (e.state) {
    case ObjectState.INV_COPY:
    case ObjectState.READ_COPY:
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.WAIT_OBJ_WRITE:
    case ObjectState.WAIT_OBJ_RM_DONE:
      return handled(e, [forward(e, msg, ctx)]);
    case ObjectState.INV_OWNER:
    case ObjectState.READ_OWNER:
    case ObjectState.WRITE_OWNER:
    case ObjectState.WRITE_GHOST: {
      return serveRemove(e, e.rmset, remover, isHome || registered, ctx);
    }
    default:
      // A remove or an ownership change is running here: retry once it settles.
      return DEFER;
  }
}

function handleRemoveAck(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
): ServerResult {
  if (entry === undefined) return unexpected(entry, msg);
  const needAck2 = hasFlag(msg.flags, RequestFlag.NEED_OBJ_RM_ACK2);
  const e = entry;
  switch (e.state) {
    case ObjectState.WAIT_OBJ_RM_DONE:
      // Early ack: REMOVE_DONE will subtract it.
      return handled(
        withEntry(e, { rmset: nodeSetAdd(e.rmset, from), rmAck2: e.rmAck2 || needAck2 }),
      );
    case ObjectState.WAIT_OBJ_RM_ACK:
      return handled(
        withEntry(e, {
          rmset: nodeSetRemove(e.rmset, from),
          copyset: nodeSetRemove(e.copyset, from),
          rmAck2: e.rmAck2 || needAck2,
        }),
      );
    default:
      return unexpected(e, msg);
  }
}

function handleRemoveDone(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (entry === undefined || entry.state !== ObjectState.WAIT_OBJ_RM_DONE) {
    return unexpected(entry, msg);
  }
  const rmAck2 = entry.rmAck2 || hasFlag(msg.flags, RequestFlag.NEED_OBJ_RM_ACK2);
  // The home found no owner but we hold ownership: we remove the copies ourselves.
  if (entry.ownedRmset !== undefined) return removeAsOwner(entry, entry.ownedRmset, rmAck2, ctx);
  const rmset = nodeSetMinus(msg.rmset ?? EMPTY_NODE_SET, entry.rmset);
  return handled(withEntry(entry, { state: ObjectState.WAIT_OBJ_RM_ACK, rmset, rmAck2 }));
}

function handleRemoveAck2(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (entry === undefined) return unexpected(entry, msg);
  const e = entry;
  switch (e.state) {
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.WAIT_OBJ_WRITE:
      return handled(
        withEntry(e, {
          state: ObjectState.INV_OWNER,
          probOwner: ctx.self,
          copyset: EMPTY_NODE_SET,
          rmset: EMPTY_NODE_SET,
          ack2Pending: false,
        }),
      );
    case ObjectState.INV_COPY:
    case ObjectState.READ_COPY:
      // A remove registered here finished; our pointer (and any copy) belonged to the removed object.
      if (!e.ack2Pending) return unexpected(e, msg);
      return handled(undefined, e.hasObject ? [{ kind: 'removeObject' }] : []);
    case ObjectState.INV_OWNER:
    case ObjectState.READ_OWNER:
    case ObjectState.WRITE_OWNER:
    case ObjectState.WRITE_GHOST:
      return handled(withEntry(e, { ack2Pending: false }));
    case ObjectState.WAIT_OBJ_RM_ACK2:
      return handled(undefined);
    case ObjectState.WAIT_OBJ_RM_DONE:
    case ObjectState.WAIT_OBJ_RM_ACK:
      return handled(withEntry(e, { ack2Pending: false }));
    default:
      return unexpected(e, msg);
  }
}

function handleSendOwnership(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const reqId = roundOf(msg);
  const decline = send(from, message(ctx, MessageType.INVALIDATION_ACK, ctx.self, { reqId }));
  // No copy here (flushed or removed): decline, the owner offers ownership elsewhere.
  if (entry === undefined) return handled(undefined, [decline]);
  const e = entry;
  switch (e.state) {
    case ObjectState.INV_COPY:
      return handled(e, [decline]);
    case ObjectState.READ_COPY: {
      const master = msg.master ?? { copyset: nodeSetOf(ctx.self), rmset: EMPTY_NODE_SET };
      const e2 = withEntry(e, {
        state: ObjectState.READ_OWNER,
        probOwner: ctx.self,
        copyset: nodeSetAdd(master.copyset, ctx.self),
        rmset: nodeSetAdd(master.rmset, ctx.self),
        version: Math.max(e.version, msg.version ?? 0),
      });
      return handled(e2, [
        send(
          from,
          message(ctx, MessageType.CHANGE_OWNERSHIP_ACK, ctx.self, { newOwner: ctx.self, reqId }),
        ),
      ]);
    }
    case ObjectState.WAIT_OBJ_WRITE: {
      // We are upgrading: decline by giving up our copy; the sender pushes the object to us
      // or offers ownership to another reader.
      const drop: ProtocolAction[] = e.hasObject ? [{ kind: 'invalidate' }] : [];
      return handled(withEntry(e, { hasObject: false }), [...drop, decline]);
    }
    case ObjectState.INV_FILLING:
      return DEFER;
    default:
      return unexpected(e, msg, [decline]);
  }
}

function handleChangeOwnershipAck(entry: ObjectEntry | undefined, msg: KddmMessage): ServerResult {
  if (
    entry === undefined ||
    entry.state !== ObjectState.WAIT_CHG_OWN_ACK ||
    entry.round !== roundOf(msg)
  ) {
    return unexpected(entry, msg);
  }
  // A local reader took the copy while ownership was moving: drop it after the put.
  if (entry.frozenCount > 0) return DEFER;
  const newOwner = msg.newOwner ?? msg.replyNode;
  const drop: ProtocolAction[] = entry.hasObject ? [{ kind: 'invalidate' }] : [];
  return handled(withEntry(droppedFor(entry, newOwner), { chgOwnTarget: undefined }), drop);
}

/** Handle one protocol message `msg` from node `from` on this node's `entry`. */
export function handleMessage(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  switch (msg.type) {
    case MessageType.REQ_OBJECT_COPY:
      return handleCopyRequest(entry, msg, ctx);
    case MessageType.OBJECT_SEND:
      return handleObjectSend(entry, from, msg, ctx);
    case MessageType.NO_OBJECT_SEND:
      return handleNoObject(entry, from, msg, ctx);
    case MessageType.SEND_BACK_FIRST_TOUCH:
      return handleSendBackFirstTouch(entry, from, msg, ctx);
    case MessageType.REQ_OBJECT_INVALID:
      return handleInvalidate(entry, msg, ctx);
    case MessageType.INVALIDATION_ACK:
      return handleInvalidationAck(entry, msg, ctx);
    case MessageType.SEND_WRITE_ACCESS:
      return handleWriteAccess(entry, from, msg, ctx);
    case MessageType.REQ_OBJECT_REMOVE:
      return handleRemoveRequest(entry, msg, ctx);
    case MessageType.REQ_OBJECT_REMOVE_TO_MGR:
      return handleRemoveToManager(entry, msg, ctx);
    case MessageType.REMOVE_ACK:
      return handleRemoveAck(entry, from, msg);
    case MessageType.REMOVE_DONE:
      return handleRemoveDone(entry, msg, ctx);
    case MessageType.REMOVE_ACK2:
      return handleRemoveAck2(entry, msg, ctx);
    case MessageType.SEND_OWNERSHIP:
      return handleSendOwnership(entry, from, msg, ctx);
    case MessageType.CHANGE_OWNERSHIP_ACK:
      return handleChangeOwnershipAck(entry, msg);
  }
}
