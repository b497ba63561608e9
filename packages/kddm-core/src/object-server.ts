// The object server: how a node answers each protocol message, as a pure
// function (entry, sender, message) -> (entry, actions) or "defer"
// (reference §1.6; kddm/object_server.c, kddm/protocol_action.c). A deferred
// message is parked by the node shell and replayed, in arrival order, after
// the entry next changes or is put (Kerrighed's queue_event). Messages that
// arrive where the protocol does not expect them are answered harmlessly and
// reported in `unexpected`, which the model tests require to stay rare and
// the counters expose.
import { assert } from './errors.js';
import { type KddmMessage, MessageType } from './messages.js';
import { firstTouchInto, mergeWriteCopyset } from './local-verbs.js';
import {
  type ObjectEntry,
  type ProtocolAction,
  type ProtocolContext,
  freshEntry,
  message,
  withEntry,
} from './object-entry.js';
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
import { ObjectState, isOwnerState } from './object-state.js';
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
  state: string,
  actions: ProtocolAction[] = [],
): ServerResult {
  return { kind: 'handled', entry, actions, unexpected: `${msg.type} in ${state}` };
}

function send(to: NodeId, msg: KddmMessage): ProtocolAction {
  return { kind: 'send', to, msg };
}

/** forward_object_server_msg: pass the message on along the probable-owner chain. */
function forward(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ProtocolAction {
  const to = entry === undefined ? ctx.defaultOwner : entry.probOwner;
  assert(to !== ctx.self, `forward of ${msg.type} for ${ctx.setId}:${ctx.objId} not to self`);
  return send(to, msg);
}

function stateName(e: ObjectEntry | undefined): string {
  if (e === undefined) return 'no entry';
  const names = Object.entries(ObjectState).find(([, v]) => v === e.state);
  return names ? names[0] : String(e.state);
}

/** send_copy_on_read: a READ_COPY to `to`, which joins copyset and rmset. */
function sendReadCopy(
  e: ObjectEntry,
  ctx: ProtocolContext,
  to: NodeId,
): [ObjectEntry, ProtocolAction] {
  const act = send(
    to,
    message(ctx, MessageType.OBJECT_SEND, ctx.self, {
      objectState: ObjectState.READ_COPY,
      carriesObject: true,
    }),
  );
  return [
    withEntry(e, { copyset: nodeSetAdd(e.copyset, to), rmset: nodeSetAdd(e.rmset, to) }),
    act,
  ];
}

/** send_copy_on_write_and_inv: hand the object and ownership to `to`; our copy goes. */
function sendWriteCopyAndInvalidate(
  e: ObjectEntry,
  ctx: ProtocolContext,
  to: NodeId,
): ServerResult {
  const act = send(
    to,
    message(ctx, MessageType.OBJECT_SEND, ctx.self, {
      objectState: ObjectState.WRITE_OWNER,
      master: { copyset: e.copyset, rmset: e.rmset },
      carriesObject: true,
    }),
  );
  const e2 = withEntry(e, {
    state: ObjectState.INV_COPY,
    probOwner: to,
    hasObject: false,
    copyset: EMPTY_NODE_SET,
    rmset: EMPTY_NODE_SET,
  });
  return handled(e2, [act, { kind: 'invalidate' }]);
}

function handleCopyRequest(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const requester = msg.replyNode;
  const isWrite = hasFlag(msg.flags, RequestFlag.COPY_ON_WRITE);
  const noFt = hasFlag(msg.flags, RequestFlag.NO_FT_REQ);
  const sendOwnership = hasFlag(msg.flags, RequestFlag.SEND_OWNERSHIP);
  let e = entry;
  if (e === undefined) {
    if (ctx.self !== ctx.defaultOwner) return handled(undefined, [forward(undefined, msg, ctx)]);
    if (noFt && !sendOwnership) {
      return handled(undefined, [
        send(requester, message(ctx, MessageType.NO_OBJECT_SEND, ctx.self)),
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
          message(ctx, MessageType.NO_OBJECT_SEND, ctx.self, { flags: RequestFlag.TRY_GRAB }),
        ),
      ]);
    }
    return DEFER;
  }
  // The home is owed a REMOVE_ACK2: a remove still runs, so it cannot answer for the object yet.
  if (e.ack2Pending) return DEFER;
  if (requester === ctx.self) {
    // Our own request came back along the chain.
    if (e.state === ObjectState.WAIT_OBJ_READ || e.state === ObjectState.WAIT_OBJ_WRITE) {
      // Chains only lead back to their origin through nodes that dropped the object in a remove,
      // and only the home forwards for them.
      assert(
        ctx.self === ctx.defaultOwner,
        `request for ${ctx.setId}:${ctx.objId} looped back to a non-home node`,
      );
      // Retrace our chain until the remove reaches us (REQ_OBJECT_REMOVE makes us wait for ACK2).
      if (e.probOwner !== ctx.self) return handled(e, [send(e.probOwner, msg)]);
      // Nobody owns the object any more: we are its home.
      if (noFt) return handled(withEntry(e, { state: ObjectState.INV_OWNER, probOwner: ctx.self }));
      return handled(firstTouchInto(e, ctx, ObjectState.WRITE_OWNER), [{ kind: 'firstTouch' }]);
    }
    // A flush already served us; ignore the echo.
    return handled(e);
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
          }),
        );
        if (sendOwnership)
          return handled(withEntry(e, { state: ObjectState.INV_COPY, probOwner: requester }), [
            reply,
          ]);
        return handled(e, [reply]);
      }
      if (!ctx.ftLinked) {
        // The object may be created on the faulting node.
        const reply = send(
          requester,
          message(ctx, MessageType.SEND_BACK_FIRST_TOUCH, ctx.self, { flags: msg.flags }),
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
        const r = sendWriteCopyAndInvalidate(touched, ctx, requester);
        assert(r.kind === 'handled', 'write copy handled');
        return handled(r.entry, [{ kind: 'firstTouch' }, ...r.actions]);
      }
      const [e2, act] = sendReadCopy(
        firstTouchInto(e, ctx, ObjectState.READ_OWNER),
        ctx,
        requester,
      );
      return handled(e2, [{ kind: 'firstTouch' }, act]);
    }
    case ObjectState.WRITE_GHOST:
      return sendWriteCopyAndInvalidate(e, ctx, requester);
    case ObjectState.WRITE_OWNER: {
      if (isWrite) return sendWriteCopyAndInvalidate(e, ctx, requester);
      const [e2, act] = sendReadCopy(
        withEntry(e, { state: ObjectState.READ_OWNER }),
        ctx,
        requester,
      );
      return handled(e2, [act]);
    }
    case ObjectState.READ_OWNER: {
      if (!isWrite) {
        const [e2, act] = sendReadCopy(e, ctx, requester);
        return handled(e2, [act]);
      }
      // request_copies_invalidation: every other reader acks to the new writer.
      const others = nodeSetRemove(nodeSetRemove(e.copyset, ctx.self), requester);
      const actions: ProtocolAction[] = nodeSetToArray(others).map((to) =>
        send(to, message(ctx, MessageType.REQ_OBJECT_INVALID, requester)),
      );
      if (nodeSetHas(e.copyset, requester) && hasFlag(msg.flags, RequestFlag.HAS_COPY)) {
        // transfer_write_access: the requester already has the data.
        actions.push(
          send(
            requester,
            message(ctx, MessageType.SEND_WRITE_ACCESS, ctx.self, {
              master: { copyset: e.copyset, rmset: e.rmset },
            }),
          ),
        );
        actions.push({ kind: 'invalidate' });
        const e2 = withEntry(e, {
          state: ObjectState.INV_COPY,
          probOwner: requester,
          hasObject: false,
          copyset: EMPTY_NODE_SET,
          rmset: EMPTY_NODE_SET,
        });
        return handled(e2, actions);
      }
      const r = sendWriteCopyAndInvalidate(e, ctx, requester);
      assert(r.kind === 'handled', 'write copy handled');
      return handled(r.entry, [...actions, ...r.actions]);
    }
    default:
      // Transient states (WAIT_*, INV_FILLING): retry once the entry settles.
      return DEFER;
  }
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
  const ownerSent = isOwnerState(sent);
  // An unknown entry receives like INV_COPY (an unsolicited push).
  const e = entry ?? withEntry(freshEntry(ctx), { state: ObjectState.INV_COPY });
  const imp: ProtocolAction[] = noData ? [] : [{ kind: 'import' }];
  const syncAct: ProtocolAction[] =
    isSync && ctx.self === ctx.defaultOwner ? [{ kind: 'sync' }] : [];
  const rmset =
    ownerSent && msg.master ? nodeSetUnion(msg.master.rmset, nodeSetOf(from, ctx.self)) : e.rmset;
  switch (e.state) {
    case ObjectState.INV_COPY:
      if (isSync)
        return handled(withEntry(e, { state: ObjectState.READ_COPY, hasObject: true }), [
          ...imp,
          ...syncAct,
        ]);
      // Unsolicited (flush): we hold the only copy now.
      return handled(
        withEntry(e, {
          state: ObjectState.WRITE_GHOST,
          probOwner: ctx.self,
          copyset: nodeSetOf(ctx.self),
          rmset: nodeSetAdd(rmset, ctx.self),
          hasObject: true,
        }),
        imp,
      );
    case ObjectState.WAIT_OBJ_WRITE: {
      if (isSync || !ownerSent)
        return unexpected(
          e,
          msg,
          'WAIT_OBJ_WRITE (sync push dropped; the write copy is on its way)',
        );
      const copyset = mergeWriteCopyset(
        e.copyset,
        msg.master?.copyset ?? EMPTY_NODE_SET,
        from,
        ctx.self,
      );
      const state = nodeSetIsOnly(copyset, ctx.self) ? sent : ObjectState.WAIT_ACK_INV;
      return handled(
        withEntry(e, { state, probOwner: ctx.self, copyset, rmset, hasObject: true }),
        imp,
      );
    }
    case ObjectState.WAIT_OBJ_READ:
      if (ownerSent) {
        const copyset = nodeSetOf(ctx.self);
        return handled(
          withEntry(e, { state: sent, probOwner: ctx.self, copyset, rmset, hasObject: true }),
          imp,
        );
      }
      return handled(
        withEntry(e, { state: ObjectState.READ_COPY, probOwner: from, hasObject: true }),
        [...imp, ...syncAct],
      );
    case ObjectState.READ_OWNER:
    case ObjectState.READ_COPY:
      // A sync push refreshes the data in place.
      return handled(withEntry(e, { hasObject: e.hasObject || !noData }), [...imp, ...syncAct]);
    case ObjectState.WAIT_OBJ_RM_DONE: {
      if (!ownerSent) return unexpected(e, msg, 'WAIT_OBJ_RM_DONE');
      // A flush made us owner while we remove: finish the remove as the owner.
      const rm = nodeSetRemove(rmset, ctx.self);
      const actions = nodeSetToArray(rm).map((to) =>
        send(to, message(ctx, MessageType.REQ_OBJECT_REMOVE, ctx.self)),
      );
      return handled(
        withEntry(e, {
          state: ObjectState.WAIT_OBJ_RM_ACK,
          rmset: rm,
          copyset: EMPTY_NODE_SET,
          probOwner: ctx.self,
        }),
        actions,
      );
    }
    default:
      return unexpected(entry, msg, stateName(e));
  }
}

function handleNoObject(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (entry === undefined) return unexpected(entry, msg, 'no entry');
  const e = entry;
  if (hasFlag(msg.flags, RequestFlag.TRY_GRAB)) {
    // try_grab answered busy: back to what we had.
    if (e.state !== ObjectState.WAIT_OBJ_WRITE) return unexpected(e, msg, stateName(e));
    return handled(
      withEntry(e, { state: e.hasObject ? ObjectState.READ_COPY : ObjectState.INV_COPY }),
    );
  }
  if (
    e.frozenCount > 0 &&
    e.state !== ObjectState.WAIT_OBJ_READ &&
    e.state !== ObjectState.WAIT_OBJ_WRITE
  )
    return DEFER;
  const rmset = nodeSetAdd(e.rmset, from);
  switch (e.state) {
    case ObjectState.WAIT_OBJ_READ:
    case ObjectState.WAIT_OBJ_WRITE:
      assert(!e.hasObject, 'NO_OBJECT_SEND to a node holding a copy');
      if (hasFlag(msg.flags, RequestFlag.SEND_OWNERSHIP)) {
        return handled(withEntry(e, { state: ObjectState.INV_OWNER, probOwner: ctx.self, rmset }));
      }
      // Difference from Kerrighed: the answering node keeps the id, so we point at it rather than
      // becoming a second INV_OWNER when we happen to be the default owner.
      return handled(withEntry(e, { state: ObjectState.INV_COPY, probOwner: from, rmset }));
    case ObjectState.INV_OWNER:
      return handled(e);
    default:
      return unexpected(e, msg, stateName(e));
  }
}

function handleSendBackFirstTouch(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (
    entry === undefined ||
    (entry.state !== ObjectState.WAIT_OBJ_READ && entry.state !== ObjectState.WAIT_OBJ_WRITE)
  ) {
    return unexpected(entry, msg, stateName(entry));
  }
  assert(!entry.hasObject, 'first touch sent back to a node holding a copy');
  const e = withEntry(entry, { rmset: nodeSetAdd(entry.rmset, from) });
  return handled(firstTouchInto(e, ctx, ObjectState.WRITE_OWNER), [{ kind: 'firstTouch' }]);
}

function handleInvalidate(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const writer = msg.replyNode;
  const ack = send(writer, message(ctx, MessageType.INVALIDATION_ACK, ctx.self));
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
    case ObjectState.INV_FILLING:
      return DEFER;
    case ObjectState.WAIT_OBJ_WRITE: {
      const drop: ProtocolAction[] = e.hasObject ? [{ kind: 'invalidate' }] : [];
      return handled(withEntry(e, { probOwner: writer, hasObject: false }), [...drop, ack]);
    }
    default:
      return unexpected(e, msg, stateName(e));
  }
}

function handleInvalidationAck(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  // Acks are only ever direct answers (to REQ_OBJECT_INVALID or SEND_OWNERSHIP), so they reach a node
  // that waits for them; Kerrighed also forwards unsolicited flush acks along the chain.
  const acker = msg.replyNode;
  if (entry === undefined) return unexpected(entry, msg, 'no entry');
  const e = entry;
  if (e.frozenCount > 0) return DEFER;
  switch (e.state) {
    case ObjectState.WAIT_OBJ_WRITE:
      // An ack that overtook the write copy: remember it (merge_ack_set subtracts it later).
      return handled(withEntry(e, { copyset: nodeSetAdd(e.copyset, acker) }));
    case ObjectState.READ_OWNER:
      return handled(withEntry(e, { copyset: nodeSetRemove(e.copyset, acker) }));
    case ObjectState.WAIT_ACK_INV:
    case ObjectState.WAIT_ACK_WRITE: {
      const copyset = nodeSetRemove(e.copyset, acker);
      const state = nodeSetIsOnly(copyset, ctx.self) ? ObjectState.WRITE_OWNER : e.state;
      return handled(withEntry(e, { copyset, state }));
    }
    case ObjectState.WAIT_CHG_OWN_ACK: {
      const copyset = nodeSetRemove(e.copyset, acker);
      if (acker !== e.chgOwnTarget) return handled(withEntry(e, { copyset }));
      // The node we offered ownership to has no copy any more.
      if (nodeSetIsEmpty(copyset)) {
        const push = send(
          acker,
          message(ctx, MessageType.OBJECT_SEND, ctx.self, {
            flags: RequestFlag.IO_FLUSH,
            objectState: ObjectState.WRITE_OWNER,
            master: { copyset: EMPTY_NODE_SET, rmset: e.rmset },
            carriesObject: true,
          }),
        );
        const e2 = withEntry(e, {
          state: ObjectState.INV_COPY,
          probOwner: acker,
          hasObject: false,
          copyset: EMPTY_NODE_SET,
          rmset: EMPTY_NODE_SET,
          chgOwnTarget: undefined,
        });
        return handled(e2, [push, { kind: 'invalidate' }]);
      }
      const target = nodeSetFirst(copyset) as NodeId;
      const offer = send(
        target,
        message(ctx, MessageType.SEND_OWNERSHIP, ctx.self, { master: { copyset, rmset: e.rmset } }),
      );
      return handled(withEntry(e, { copyset, chgOwnTarget: target }), [offer]);
    }
    case ObjectState.WAIT_OBJ_RM_ACK:
      // A flush raced with our remove; the remove acks are what we wait for.
      return handled(e);
    default:
      return unexpected(e, msg, stateName(e));
  }
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
  if (entry === undefined)
    return handled(undefined, [send(remover, message(ctx, MessageType.REMOVE_ACK, ctx.self))]);
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
      return handled(withEntry(e, { hasObject: false, ack2Pending: e.ack2Pending || isHome }), [
        ...drop,
        ack,
      ]);
    case ObjectState.WAIT_OBJ_RM_DONE:
      // Two removes race: ours waits for its REMOVE_DONE, the copy goes now.
      return handled(withEntry(e, { hasObject: false, ack2Pending: e.ack2Pending || isHome }), [
        ...drop,
        ack,
      ]);
    case ObjectState.INV_FILLING:
      return DEFER;
    default:
      return unexpected(e, msg, stateName(e), [ack]);
  }
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
  if (remover === ctx.self) {
    if (e.state === ObjectState.WAIT_OBJ_RM_DONE) {
      // Our request came back: no owner exists any more.
      return handled(withEntry(e, { state: ObjectState.WAIT_OBJ_RM_ACK, rmset: EMPTY_NODE_SET }));
    }
    return handled(e);
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
      // request_copies_remove on behalf of the remover, then REMOVE_DONE tells it whom to wait for.
      const rm = nodeSetRemove(nodeSetRemove(e.rmset, ctx.self), remover);
      const actions: ProtocolAction[] = nodeSetToArray(rm).map((to) =>
        send(to, message(ctx, MessageType.REQ_OBJECT_REMOVE, remover)),
      );
      // The home keeps a tombstone until the remover confirms (REMOVE_ACK2): otherwise it would
      // first-touch a new object while old copies are still being removed (Kerrighed drops it here).
      const isHome = ctx.self === ctx.defaultOwner;
      const flags = isHome ? RequestFlag.NEED_OBJ_RM_ACK2 : 0;
      actions.push(
        send(remover, message(ctx, MessageType.REMOVE_DONE, ctx.self, { rmset: rm, flags })),
      );
      if (e.hasObject) actions.push({ kind: 'removeObject' });
      if (!isHome) return handled(undefined, actions);
      const tomb = withEntry(e, {
        state: ObjectState.WAIT_OBJ_RM_ACK2,
        probOwner: ctx.self,
        hasObject: false,
        copyset: EMPTY_NODE_SET,
        rmset: EMPTY_NODE_SET,
      });
      return handled(tomb, actions);
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
  if (entry === undefined) return unexpected(entry, msg, 'no entry');
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
      return unexpected(e, msg, stateName(e));
  }
}

function handleRemoveDone(entry: ObjectEntry | undefined, msg: KddmMessage): ServerResult {
  if (entry === undefined || entry.state !== ObjectState.WAIT_OBJ_RM_DONE)
    return unexpected(entry, msg, stateName(entry));
  const rmset = nodeSetMinus(msg.rmset ?? EMPTY_NODE_SET, entry.rmset);
  const rmAck2 = entry.rmAck2 || hasFlag(msg.flags, RequestFlag.NEED_OBJ_RM_ACK2);
  return handled(withEntry(entry, { state: ObjectState.WAIT_OBJ_RM_ACK, rmset, rmAck2 }));
}

function handleRemoveAck2(
  entry: ObjectEntry | undefined,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (entry === undefined) return unexpected(entry, msg, 'no entry');
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
    case ObjectState.INV_OWNER:
      return handled(e);
    case ObjectState.WAIT_OBJ_RM_ACK2:
      return handled(undefined);
    case ObjectState.WAIT_OBJ_RM_DONE:
    case ObjectState.WAIT_OBJ_RM_ACK:
      return handled(withEntry(e, { ack2Pending: false }));
    default:
      return unexpected(e, msg, stateName(e));
  }
}

function handleSendOwnership(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  const decline = send(from, message(ctx, MessageType.INVALIDATION_ACK, ctx.self));
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
      });
      return handled(e2, [
        send(
          from,
          message(ctx, MessageType.CHANGE_OWNERSHIP_ACK, ctx.self, { newOwner: ctx.self }),
        ),
      ]);
    }
    case ObjectState.WAIT_OBJ_WRITE: {
      // We are upgrading; decline by giving up our copy, the sender will push the object to us or to another reader.
      const drop: ProtocolAction[] = e.hasObject ? [{ kind: 'invalidate' }] : [];
      return handled(withEntry(e, { hasObject: false }), [
        ...drop,
        send(from, message(ctx, MessageType.INVALIDATION_ACK, ctx.self)),
      ]);
    }
    case ObjectState.INV_FILLING:
      return DEFER;
    default:
      return unexpected(e, msg, stateName(e));
  }
}

function handleChangeOwnershipAck(entry: ObjectEntry | undefined, msg: KddmMessage): ServerResult {
  if (entry === undefined || entry.state !== ObjectState.WAIT_CHG_OWN_ACK)
    return unexpected(entry, msg, stateName(entry));
  // A local reader took the copy while ownership was moving: drop it after the put.
  if (entry.frozenCount > 0) return DEFER;
  const newOwner = msg.newOwner ?? msg.replyNode;
  const drop: ProtocolAction[] = entry.hasObject ? [{ kind: 'invalidate' }] : [];
  const e2 = withEntry(entry, {
    state: ObjectState.INV_COPY,
    probOwner: newOwner,
    hasObject: false,
    copyset: EMPTY_NODE_SET,
    rmset: EMPTY_NODE_SET,
    chgOwnTarget: undefined,
  });
  return handled(e2, drop);
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
      return handleRemoveDone(entry, msg);
    case MessageType.REMOVE_ACK2:
      return handleRemoveAck2(entry, msg, ctx);
    case MessageType.SEND_OWNERSHIP:
      return handleSendOwnership(entry, from, msg, ctx);
    case MessageType.CHANGE_OWNERSHIP_ACK:
      return handleChangeOwnershipAck(entry, msg);
  }
}

function handleWriteAccess(
  entry: ObjectEntry | undefined,
  from: NodeId,
  msg: KddmMessage,
  ctx: ProtocolContext,
): ServerResult {
  if (entry === undefined || entry.state !== ObjectState.WAIT_OBJ_WRITE)
    return unexpected(entry, msg, stateName(entry));
  assert(entry.hasObject, 'write access granted to a node without a copy');
  const master = msg.master ?? { copyset: EMPTY_NODE_SET, rmset: EMPTY_NODE_SET };
  const copyset = mergeWriteCopyset(entry.copyset, master.copyset, from, ctx.self);
  const state = nodeSetIsOnly(copyset, ctx.self)
    ? ObjectState.WRITE_OWNER
    : ObjectState.WAIT_ACK_WRITE;
  const rmset = nodeSetUnion(master.rmset, nodeSetOf(from, ctx.self));
  return handled(withEntry(entry, { state, probOwner: ctx.self, copyset, rmset }));
}
