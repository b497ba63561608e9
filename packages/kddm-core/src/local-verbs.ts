// The KDDM verbs as pure steps (reference §1.5; kddm/kddm_get_object.c,
// kddm_grab_object.c, kddm_remove_object.c, kddm_flush_object.c,
// kddm_put_object.c, kddm_find_object.c, kddm_set_object.c,
// kddm_sync_object.c). A verb is a small state machine: `localStep` looks at
// the entry, returns the new entry, the actions to perform, and either a
// result or "wait". A waiting operation is stepped again after every change
// of the entry (Kerrighed's sleep_on_kddm_obj + `goto try_again`); `waiting`
// records that this operation has a request in flight.
import { assert } from './errors.js';
import {
  type ObjectEntry,
  type ProtocolAction,
  type ProtocolContext,
  freshEntry,
  message,
  withEntry,
} from './object-entry.js';
import { MessageType } from './messages.js';
import { type NodeId } from './node-id.js';
import {
  EMPTY_NODE_SET,
  nodeSetAdd,
  nodeSetFirst,
  nodeSetHas,
  nodeSetIsEmpty,
  nodeSetMinus,
  nodeSetOf,
  nodeSetRemove,
  nodeSetToArray,
} from './node-set.js';
import { ObjectState, isOwnerState, isReadableState } from './object-state.js';
import { RequestFlag, hasFlag } from './request-flags.js';
import { MAX_FROZEN_COUNT } from './limits.js';

export type LocalOp =
  | { readonly verb: 'get'; readonly flags: number; readonly waiting: boolean }
  | { readonly verb: 'grab'; readonly flags: number; readonly waiting: boolean }
  | { readonly verb: 'find' }
  | { readonly verb: 'put' }
  | { readonly verb: 'remove'; readonly dropOwnFreeze: boolean; readonly waiting: boolean }
  | { readonly verb: 'flush'; readonly dest: NodeId | undefined; readonly waiting: boolean }
  | { readonly verb: 'sync' }
  | { readonly verb: 'setObject'; readonly state: ObjectState };

/** Why a verb failed; the node shell maps each to a typed error. */
export type LocalFailure = 'busy' | 'already' | 'noDest' | 'noLocalCopy' | 'notFrozen' | 'badUsage';

export type LocalOutcome =
  /** Finished. `hasValue`: get/grab/find return the object (else null). `frozen`: the caller now holds it. */
  | { readonly kind: 'done'; readonly hasValue: boolean; readonly frozen: boolean }
  | { readonly kind: 'wait'; readonly op: LocalOp }
  | { readonly kind: 'fail'; readonly why: LocalFailure; readonly detail?: string };

export interface LocalResult {
  /** undefined: the entry is destroyed. */
  readonly entry: ObjectEntry | undefined;
  readonly actions: readonly ProtocolAction[];
  readonly outcome: LocalOutcome;
}

function result(
  entry: ObjectEntry | undefined,
  actions: ProtocolAction[],
  outcome: LocalOutcome,
): LocalResult {
  return { entry, actions, outcome };
}

const WAIT_STATES: ReadonlySet<ObjectState> = new Set<ObjectState>([
  ObjectState.WAIT_OBJ_READ,
  ObjectState.WAIT_OBJ_WRITE,
  ObjectState.WAIT_ACK_INV,
  ObjectState.WAIT_ACK_WRITE,
  ObjectState.WAIT_CHG_OWN_ACK,
  ObjectState.INV_FILLING,
  ObjectState.WAIT_OBJ_RM_DONE,
  ObjectState.WAIT_OBJ_RM_ACK,
  ObjectState.WAIT_OBJ_RM_ACK2,
]);

/** True when `state` is transient: a step on it can only wait. */
export function isWaitState(state: ObjectState): boolean {
  return WAIT_STATES.has(state);
}

/** Freeze (frozen_count++) unless the caller asked for no lock or an async request. */
function freezeDone(
  e: ObjectEntry,
  actions: ProtocolAction[],
  flags: number,
  hasValue: boolean,
): LocalResult {
  if (hasFlag(flags, RequestFlag.NO_FREEZE) || hasFlag(flags, RequestFlag.ASYNC_REQ)) {
    return result(e, actions, { kind: 'done', hasValue, frozen: false });
  }
  assert(e.frozenCount < MAX_FROZEN_COUNT, 'frozen count below MAX_FROZEN_COUNT');
  return result(withEntry(e, { frozenCount: e.frozenCount + 1 }), actions, {
    kind: 'done',
    hasValue,
    frozen: true,
  });
}

/** Object first touch into an owner state (object_first_touch). */
export function firstTouchInto(
  e: ObjectEntry,
  ctx: ProtocolContext,
  state: ObjectState,
): ObjectEntry {
  return withEntry(e, {
    state,
    probOwner: ctx.self,
    hasObject: true,
    copyset: nodeSetOf(ctx.self),
    rmset: nodeSetAdd(e.rmset, ctx.self),
  });
}

function requestCopy(e: ObjectEntry, ctx: ProtocolContext, flags: number): ProtocolAction {
  if (e.probOwner === ctx.self)
    assert(false, `request for ${ctx.setId}:${ctx.objId} not sent to self`);
  return {
    kind: 'send',
    to: e.probOwner,
    msg: message(ctx, MessageType.REQ_OBJECT_COPY, ctx.self, { flags, reqId: ctx.freshRound }),
  };
}

/** Flags that travel with a copy request (the caller's, minus purely local ones). */
function wireFlags(flags: number): number {
  return (
    flags &
    (RequestFlag.NO_FT_REQ |
      RequestFlag.SEND_OWNERSHIP |
      RequestFlag.TRY_GRAB |
      RequestFlag.DONT_KILL)
  );
}

function waitFor(e: ObjectEntry, op: LocalOp, actions: ProtocolAction[] = []): LocalResult {
  return result(e, actions, { kind: 'wait', op });
}

function fail(e: ObjectEntry | undefined, why: LocalFailure, detail?: string): LocalResult {
  return result(
    e,
    [],
    detail === undefined ? { kind: 'fail', why } : { kind: 'fail', why, detail },
  );
}

/** kddm_get_object and its variants (flags: NO_FT_REQ, SEND_OWNERSHIP, NO_FREEZE, ASYNC_REQ). */
function stepGet(
  entry: ObjectEntry | undefined,
  op: Extract<LocalOp, { verb: 'get' }>,
  ctx: ProtocolContext,
): LocalResult {
  const e = entry ?? freshEntry(ctx);
  const { flags } = op;
  const isAsync = hasFlag(flags, RequestFlag.ASYNC_REQ);
  const noFt = hasFlag(flags, RequestFlag.NO_FT_REQ);
  if (isReadableState(e.state)) {
    if (ctx.localExclusive && e.frozenCount > 0 && !isAsync)
      return waitFor(e, { ...op, waiting: false });
    const e2 =
      e.state === ObjectState.WRITE_GHOST ? withEntry(e, { state: ObjectState.WRITE_OWNER }) : e;
    return freezeDone(e2, [], flags, true);
  }
  switch (e.state) {
    case ObjectState.INV_COPY: {
      if (op.waiting && noFt && !hasFlag(flags, RequestFlag.SEND_OWNERSHIP)) {
        // The owner answered NO_OBJECT_SEND: the object exists nowhere.
        return freezeDone(e, [], flags, false);
      }
      const send = requestCopy(e, ctx, wireFlags(flags) | RequestFlag.COPY_ON_READ);
      const e2 = withEntry(e, {
        state: ObjectState.WAIT_OBJ_READ,
        round: ctx.freshRound,
        invalidatedAt: 0,
        reqFlags: wireFlags(flags) | RequestFlag.COPY_ON_READ,
      });
      if (isAsync) return result(e2, [send], { kind: 'done', hasValue: false, frozen: false });
      return waitFor(e2, { ...op, waiting: true }, [send]);
    }
    case ObjectState.INV_OWNER: {
      if (ctx.localExclusive && e.frozenCount > 0 && !isAsync)
        return waitFor(e, { ...op, waiting: false });
      if (noFt) return freezeDone(e, [], flags, false);
      return freezeDone(
        firstTouchInto(e, ctx, ObjectState.READ_OWNER),
        [{ kind: 'firstTouch' }],
        flags,
        true,
      );
    }
    default:
      if (isAsync) return result(e, [], { kind: 'done', hasValue: false, frozen: false });
      return waitFor(e, op);
  }
}

/** kddm_grab_object and its variants (NO_FT_REQ, SEND_OWNERSHIP, NO_FREEZE, ASYNC_REQ, TRY_GRAB). */
function stepGrab(
  entry: ObjectEntry | undefined,
  op: Extract<LocalOp, { verb: 'grab' }>,
  ctx: ProtocolContext,
): LocalResult {
  const e = entry ?? freshEntry(ctx);
  const { flags } = op;
  const isAsync = hasFlag(flags, RequestFlag.ASYNC_REQ);
  const isTry = hasFlag(flags, RequestFlag.TRY_GRAB);
  const noFt = hasFlag(flags, RequestFlag.NO_FT_REQ);
  if (op.waiting && isWaitState(e.state)) return waitFor(e, op);
  // LOCAL_EXCLUSIVE: another local holder blocks us (check_sleep_on_local_exclusive).
  if (ctx.localExclusive && e.frozenCount > 0 && !isAsync) {
    if (isTry) return fail(e, 'busy');
    return waitFor(e, { ...op, waiting: false });
  }
  switch (e.state) {
    case ObjectState.READ_COPY:
    case ObjectState.INV_COPY: {
      if (e.state === ObjectState.READ_COPY && e.frozenCount > 0) {
        // A local reader holds the copy: upgrade after it puts.
        if (isTry) return fail(e, 'busy');
        return waitFor(e, { ...op, waiting: false });
      }
      if (op.waiting) {
        if (
          e.state === ObjectState.INV_COPY &&
          noFt &&
          !hasFlag(flags, RequestFlag.SEND_OWNERSHIP)
        ) {
          return freezeDone(e, [], flags, false);
        }
        if (isTry) return fail(e, 'busy');
      }
      const hasCopy = e.hasObject ? RequestFlag.HAS_COPY : 0;
      const send = requestCopy(e, ctx, wireFlags(flags) | RequestFlag.COPY_ON_WRITE | hasCopy);
      const e2 = withEntry(e, {
        state: ObjectState.WAIT_OBJ_WRITE,
        copyset: EMPTY_NODE_SET,
        round: ctx.freshRound,
      });
      if (isAsync) return result(e2, [send], { kind: 'done', hasValue: false, frozen: false });
      return waitFor(e2, { ...op, waiting: true }, [send]);
    }
    case ObjectState.INV_OWNER:
      if (noFt) return freezeDone(e, [], flags, false);
      return freezeDone(
        firstTouchInto(e, ctx, ObjectState.WRITE_OWNER),
        [{ kind: 'firstTouch' }],
        flags,
        true,
      );
    case ObjectState.READ_OWNER: {
      const others = nodeSetRemove(e.copyset, ctx.self);
      if (nodeSetIsEmpty(others)) {
        return freezeDone(
          withEntry(e, { state: ObjectState.WRITE_OWNER, copyset: nodeSetOf(ctx.self) }),
          [],
          flags,
          true,
        );
      }
      // request_copies_invalidation: every other reader acks to us.
      const actions: ProtocolAction[] = nodeSetToArray(others).map((to) => ({
        kind: 'send',
        to,
        msg: message(ctx, MessageType.REQ_OBJECT_INVALID, ctx.self, {
          reqId: ctx.freshRound,
          version: e.version + 1,
        }),
      }));
      const e2 = withEntry(e, {
        state: ObjectState.WAIT_ACK_WRITE,
        round: ctx.freshRound,
        version: e.version + 1,
      });
      if (isAsync) return result(e2, actions, { kind: 'done', hasValue: false, frozen: false });
      return waitFor(e2, { ...op, waiting: true }, actions);
    }
    case ObjectState.WRITE_OWNER:
      return freezeDone(e, [], flags, true);
    case ObjectState.WRITE_GHOST:
      return freezeDone(withEntry(e, { state: ObjectState.WRITE_OWNER }), [], flags, true);
    default:
      if (
        isTry &&
        (e.state === ObjectState.WAIT_OBJ_WRITE ||
          e.state === ObjectState.WAIT_ACK_WRITE ||
          e.state === ObjectState.WAIT_ACK_INV ||
          e.state === ObjectState.WAIT_OBJ_READ ||
          e.state === ObjectState.INV_FILLING)
      ) {
        return fail(e, 'busy');
      }
      if (isAsync) return result(e, [], { kind: 'done', hasValue: false, frozen: false });
      return waitFor(e, op);
  }
}

/** kddm_find_object: purely local, no messages. */
function stepFind(entry: ObjectEntry | undefined): LocalResult {
  if (entry === undefined || !isReadableState(entry.state)) {
    return result(entry, [], { kind: 'done', hasValue: false, frozen: false });
  }
  const e =
    entry.state === ObjectState.WRITE_GHOST
      ? withEntry(entry, { state: ObjectState.WRITE_OWNER })
      : entry;
  return freezeDone(e, [], 0, true);
}

/** kddm_put_object: release one freeze; queued requests are replayed by the shell. */
function stepPut(entry: ObjectEntry | undefined): LocalResult {
  if (entry === undefined || entry.frozenCount === 0) return fail(entry, 'notFrozen');
  return result(withEntry(entry, { frozenCount: entry.frozenCount - 1 }), [{ kind: 'put' }], {
    kind: 'done',
    hasValue: false,
    frozen: false,
  });
}

/** Remove done on this node: owe ACK2 if asked, then drop the entry (or wait for our own ACK2). */
function finishRemove(e: ObjectEntry, ctx: ProtocolContext): LocalResult {
  const actions: ProtocolAction[] = [];
  if (e.rmAck2 && ctx.defaultOwner !== ctx.self) {
    actions.push({
      kind: 'send',
      to: ctx.defaultOwner,
      msg: message(ctx, MessageType.REMOVE_ACK2, ctx.self),
    });
  }
  if (e.hasObject) actions.push({ kind: 'removeObject' });
  if (e.ack2Pending) {
    const e2 = withEntry(e, {
      state: ObjectState.WAIT_OBJ_RM_ACK2,
      hasObject: false,
      rmAck2: false,
      copyset: EMPTY_NODE_SET,
      rmset: EMPTY_NODE_SET,
    });
    return result(e2, actions, { kind: 'done', hasValue: false, frozen: false });
  }
  return result(undefined, actions, { kind: 'done', hasValue: false, frozen: false });
}

/** kddm_remove_object / kddm_remove_frozen_object. */
function stepRemove(
  entry: ObjectEntry | undefined,
  op: Extract<LocalOp, { verb: 'remove' }>,
  ctx: ProtocolContext,
): LocalResult {
  if (entry === undefined) {
    // Unknown here and we are the home: nothing exists to remove.
    if (ctx.self === ctx.defaultOwner)
      return result(undefined, [], { kind: 'done', hasValue: false, frozen: false });
  }
  let e = entry ?? freshEntry(ctx);
  if (op.waiting) {
    if (e.state === ObjectState.WAIT_OBJ_RM_ACK && nodeSetIsEmpty(e.rmset))
      return finishRemove(e, ctx);
    return waitFor(e, op);
  }
  let nextOp = op;
  if (op.dropOwnFreeze && e.frozenCount > 0) {
    e = withEntry(e, { frozenCount: e.frozenCount - 1 });
    nextOp = { ...op, dropOwnFreeze: false };
  }
  const isHome = ctx.self === ctx.defaultOwner;
  switch (e.state) {
    case ObjectState.WAIT_OBJ_RM_DONE:
    case ObjectState.WAIT_OBJ_RM_ACK:
    case ObjectState.WAIT_OBJ_RM_ACK2:
      return fail(e, 'already');
    case ObjectState.READ_COPY:
    case ObjectState.INV_COPY: {
      if (e.frozenCount > 0) return waitFor(e, nextOp);
      // The home serializes removes: another node's remove is registered there and still runs.
      // Ours waits for its REMOVE_ACK2 and then finds nothing left to remove.
      if (isHome && e.ack2Pending) return waitFor(e, nextOp);
      // Difference from a straight probable-owner walk: the request goes to the home first
      // (Kerrighed's "TO_MGR"), which registers the remove before passing it to the owner. See
      // handleRemoveToManager.
      const to = isHome ? e.probOwner : ctx.defaultOwner;
      assert(to !== ctx.self, 'remove request not sent to self');
      const send: ProtocolAction = {
        kind: 'send',
        to,
        // The home's own request is registered by being sent (NEED_OBJ_RM_ACK2 marks registered ones).
        msg: message(ctx, MessageType.REQ_OBJECT_REMOVE_TO_MGR, ctx.self, {
          flags: isHome ? RequestFlag.NEED_OBJ_RM_ACK2 : 0,
        }),
      };
      const e2 = withEntry(e, {
        state: ObjectState.WAIT_OBJ_RM_DONE,
        rmset: EMPTY_NODE_SET,
        rmAck2: false,
      });
      return waitFor(e2, { ...nextOp, waiting: true }, [send]);
    }
    case ObjectState.INV_OWNER:
    case ObjectState.READ_OWNER:
    case ObjectState.WRITE_OWNER:
    case ObjectState.WRITE_GHOST: {
      if (e.frozenCount > 0) return waitFor(e, nextOp);
      // Another node's remove is registered here and on its way back to us: it goes first.
      if (isHome && e.ack2Pending) return waitFor(e, nextOp);
      if (!isHome) {
        // A non-home owner registers its remove with the home too: the request comes back to us
        // along the chain and we remove as the owner then (ownedRmset), so no other remove of the
        // object runs at the same time.
        const send: ProtocolAction = {
          kind: 'send',
          to: ctx.defaultOwner,
          msg: message(ctx, MessageType.REQ_OBJECT_REMOVE_TO_MGR, ctx.self),
        };
        const e2 = withEntry(e, {
          state: ObjectState.WAIT_OBJ_RM_DONE,
          probOwner: ctx.self,
          ownedRmset: e.rmset,
          copyset: EMPTY_NODE_SET,
          rmset: EMPTY_NODE_SET,
          rmAck2: false,
        });
        return waitFor(e2, { ...nextOp, waiting: true }, [send]);
      }
      // request_copies_remove with ourselves as the remover.
      const rm = nodeSetRemove(e.rmset, ctx.self);
      if (nodeSetIsEmpty(rm))
        return finishRemove(withEntry(e, { rmset: EMPTY_NODE_SET, rmAck2: false }), ctx);
      const actions: ProtocolAction[] = nodeSetToArray(rm).map((to) => ({
        kind: 'send',
        to,
        msg: message(ctx, MessageType.REQ_OBJECT_REMOVE, ctx.self),
      }));
      const e2 = withEntry(e, {
        state: ObjectState.WAIT_OBJ_RM_ACK,
        rmset: rm,
        copyset: nodeSetRemove(e.copyset, ctx.self),
        rmAck2: false,
      });
      return waitFor(e2, { ...nextOp, waiting: true }, actions);
    }
    default:
      return waitFor(e, nextOp);
  }
}

/** After a flush the local entry stays as an INV_COPY pointing at the new owner. */
function dropAfterFlush(
  e: ObjectEntry,
  ctx: ProtocolContext,
  newOwner: NodeId,
): ObjectEntry | undefined {
  // Difference from Kerrighed, which frees the entry: other nodes may still point at us, and a freed
  // entry sends their requests to the default owner, which may point back at us: a request could
  // circle and first-touch a duplicate. The entry stays as a forwarding pointer; only remove drops it.
  void ctx;
  return withEntry(e, {
    state: ObjectState.INV_COPY,
    probOwner: newOwner,
    hasObject: false,
    copyset: EMPTY_NODE_SET,
    rmset: EMPTY_NODE_SET,
    chgOwnTarget: undefined,
  });
}

/** kddm_flush_object: drop the local copy, keeping at least one copy in the cluster. */
function stepFlush(
  entry: ObjectEntry | undefined,
  op: Extract<LocalOp, { verb: 'flush' }>,
  ctx: ProtocolContext,
): LocalResult {
  if (entry === undefined) return fail(undefined, 'noLocalCopy');
  const e = entry;
  const done: LocalOutcome = { kind: 'done', hasValue: false, frozen: false };
  if (op.waiting) {
    if (e.state === ObjectState.WAIT_CHG_OWN_ACK) return waitFor(e, op);
    if (e.state === ObjectState.INV_COPY)
      return result(dropAfterFlush(e, ctx, e.probOwner), [], done);
    // Ownership came back to us meanwhile (a re-grab); the flush is moot.
    return result(e, [], done);
  }
  if (op.dest !== undefined && op.dest === ctx.self)
    return fail(e, 'badUsage', 'flush destination is this node');
  const pushSoleCopy = (): LocalResult => {
    if (op.dest === undefined) return fail(e, 'noDest');
    if (e.frozenCount > 0) return waitFor(e, op);
    const dest = op.dest;
    const send: ProtocolAction = {
      kind: 'send',
      to: dest,
      msg: message(ctx, MessageType.OBJECT_SEND, ctx.self, {
        flags: RequestFlag.IO_FLUSH | RequestFlag.REMOVE_ON_ACK,
        objectState: ObjectState.WRITE_OWNER,
        master: { copyset: EMPTY_NODE_SET, rmset: e.rmset },
        carriesObject: true,
        version: e.version,
      }),
    };
    return result(dropAfterFlush(e, ctx, dest), [send, { kind: 'invalidate' }], done);
  };
  switch (e.state) {
    case ObjectState.READ_COPY: {
      if (e.frozenCount > 0) return waitFor(e, op);
      // Difference from Kerrighed: no INVALIDATION_ACK to the probable owner. Such an unsolicited ack
      // travels the chain and can be taken for an ack of a later write round. The owner keeps us in
      // its copyset; its next invalidation finds no copy here and is acked at once.
      return result(dropAfterFlush(e, ctx, e.probOwner), [{ kind: 'invalidate' }], done);
    }
    case ObjectState.READ_OWNER: {
      if (e.frozenCount > 0) return waitFor(e, op);
      const others = nodeSetRemove(e.copyset, ctx.self);
      if (nodeSetIsEmpty(others)) return pushSoleCopy();
      const target =
        op.dest !== undefined && nodeSetHas(others, op.dest)
          ? op.dest
          : (nodeSetFirst(others) as NodeId);
      const send: ProtocolAction = {
        kind: 'send',
        to: target,
        msg: message(ctx, MessageType.SEND_OWNERSHIP, ctx.self, {
          master: { copyset: others, rmset: e.rmset },
          reqId: ctx.freshRound,
          version: e.version,
        }),
      };
      const e2 = withEntry(e, {
        state: ObjectState.WAIT_CHG_OWN_ACK,
        copyset: others,
        chgOwnTarget: target,
        round: ctx.freshRound,
      });
      return waitFor(e2, { ...op, waiting: true }, [send]);
    }
    case ObjectState.WRITE_OWNER:
    case ObjectState.WRITE_GHOST:
      return pushSoleCopy();
    case ObjectState.WAIT_ACK_INV:
    case ObjectState.WAIT_OBJ_RM_DONE:
    case ObjectState.WAIT_OBJ_RM_ACK:
    case ObjectState.WAIT_OBJ_RM_ACK2:
      return result(e, [], done);
    default:
      return fail(e, 'noLocalCopy');
  }
}

/** kddm_sync_frozen_object (FT_LINKED sets): push the held copy to the default owner. */
function stepSync(entry: ObjectEntry | undefined, ctx: ProtocolContext): LocalResult {
  if (entry === undefined || entry.frozenCount === 0) return fail(entry, 'notFrozen');
  if (!ctx.ftLinked) return fail(entry, 'badUsage', 'sync is only for FT_LINKED sets');
  const done: LocalOutcome = { kind: 'done', hasValue: false, frozen: false };
  if (ctx.self === ctx.defaultOwner) return result(entry, [{ kind: 'sync' }], done);
  if (!isOwnerState(entry.state) || !entry.hasObject) {
    return fail(entry, 'badUsage', 'sync needs the object held as owner');
  }
  const home = ctx.defaultOwner;
  const noData = entry.state === ObjectState.READ_OWNER && nodeSetHas(entry.copyset, home);
  const send: ProtocolAction = {
    kind: 'send',
    to: home,
    msg: message(ctx, MessageType.OBJECT_SEND, ctx.self, {
      flags: RequestFlag.SYNC_OBJECT | (noData ? RequestFlag.NO_DATA : 0),
      objectState: ObjectState.READ_COPY,
      carriesObject: !noData,
      version: entry.version,
    }),
  };
  const state =
    entry.state === ObjectState.WRITE_OWNER || entry.state === ObjectState.WRITE_GHOST
      ? ObjectState.READ_OWNER
      : entry.state;
  const e2 = withEntry(entry, {
    state,
    copyset: nodeSetAdd(entry.copyset, home),
    rmset: nodeSetAdd(entry.rmset, home),
  });
  return result(e2, [send], done);
}

/** kddm_set_object_state after a manual_ft get/grab left the entry INV_OWNER and frozen. */
function stepSetObject(
  entry: ObjectEntry | undefined,
  op: Extract<LocalOp, { verb: 'setObject' }>,
  ctx: ProtocolContext,
): LocalResult {
  if (entry === undefined || entry.frozenCount === 0) return fail(entry, 'notFrozen');
  if (entry.state !== ObjectState.INV_OWNER) {
    return fail(
      entry,
      'badUsage',
      'set_object needs an INV_OWNER entry left by a manual_ft get/grab',
    );
  }
  if (op.state !== ObjectState.WRITE_OWNER && op.state !== ObjectState.READ_OWNER) {
    return fail(entry, 'badUsage', 'set_object installs READ_OWNER or WRITE_OWNER');
  }
  const e2 = withEntry(firstTouchInto(entry, ctx, op.state), {});
  return result(e2, [{ kind: 'setObject' }], { kind: 'done', hasValue: true, frozen: false });
}

/** One step of a local verb on `entry` (undefined: no local entry yet). */
export function localStep(
  entry: ObjectEntry | undefined,
  op: LocalOp,
  ctx: ProtocolContext,
): LocalResult {
  switch (op.verb) {
    case 'get':
      return stepGet(entry, op, ctx);
    case 'grab':
      return stepGrab(entry, op, ctx);
    case 'find':
      return stepFind(entry);
    case 'put':
      return stepPut(entry);
    case 'remove':
      return stepRemove(entry, op, ctx);
    case 'flush':
      return stepFlush(entry, op, ctx);
    case 'sync':
      return stepSync(entry, ctx);
    case 'setObject':
      return stepSetObject(entry, op, ctx);
  }
}

/** Copyset after a write copy or write access arrives (merge_ack_set): master minus early acks and the sender, plus us. */
export function mergeWriteCopyset(
  localEarlyAcks: bigint,
  masterCopyset: bigint,
  sender: NodeId,
  self: NodeId,
): bigint {
  const pending = nodeSetMinus(masterCopyset, nodeSetAdd(localEarlyAcks, sender));
  return nodeSetAdd(pending, self);
}
