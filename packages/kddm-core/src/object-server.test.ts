// Each protocol message against the pure object server: (entry, message) -> (entry, actions).
import { describe, expect, it } from 'vitest';
import { MessageType as M } from './messages.js';
import { nodeSetOf } from './node-set.js';
import { handleMessage } from './object-server.js';
import { ObjectState as S } from './object-state.js';
import { RequestFlag as F } from './request-flags.js';
import {
  ctxOf,
  describeActions,
  entryOf,
  handledOf,
  members,
  msgOf,
} from './protocol.test-util.js';

const readReq = (r: number, flags = 0) =>
  msgOf(M.REQ_OBJECT_COPY, r, { flags: F.COPY_ON_READ | flags });
const writeReq = (r: number, flags = 0) =>
  msgOf(M.REQ_OBJECT_COPY, r, { flags: F.COPY_ON_WRITE | flags });

describe('REQ_OBJECT_COPY', () => {
  it('forwards along the probable-owner chain from INV_COPY, READ_COPY and WAIT_OBJ_READ', () => {
    const ctx = ctxOf(2, 0);
    for (const st of [S.INV_COPY, S.READ_COPY, S.WAIT_OBJ_READ]) {
      const r = handledOf(handleMessage(entryOf(ctx, st, { probOwner: 5 }), 3, readReq(3), ctx));
      expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_COPY->5']);
      expect(r.entry?.state).toBe(st);
    }
    // no entry: to the default owner, without creating one
    const r = handledOf(handleMessage(undefined, 3, readReq(3), ctx));
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_COPY->0']);
    expect(r.entry).toBeUndefined();
  });

  it('on the default owner with no object and NO_FT answers NO_OBJECT_SEND', () => {
    const ctx = ctxOf(0, 0);
    const r = handledOf(handleMessage(undefined, 3, readReq(3, F.NO_FT_REQ), ctx));
    expect(describeActions(r.actions)).toEqual(['send NO_OBJECT_SEND->3']);
  });

  it('INV_OWNER sends the first touch back (not FT_LINKED) and points at the requester', () => {
    const ctx = ctxOf(0, 0);
    const r = handledOf(handleMessage(undefined, 3, writeReq(3), ctx));
    expect(describeActions(r.actions)).toEqual(['send SEND_BACK_FIRST_TOUCH->3']);
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 3 });
  });

  it('INV_OWNER of an FT_LINKED set first-touches locally and serves', () => {
    const ctx = ctxOf(0, 0, { ftLinked: true });
    const w = handledOf(handleMessage(undefined, 3, writeReq(3), ctx));
    expect(describeActions(w.actions)).toEqual(['firstTouch', 'send OBJECT_SEND->3', 'invalidate']);
    expect(w.entry).toMatchObject({ state: S.INV_COPY, probOwner: 3 });
    const r = handledOf(handleMessage(undefined, 3, readReq(3), ctx));
    expect(describeActions(r.actions)).toEqual(['firstTouch', 'send OBJECT_SEND->3']);
    expect(r.entry?.state).toBe(S.READ_OWNER);
    expect(members(r.entry!.copyset)).toEqual([0, 3]);
  });

  it('INV_OWNER with manual_ft (NO_FT|SEND_OWNERSHIP) hands the id over', () => {
    const ctx = ctxOf(0, 0);
    const r = handledOf(
      handleMessage(undefined, 3, writeReq(3, F.NO_FT_REQ | F.SEND_OWNERSHIP), ctx),
    );
    expect(describeActions(r.actions)).toEqual(['send NO_OBJECT_SEND->3']);
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 3 });
  });

  it('WRITE_OWNER + read: becomes READ_OWNER and sends a READ_COPY, adding the reader to copyset and rmset', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.WRITE_OWNER, {
      hasObject: true,
      probOwner: 1,
      copyset: nodeSetOf(1),
      rmset: nodeSetOf(1),
    });
    const r = handledOf(handleMessage(e, 3, readReq(3), ctx));
    expect(r.entry?.state).toBe(S.READ_OWNER);
    expect(describeActions(r.actions)).toEqual(['send OBJECT_SEND->3']);
    const a = r.actions[0];
    expect(a?.kind === 'send' && a.msg.objectState).toBe(S.READ_COPY);
    expect(members(r.entry!.copyset)).toEqual([1, 3]);
    expect(members(r.entry!.rmset)).toEqual([1, 3]);
  });

  it('WRITE_OWNER / WRITE_GHOST + write: sends the object with ownership and invalidates itself', () => {
    const ctx = ctxOf(1, 0);
    for (const st of [S.WRITE_OWNER, S.WRITE_GHOST]) {
      const e = entryOf(ctx, st, {
        hasObject: true,
        probOwner: 1,
        copyset: nodeSetOf(1),
        rmset: nodeSetOf(1),
      });
      const r = handledOf(handleMessage(e, 3, writeReq(3), ctx));
      expect(describeActions(r.actions)).toEqual(['send OBJECT_SEND->3', 'invalidate']);
      expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 3, hasObject: false });
    }
  });

  it('READ_OWNER + write from a non-reader: invalidations to the readers, then the object', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.READ_OWNER, {
      hasObject: true,
      probOwner: 1,
      copyset: nodeSetOf(1, 2, 4),
      rmset: nodeSetOf(1, 2, 4),
    });
    const r = handledOf(handleMessage(e, 5, writeReq(5), ctx));
    expect(describeActions(r.actions)).toEqual([
      'send REQ_OBJECT_INVALID->2',
      'send REQ_OBJECT_INVALID->4',
      'send OBJECT_SEND->5',
      'invalidate',
    ]);
    const inv = r.actions[0];
    expect(inv?.kind === 'send' && inv.msg.replyNode).toBe(5);
  });

  it('READ_OWNER + write from a reader: SEND_WRITE_ACCESS without data', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.READ_OWNER, {
      hasObject: true,
      probOwner: 1,
      copyset: nodeSetOf(1, 2, 4),
      rmset: nodeSetOf(1, 2, 4),
    });
    const r = handledOf(handleMessage(e, 2, writeReq(2, F.HAS_COPY), ctx));
    expect(describeActions(r.actions)).toEqual([
      'send REQ_OBJECT_INVALID->4',
      'send SEND_WRITE_ACCESS->2',
      'invalidate',
    ]);
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 2 });
  });

  it('is deferred on a frozen object or a transient state; try_grab gets a busy NO_OBJECT_SEND', () => {
    const ctx = ctxOf(1, 0);
    const frozen = entryOf(ctx, S.WRITE_OWNER, { hasObject: true, frozenCount: 1 });
    expect(handleMessage(frozen, 3, writeReq(3), ctx).kind).toBe('defer');
    for (const st of [
      S.WAIT_ACK_INV,
      S.WAIT_ACK_WRITE,
      S.WAIT_CHG_OWN_ACK,
      S.WAIT_OBJ_WRITE,
      S.WAIT_OBJ_RM_ACK,
      S.INV_FILLING,
    ]) {
      expect(handleMessage(entryOf(ctx, st), 3, readReq(3), ctx).kind).toBe('defer');
    }
    const busy = handledOf(handleMessage(frozen, 3, writeReq(3, F.TRY_GRAB), ctx));
    expect(describeActions(busy.actions)).toEqual(['send NO_OBJECT_SEND->3']);
  });

  it('a request that loops back to the home retraces its chain, and first-touches only when the chain ends here', () => {
    const ctx = ctxOf(2, 2);
    const retrace = handledOf(
      handleMessage(entryOf(ctx, S.WAIT_OBJ_WRITE, { probOwner: 4 }), 4, writeReq(2), ctx),
    );
    expect(describeActions(retrace.actions)).toEqual(['send REQ_OBJECT_COPY->4']);
    const r = handledOf(
      handleMessage(entryOf(ctx, S.WAIT_OBJ_WRITE, { probOwner: 2 }), 4, writeReq(2), ctx),
    );
    expect(r.entry?.state).toBe(S.WRITE_OWNER);
    expect(describeActions(r.actions)).toEqual(['firstTouch']);
    const served = entryOf(ctx, S.WRITE_OWNER, { hasObject: true, probOwner: 2 });
    expect(handledOf(handleMessage(served, 4, writeReq(2), ctx)).actions).toEqual([]);
    // while a remove owes the home its REMOVE_ACK2, requests wait
    expect(
      handleMessage(entryOf(ctx, S.WAIT_OBJ_WRITE, { ack2Pending: true }), 4, writeReq(2), ctx)
        .kind,
    ).toBe('defer');
  });
});

describe('OBJECT_SEND', () => {
  const ctx = ctxOf(3, 0);
  it('answers a read: WAIT_OBJ_READ -> READ_COPY, probable owner = sender', () => {
    const r = handledOf(
      handleMessage(
        entryOf(ctx, S.WAIT_OBJ_READ),
        1,
        msgOf(M.OBJECT_SEND, 1, { objectState: S.READ_COPY, carriesObject: true }),
        ctx,
      ),
    );
    expect(r.entry).toMatchObject({ state: S.READ_COPY, probOwner: 1, hasObject: true });
    expect(describeActions(r.actions)).toEqual(['import']);
  });

  it('answers a write: exclusive -> WRITE_OWNER, else WAIT_ACK_INV until the acks arrive', () => {
    const exclusive = { copyset: nodeSetOf(1), rmset: nodeSetOf(1) };
    const w = handledOf(
      handleMessage(
        entryOf(ctx, S.WAIT_OBJ_WRITE),
        1,
        msgOf(M.OBJECT_SEND, 1, {
          objectState: S.WRITE_OWNER,
          master: exclusive,
          carriesObject: true,
        }),
        ctx,
      ),
    );
    expect(w.entry).toMatchObject({ state: S.WRITE_OWNER, probOwner: 3 });
    expect(members(w.entry!.rmset)).toEqual([1, 3]);
    const shared = { copyset: nodeSetOf(1, 2, 4), rmset: nodeSetOf(1, 2, 4) };
    const x = handledOf(
      handleMessage(
        entryOf(ctx, S.WAIT_OBJ_WRITE),
        1,
        msgOf(M.OBJECT_SEND, 1, {
          objectState: S.WRITE_OWNER,
          master: shared,
          carriesObject: true,
        }),
        ctx,
      ),
    );
    expect(x.entry?.state).toBe(S.WAIT_ACK_INV);
    expect(members(x.entry!.copyset)).toEqual([2, 3, 4]);
    // an ack that overtook the object is subtracted
    // an ack of this round that overtook the object is subtracted; acks of other rounds are not
    const early = entryOf(ctx, S.WAIT_OBJ_WRITE, {
      round: 5,
      earlyAcks: [
        { round: 5, nodes: nodeSetOf(2) },
        { round: 6, nodes: nodeSetOf(4) },
      ],
    });
    const y = handledOf(
      handleMessage(
        early,
        1,
        msgOf(M.OBJECT_SEND, 1, {
          objectState: S.WRITE_OWNER,
          master: shared,
          carriesObject: true,
          reqId: 5,
        }),
        ctx,
      ),
    );
    expect(members(y.entry!.copyset)).toEqual([3, 4]);
    expect(y.entry!.earlyAcks).toEqual([{ round: 6, nodes: nodeSetOf(4) }]);
  });

  it('a stale read copy (its request was satisfied otherwise) is dropped', () => {
    const r = handleMessage(
      entryOf(ctx, S.WAIT_OBJ_READ, { round: 9 }),
      1,
      msgOf(M.OBJECT_SEND, 1, { objectState: S.READ_COPY, carriesObject: true, reqId: 8 }),
      ctx,
    );
    expect(r).toMatchObject({ kind: 'handled', actions: [] });
    expect(r.kind === 'handled' && r.unexpected).toBeTruthy();
  });

  it('a read copy older than an invalidation acked while waiting is refused and asked for again', () => {
    const waiting = entryOf(ctx, S.WAIT_OBJ_READ, { round: 9, probOwner: 1 });
    const inv = handledOf(
      handleMessage(waiting, 2, msgOf(M.REQ_OBJECT_INVALID, 2, { reqId: 4, version: 7 }), ctx),
    );
    expect(describeActions(inv.actions)).toEqual(['send INVALIDATION_ACK->2']);
    expect(inv.entry).toMatchObject({ probOwner: 2, invalidatedAt: 7 });
    const old = handledOf(
      handleMessage(
        inv.entry,
        1,
        msgOf(M.OBJECT_SEND, 1, {
          objectState: S.READ_COPY,
          carriesObject: true,
          reqId: 9,
          version: 6,
        }),
        ctx,
      ),
    );
    expect(describeActions(old.actions)).toEqual(['send REQ_OBJECT_COPY->2']);
    expect(old.entry).toMatchObject({ state: S.WAIT_OBJ_READ, round: 77 });
    const fresh = handledOf(
      handleMessage(
        old.entry,
        2,
        msgOf(M.OBJECT_SEND, 2, {
          objectState: S.READ_COPY,
          carriesObject: true,
          reqId: 77,
          version: 7,
        }),
        ctx,
      ),
    );
    expect(fresh.entry).toMatchObject({ state: S.READ_COPY, version: 7 });
  });

  it('unsolicited (flush) into INV_COPY or no entry: WRITE_GHOST', () => {
    const r = handledOf(
      handleMessage(
        undefined,
        1,
        msgOf(M.OBJECT_SEND, 1, {
          objectState: S.WRITE_OWNER,
          flags: F.IO_FLUSH,
          master: { copyset: 0n, rmset: nodeSetOf(1) },
          carriesObject: true,
        }),
        ctx,
      ),
    );
    expect(r.entry).toMatchObject({ state: S.WRITE_GHOST, probOwner: 3, hasObject: true });
  });

  it('a sync push into INV_COPY gives a READ_COPY and runs the linker sync on the default owner', () => {
    const home = ctxOf(0, 0, { ftLinked: true });
    const r = handledOf(
      handleMessage(
        entryOf(home, S.INV_COPY, { probOwner: 3 }),
        3,
        msgOf(M.OBJECT_SEND, 3, {
          objectState: S.READ_COPY,
          flags: F.SYNC_OBJECT,
          carriesObject: true,
        }),
        home,
      ),
    );
    expect(r.entry?.state).toBe(S.READ_COPY);
    expect(describeActions(r.actions)).toEqual(['import', 'sync']);
  });
});

describe('REQ_OBJECT_INVALID and INVALIDATION_ACK', () => {
  it('a READ_COPY invalidates, points at the new writer and acks it', () => {
    const ctx = ctxOf(2, 0);
    const r = handledOf(
      handleMessage(
        entryOf(ctx, S.READ_COPY, { hasObject: true, probOwner: 1 }),
        1,
        msgOf(M.REQ_OBJECT_INVALID, 5),
        ctx,
      ),
    );
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 5, hasObject: false });
    expect(describeActions(r.actions)).toEqual(['invalidate', 'send INVALIDATION_ACK->5']);
  });

  it('a frozen copy defers the invalidation (get behaves as a read lock)', () => {
    const ctx = ctxOf(2, 0);
    expect(
      handleMessage(
        entryOf(ctx, S.READ_COPY, { hasObject: true, frozenCount: 1 }),
        1,
        msgOf(M.REQ_OBJECT_INVALID, 5),
        ctx,
      ).kind,
    ).toBe('defer');
  });

  it('the writer leaves WAIT_ACK_INV / WAIT_ACK_WRITE with the last ack', () => {
    const ctx = ctxOf(5, 0);
    let e = entryOf(ctx, S.WAIT_ACK_INV, {
      hasObject: true,
      probOwner: 5,
      copyset: nodeSetOf(2, 4, 5),
    });
    e = handledOf(handleMessage(e, 2, msgOf(M.INVALIDATION_ACK, 2), ctx)).entry!;
    expect(e.state).toBe(S.WAIT_ACK_INV);
    e = handledOf(handleMessage(e, 4, msgOf(M.INVALIDATION_ACK, 4), ctx)).entry!;
    expect(e.state).toBe(S.WRITE_OWNER);
    const w = entryOf(ctx, S.WAIT_ACK_WRITE, {
      hasObject: true,
      probOwner: 5,
      copyset: nodeSetOf(4, 5),
    });
    expect(handledOf(handleMessage(w, 4, msgOf(M.INVALIDATION_ACK, 4), ctx)).entry?.state).toBe(
      S.WRITE_OWNER,
    );
  });

  it('acks count only for their round; others are kept for a round whose object has not come yet', () => {
    const ctx = ctxOf(5, 0);
    const w = entryOf(ctx, S.WAIT_ACK_INV, {
      hasObject: true,
      probOwner: 5,
      copyset: nodeSetOf(2, 5),
      round: 3,
    });
    const other = handledOf(handleMessage(w, 2, msgOf(M.INVALIDATION_ACK, 2, { reqId: 4 }), ctx));
    expect(other.entry?.state).toBe(S.WAIT_ACK_INV);
    expect(other.entry?.earlyAcks).toEqual([{ round: 4, nodes: nodeSetOf(2) }]);
    const mine = handledOf(handleMessage(w, 2, msgOf(M.INVALIDATION_ACK, 2, { reqId: 3 }), ctx));
    expect(mine.entry?.state).toBe(S.WRITE_OWNER);
  });

  it('a node without a copy acks an invalidation at once', () => {
    const ctx = ctxOf(2, 0);
    expect(
      describeActions(
        handledOf(handleMessage(undefined, 1, msgOf(M.REQ_OBJECT_INVALID, 5), ctx)).actions,
      ),
    ).toEqual(['send INVALIDATION_ACK->5']);
    expect(
      describeActions(
        handledOf(handleMessage(entryOf(ctx, S.INV_COPY), 1, msgOf(M.REQ_OBJECT_INVALID, 5), ctx))
          .actions,
      ),
    ).toEqual(['send INVALIDATION_ACK->5']);
  });
});

describe('SEND_WRITE_ACCESS, NO_OBJECT_SEND, SEND_BACK_FIRST_TOUCH', () => {
  const ctx = ctxOf(2, 0);
  it('write access to a reader: WRITE_OWNER when alone, else WAIT_ACK_WRITE', () => {
    const e = entryOf(ctx, S.WAIT_OBJ_WRITE, { hasObject: true });
    const a = handledOf(
      handleMessage(
        e,
        1,
        msgOf(M.SEND_WRITE_ACCESS, 1, {
          master: { copyset: nodeSetOf(1, 2), rmset: nodeSetOf(1, 2) },
        }),
        ctx,
      ),
    );
    expect(a.entry).toMatchObject({ state: S.WRITE_OWNER, probOwner: 2 });
    const b = handledOf(
      handleMessage(
        e,
        1,
        msgOf(M.SEND_WRITE_ACCESS, 1, {
          master: { copyset: nodeSetOf(1, 2, 4), rmset: nodeSetOf(1, 2, 4) },
        }),
        ctx,
      ),
    );
    expect(b.entry?.state).toBe(S.WAIT_ACK_WRITE);
  });

  it('NO_OBJECT_SEND: INV_OWNER when ownership was sent, else INV_COPY pointing at the answering node; busy restores', () => {
    const e = entryOf(ctx, S.WAIT_OBJ_WRITE, { probOwner: 0 });
    expect(
      handledOf(handleMessage(e, 0, msgOf(M.NO_OBJECT_SEND, 0, { flags: F.SEND_OWNERSHIP }), ctx))
        .entry,
    ).toMatchObject({ state: S.INV_OWNER, probOwner: 2 });
    expect(handledOf(handleMessage(e, 0, msgOf(M.NO_OBJECT_SEND, 0), ctx)).entry).toMatchObject({
      state: S.INV_COPY,
      probOwner: 0,
    });
    const reader = entryOf(ctx, S.WAIT_OBJ_WRITE, { hasObject: true, probOwner: 1 });
    expect(
      handledOf(handleMessage(reader, 1, msgOf(M.NO_OBJECT_SEND, 1, { flags: F.TRY_GRAB }), ctx))
        .entry?.state,
    ).toBe(S.READ_COPY);
  });

  it('SEND_BACK_FIRST_TOUCH: the requester creates the object as WRITE_OWNER', () => {
    const r = handledOf(
      handleMessage(entryOf(ctx, S.WAIT_OBJ_READ), 0, msgOf(M.SEND_BACK_FIRST_TOUCH, 0), ctx),
    );
    expect(r.entry).toMatchObject({ state: S.WRITE_OWNER, probOwner: 2, hasObject: true });
    expect(members(r.entry!.rmset)).toEqual([0, 2]);
    expect(describeActions(r.actions)).toEqual(['firstTouch']);
  });
});

describe('remove messages', () => {
  it('the home registers a remove: NEED_OBJ_RM_ACK2 on the way to the owner, later removes wait, REMOVE_ACK2 ends it', () => {
    const home = ctxOf(0, 0);
    const e = entryOf(home, S.INV_COPY, { probOwner: 4 });
    const reg = handledOf(handleMessage(e, 3, msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 3), home));
    expect(reg.entry?.ack2Pending).toBe(true);
    expect(describeActions(reg.actions)).toEqual(['send REQ_OBJECT_REMOVE_TO_MGR->4']);
    const fwd = reg.actions[0];
    expect(fwd?.kind === 'send' && fwd.msg.flags).toBe(F.NEED_OBJ_RM_ACK2);
    // A second remover and copy requests wait for the first remove.
    expect(handleMessage(reg.entry, 2, msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 2), home).kind).toBe(
      'defer',
    );
    expect(handleMessage(reg.entry, 2, readReq(2), home).kind).toBe('defer');
    // The owner's REQ_OBJECT_REMOVE makes the home a tombstone; the remover's REMOVE_ACK2 ends it.
    const tomb = handledOf(handleMessage(reg.entry, 4, msgOf(M.REQ_OBJECT_REMOVE, 3), home));
    expect(tomb.entry?.state).toBe(S.WAIT_OBJ_RM_ACK2);
    expect(handledOf(handleMessage(tomb.entry, 3, msgOf(M.REMOVE_ACK2, 3), home)).entry).toBe(
      undefined,
    );
    // Not in the owner's rmset: REMOVE_ACK2 alone drops the registered pointer.
    expect(handledOf(handleMessage(reg.entry, 3, msgOf(M.REMOVE_ACK2, 3), home)).entry).toBe(
      undefined,
    );
  });

  it('a registered request that passes the home again follows its chain to the owner', () => {
    const home = ctxOf(0, 0);
    const e = entryOf(home, S.INV_COPY, { probOwner: 4, ack2Pending: true });
    const r = handledOf(
      handleMessage(
        e,
        2,
        msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 3, { flags: F.NEED_OBJ_RM_ACK2 }),
        home,
      ),
    );
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_REMOVE_TO_MGR->4']);
    expect(r.entry).toBe(e);
  });

  it('an owner waiting to remove serves a remove the home registered first, and keeps waiting', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.WAIT_OBJ_RM_DONE, {
      hasObject: true,
      probOwner: 1,
      ownedRmset: nodeSetOf(0, 1, 2, 3),
    });
    expect(handleMessage(e, 0, msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 3), ctx).kind).toBe('defer');
    const r = handledOf(
      handleMessage(e, 0, msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 3, { flags: F.NEED_OBJ_RM_ACK2 }), ctx),
    );
    expect(r.entry?.state).toBe(S.WAIT_OBJ_RM_DONE);
    expect(r.entry?.ownedRmset).toBeUndefined();
    expect(r.entry?.hasObject).toBe(false);
    expect(describeActions(r.actions)).toEqual([
      'send REQ_OBJECT_REMOVE->0',
      'send REQ_OBJECT_REMOVE->2',
      'send REMOVE_DONE->3',
      'removeObject',
    ]);
  });

  it('REQ_OBJECT_REMOVE_TO_MGR at the owner: removes copies on behalf of the remover and says REMOVE_DONE', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.READ_OWNER, {
      hasObject: true,
      probOwner: 1,
      copyset: nodeSetOf(1, 2, 3),
      rmset: nodeSetOf(0, 1, 2, 3),
    });
    const r = handledOf(handleMessage(e, 3, msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 3), ctx));
    expect(r.entry).toBeUndefined();
    expect(describeActions(r.actions)).toEqual([
      'send REQ_OBJECT_REMOVE->0',
      'send REQ_OBJECT_REMOVE->2',
      'send REMOVE_DONE->3',
      'removeObject',
    ]);
  });

  it('REQ_OBJECT_REMOVE: copies go and ack; the default owner keeps a tombstone and asks for ACK2', () => {
    const away = ctxOf(2, 0);
    const r = handledOf(
      handleMessage(
        entryOf(away, S.READ_COPY, { hasObject: true }),
        1,
        msgOf(M.REQ_OBJECT_REMOVE, 3),
        away,
      ),
    );
    expect(r.entry).toBeUndefined();
    expect(describeActions(r.actions)).toEqual(['removeObject', 'send REMOVE_ACK->3']);
    const home = ctxOf(0, 0);
    const h = handledOf(
      handleMessage(
        entryOf(home, S.INV_COPY, { probOwner: 1 }),
        1,
        msgOf(M.REQ_OBJECT_REMOVE, 3),
        home,
      ),
    );
    expect(h.entry?.state).toBe(S.WAIT_OBJ_RM_ACK2);
    const ack = h.actions[0];
    expect(ack?.kind === 'send' && ack.msg.flags).toBe(F.NEED_OBJ_RM_ACK2);
    expect(
      handledOf(handleMessage(h.entry, 3, msgOf(M.REMOVE_ACK2, 3), home)).entry,
    ).toBeUndefined();
  });

  it('REMOVE_ACK early in WAIT_OBJ_RM_DONE is remembered; REMOVE_DONE subtracts it', () => {
    const ctx = ctxOf(3, 0);
    let e = entryOf(ctx, S.WAIT_OBJ_RM_DONE, { probOwner: 1 });
    e = handledOf(
      handleMessage(e, 2, msgOf(M.REMOVE_ACK, 2, { flags: F.NEED_OBJ_RM_ACK2 }), ctx),
    ).entry!;
    e = handledOf(
      handleMessage(e, 1, msgOf(M.REMOVE_DONE, 1, { rmset: nodeSetOf(0, 2) }), ctx),
    ).entry!;
    expect(e.state).toBe(S.WAIT_OBJ_RM_ACK);
    expect(members(e.rmset)).toEqual([0]);
    expect(e.rmAck2).toBe(true);
  });
});

describe('ownership change (flush of a shared READ_OWNER)', () => {
  it('SEND_OWNERSHIP makes a reader READ_OWNER and it answers CHANGE_OWNERSHIP_ACK', () => {
    const ctx = ctxOf(3, 0);
    const r = handledOf(
      handleMessage(
        entryOf(ctx, S.READ_COPY, { hasObject: true, probOwner: 1 }),
        1,
        msgOf(M.SEND_OWNERSHIP, 1, {
          master: { copyset: nodeSetOf(3, 4), rmset: nodeSetOf(1, 3, 4) },
        }),
        ctx,
      ),
    );
    expect(r.entry).toMatchObject({ state: S.READ_OWNER, probOwner: 3 });
    expect(describeActions(r.actions)).toEqual(['send CHANGE_OWNERSHIP_ACK->1']);
  });

  it('CHANGE_OWNERSHIP_ACK ends WAIT_CHG_OWN_ACK: local copy dropped, pointing at the new owner', () => {
    const ctx = ctxOf(1, 0);
    const r = handledOf(
      handleMessage(
        entryOf(ctx, S.WAIT_CHG_OWN_ACK, { hasObject: true, chgOwnTarget: 3 }),
        3,
        msgOf(M.CHANGE_OWNERSHIP_ACK, 3, { newOwner: 3 }),
        ctx,
      ),
    );
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 3, hasObject: false });
  });

  it('if the chosen reader had dropped its copy, the next reader is offered ownership, or the object is pushed', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.WAIT_CHG_OWN_ACK, {
      hasObject: true,
      chgOwnTarget: 3,
      copyset: nodeSetOf(3, 4),
    });
    const r = handledOf(handleMessage(e, 3, msgOf(M.INVALIDATION_ACK, 3), ctx));
    expect(describeActions(r.actions)).toEqual(['send SEND_OWNERSHIP->4']);
    const last = entryOf(ctx, S.WAIT_CHG_OWN_ACK, {
      hasObject: true,
      chgOwnTarget: 4,
      copyset: nodeSetOf(4),
    });
    const p = handledOf(handleMessage(last, 4, msgOf(M.INVALIDATION_ACK, 4), ctx));
    expect(describeActions(p.actions)).toEqual(['send OBJECT_SEND->4', 'invalidate']);
  });
});
