// Each verb against the pure step function: no network, no node shell.
import { describe, expect, it } from 'vitest';
import { localStep } from './local-verbs.js';
import { nodeSetOf } from './node-set.js';
import { ObjectState as S } from './object-state.js';
import { RequestFlag as F } from './request-flags.js';
import { MessageType as M } from './messages.js';
import { handleMessage } from './object-server.js';
import {
  ctxOf,
  describeActions,
  entryOf,
  handledOf,
  members,
  msgOf,
} from './protocol.test-util.js';

const get = (flags = 0) => ({ verb: 'get', flags, waiting: false }) as const;
const grab = (flags = 0) => ({ verb: 'grab', flags, waiting: false }) as const;

describe('get', () => {
  it('first-touches on the default owner (INV_OWNER -> READ_OWNER), frozen', () => {
    const ctx = ctxOf(1, 1);
    const r = localStep(undefined, get(), ctx);
    expect(r.outcome).toEqual({ kind: 'done', hasValue: true, frozen: true });
    expect(r.entry?.state).toBe(S.READ_OWNER);
    expect(r.entry?.frozenCount).toBe(1);
    expect(members(r.entry!.copyset)).toEqual([1]);
    expect(describeActions(r.actions)).toEqual(['firstTouch']);
  });

  it('from INV_COPY sends REQ_OBJECT_COPY (read) to the probable owner and waits in WAIT_OBJ_READ', () => {
    const ctx = ctxOf(2, 0);
    const r = localStep(undefined, get(), ctx);
    expect(r.entry?.state).toBe(S.WAIT_OBJ_READ);
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_COPY->0']);
    const a = r.actions[0];
    expect(a?.kind === 'send' && a.msg.flags & F.COPY_ON_READ).toBeTruthy();
    expect(r.outcome.kind).toBe('wait');
  });

  it('returns at once on readable states; WRITE_GHOST becomes WRITE_OWNER', () => {
    const ctx = ctxOf(2, 0);
    for (const st of [S.READ_COPY, S.READ_OWNER, S.WRITE_OWNER, S.WAIT_ACK_WRITE]) {
      const r = localStep(entryOf(ctx, st, { hasObject: true }), get(), ctx);
      expect(r.outcome).toEqual({ kind: 'done', hasValue: true, frozen: true });
      expect(r.actions).toEqual([]);
    }
    expect(
      localStep(entryOf(ctx, S.WRITE_GHOST, { hasObject: true }), get(), ctx).entry?.state,
    ).toBe(S.WRITE_OWNER);
  });

  it('no_ft on INV_OWNER returns null but still freezes; after a NO_OBJECT answer too', () => {
    const home = ctxOf(1, 1);
    const r = localStep(undefined, get(F.NO_FT_REQ), home);
    expect(r.outcome).toEqual({ kind: 'done', hasValue: false, frozen: true });
    const away = ctxOf(2, 1);
    const r2 = localStep(
      entryOf(away, S.INV_COPY),
      { verb: 'get', flags: F.NO_FT_REQ, waiting: true },
      away,
    );
    expect(r2.outcome).toEqual({ kind: 'done', hasValue: false, frozen: true });
  });

  it('async sends and returns without freezing', () => {
    const ctx = ctxOf(2, 0);
    const r = localStep(undefined, get(F.ASYNC_REQ), ctx);
    expect(r.outcome).toEqual({ kind: 'done', hasValue: false, frozen: false });
    expect(r.entry?.state).toBe(S.WAIT_OBJ_READ);
  });

  it('waits while another request is in flight or a remove runs', () => {
    const ctx = ctxOf(2, 0);
    for (const st of [S.WAIT_OBJ_READ, S.WAIT_OBJ_WRITE, S.WAIT_OBJ_RM_DONE, S.INV_FILLING]) {
      const r = localStep(entryOf(ctx, st), get(), ctx);
      expect(r.outcome.kind).toBe('wait');
      expect(r.actions).toEqual([]);
    }
  });

  it('LOCAL_EXCLUSIVE: a second local get waits while the object is frozen', () => {
    const ctx = ctxOf(2, 0, { localExclusive: true });
    const e = entryOf(ctx, S.READ_COPY, { hasObject: true, frozenCount: 1 });
    expect(localStep(e, get(), ctx).outcome.kind).toBe('wait');
    expect(localStep(e, get(), ctxOf(2, 0)).outcome.kind).toBe('done');
  });
});

describe('grab', () => {
  it('first-touches into WRITE_OWNER on the default owner', () => {
    const ctx = ctxOf(1, 1);
    const r = localStep(undefined, grab(), ctx);
    expect(r.entry?.state).toBe(S.WRITE_OWNER);
    expect(r.outcome).toEqual({ kind: 'done', hasValue: true, frozen: true });
  });

  it('from READ_COPY asks the owner for write (REQ_OBJECT_COPY on write) and clears the copyset', () => {
    const ctx = ctxOf(3, 0);
    const r = localStep(entryOf(ctx, S.READ_COPY, { hasObject: true, probOwner: 1 }), grab(), ctx);
    expect(r.entry?.state).toBe(S.WAIT_OBJ_WRITE);
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_COPY->1']);
    expect(r.entry?.copyset).toBe(0n);
  });

  it('from READ_OWNER with readers invalidates each reader and waits in WAIT_ACK_WRITE', () => {
    const ctx = ctxOf(1, 1);
    const e = entryOf(ctx, S.READ_OWNER, { hasObject: true, copyset: nodeSetOf(1, 2, 4) });
    const r = localStep(e, grab(), ctx);
    expect(r.entry?.state).toBe(S.WAIT_ACK_WRITE);
    expect(describeActions(r.actions)).toEqual([
      'send REQ_OBJECT_INVALID->2',
      'send REQ_OBJECT_INVALID->4',
    ]);
  });

  it('from an exclusive READ_OWNER upgrades in place', () => {
    const ctx = ctxOf(1, 1);
    const r = localStep(
      entryOf(ctx, S.READ_OWNER, { hasObject: true, copyset: nodeSetOf(1) }),
      grab(),
      ctx,
    );
    expect(r.entry?.state).toBe(S.WRITE_OWNER);
    expect(r.actions).toEqual([]);
  });

  it('waits for a local reader before upgrading a READ_COPY; try_grab fails busy instead', () => {
    const ctx = ctxOf(3, 0);
    const e = entryOf(ctx, S.READ_COPY, { hasObject: true, frozenCount: 1 });
    expect(localStep(e, grab(), ctx).outcome.kind).toBe('wait');
    expect(localStep(e, grab(F.TRY_GRAB), ctx).outcome).toEqual({ kind: 'fail', why: 'busy' });
  });

  it('try_grab fails busy when the request comes back unanswered', () => {
    const ctx = ctxOf(3, 0);
    const r = localStep(
      entryOf(ctx, S.INV_COPY),
      { verb: 'grab', flags: F.TRY_GRAB, waiting: true },
      ctx,
    );
    expect(r.outcome).toEqual({ kind: 'fail', why: 'busy' });
  });

  it('manual_ft leaves INV_OWNER frozen with no value, then set_object installs WRITE_OWNER', () => {
    const ctx = ctxOf(1, 1);
    const r = localStep(undefined, grab(F.NO_FT_REQ | F.SEND_OWNERSHIP), ctx);
    expect(r.outcome).toEqual({ kind: 'done', hasValue: false, frozen: true });
    expect(r.entry?.state).toBe(S.INV_OWNER);
    const s = localStep(r.entry, { verb: 'setObject', state: S.WRITE_OWNER }, ctx);
    expect(s.entry?.state).toBe(S.WRITE_OWNER);
    expect(s.entry?.hasObject).toBe(true);
    expect(describeActions(s.actions)).toEqual(['setObject']);
    expect(
      localStep(s.entry, { verb: 'setObject', state: S.WRITE_OWNER }, ctx).outcome,
    ).toMatchObject({ kind: 'fail', why: 'badUsage' });
  });
});

describe('find and put', () => {
  it('find is local: freezes a readable copy, else null without messages', () => {
    const ctx = ctxOf(2, 0);
    expect(
      localStep(entryOf(ctx, S.READ_COPY, { hasObject: true }), { verb: 'find' }, ctx).outcome,
    ).toEqual({ kind: 'done', hasValue: true, frozen: true });
    const r = localStep(entryOf(ctx, S.INV_COPY), { verb: 'find' }, ctx);
    expect(r.outcome).toEqual({ kind: 'done', hasValue: false, frozen: false });
    expect(r.actions).toEqual([]);
  });

  it('put releases one freeze and calls the linker put; put without a hold fails', () => {
    const ctx = ctxOf(2, 0);
    const r = localStep(entryOf(ctx, S.READ_COPY, { frozenCount: 2 }), { verb: 'put' }, ctx);
    expect(r.entry?.frozenCount).toBe(1);
    expect(describeActions(r.actions)).toEqual(['put']);
    expect(localStep(entryOf(ctx, S.READ_COPY), { verb: 'put' }, ctx).outcome).toEqual({
      kind: 'fail',
      why: 'notFrozen',
    });
  });
});

describe('remove', () => {
  const rm = { verb: 'remove', dropOwnFreeze: false, waiting: false } as const;
  it('is a no-op for an unknown object on its default owner', () => {
    const r = localStep(undefined, rm, ctxOf(1, 1));
    expect(r.outcome.kind).toBe('done');
    expect(r.actions).toEqual([]);
  });

  it('from a copy asks the manager (REQ_OBJECT_REMOVE_TO_MGR) and waits in WAIT_OBJ_RM_DONE', () => {
    const ctx = ctxOf(2, 0);
    const r = localStep(entryOf(ctx, S.READ_COPY, { hasObject: true, probOwner: 5 }), rm, ctx);
    expect(r.entry?.state).toBe(S.WAIT_OBJ_RM_DONE);
    // To the home (which registers it), not along the probable owners.
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_REMOVE_TO_MGR->0']);
  });

  it('on the home, goes to the probable owner already registered (NEED_OBJ_RM_ACK2)', () => {
    const ctx = ctxOf(0, 0);
    const r = localStep(entryOf(ctx, S.INV_COPY, { probOwner: 5 }), rm, ctx);
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_REMOVE_TO_MGR->5']);
    const sent = r.actions[0];
    expect(sent?.kind === 'send' && sent.msg.flags).toBe(F.NEED_OBJ_RM_ACK2);
    // While another node's remove is registered here, the home's own remove waits.
    const busy = localStep(entryOf(ctx, S.INV_COPY, { probOwner: 5, ack2Pending: true }), rm, ctx);
    expect(busy.outcome.kind).toBe('wait');
    expect(busy.actions).toEqual([]);
  });

  it('on a non-home owner registers with the home first, then removes the copies when its request is back', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.WRITE_OWNER, {
      hasObject: true,
      probOwner: 1,
      copyset: nodeSetOf(1),
      rmset: nodeSetOf(0, 1, 3),
    });
    const r = localStep(e, rm, ctx);
    expect(r.entry?.state).toBe(S.WAIT_OBJ_RM_DONE);
    expect(members(r.entry!.ownedRmset!)).toEqual([0, 1, 3]);
    expect(describeActions(r.actions)).toEqual(['send REQ_OBJECT_REMOVE_TO_MGR->0']);
    // The home passes it back along the chain, registered.
    const back = handledOf(
      handleMessage(
        r.entry,
        0,
        msgOf(M.REQ_OBJECT_REMOVE_TO_MGR, 1, { flags: F.NEED_OBJ_RM_ACK2 }),
        ctx,
      ),
    );
    expect(back.entry?.state).toBe(S.WAIT_OBJ_RM_ACK);
    expect(describeActions(back.actions)).toEqual([
      'send REQ_OBJECT_REMOVE->0',
      'send REQ_OBJECT_REMOVE->3',
    ]);
    const waiting = r.outcome.kind === 'wait' ? r.outcome.op : rm;
    const acked = { ...back.entry!, rmset: 0n };
    const fin = localStep(acked, waiting, ctx);
    expect(fin.entry).toBeUndefined();
    expect(describeActions(fin.actions)).toEqual(['send REMOVE_ACK2->0', 'removeObject']);
  });

  it('on the home owner sends REQ_OBJECT_REMOVE to the rmset and finishes when acks are in', () => {
    const ctx = ctxOf(0, 0);
    const e = entryOf(ctx, S.WRITE_OWNER, {
      hasObject: true,
      probOwner: 0,
      copyset: nodeSetOf(0),
      rmset: nodeSetOf(0, 2, 3),
    });
    const r = localStep(e, rm, ctx);
    expect(r.entry?.state).toBe(S.WAIT_OBJ_RM_ACK);
    expect(describeActions(r.actions)).toEqual([
      'send REQ_OBJECT_REMOVE->2',
      'send REQ_OBJECT_REMOVE->3',
    ]);
    const waiting = r.outcome.kind === 'wait' ? r.outcome.op : rm;
    const fin = localStep({ ...r.entry!, rmset: 0n }, waiting, ctx);
    expect(fin.entry).toBeUndefined();
    expect(describeActions(fin.actions)).toEqual(['removeObject']);
  });

  it('a sole owner removes at once; a running remove gives "already"; a held object waits', () => {
    const ctx = ctxOf(1, 1);
    const r = localStep(
      entryOf(ctx, S.WRITE_OWNER, { hasObject: true, rmset: nodeSetOf(1) }),
      rm,
      ctx,
    );
    expect(r.entry).toBeUndefined();
    expect(describeActions(r.actions)).toEqual(['removeObject']);
    expect(localStep(entryOf(ctx, S.WAIT_OBJ_RM_ACK), rm, ctx).outcome).toEqual({
      kind: 'fail',
      why: 'already',
    });
    expect(localStep(entryOf(ctx, S.WRITE_OWNER, { frozenCount: 1 }), rm, ctx).outcome.kind).toBe(
      'wait',
    );
    const frozenRm = { verb: 'remove', dropOwnFreeze: true, waiting: false } as const;
    expect(
      localStep(entryOf(ctx, S.WRITE_OWNER, { frozenCount: 1, hasObject: true }), frozenRm, ctx)
        .entry,
    ).toBeUndefined();
  });
});

describe('flush', () => {
  const flush = (dest?: number) => ({ verb: 'flush', dest, waiting: false }) as const;
  it('a READ_COPY drops its copy silently and stays as an INV_COPY forwarding entry', () => {
    const ctx = ctxOf(2, 0);
    const r = localStep(entryOf(ctx, S.READ_COPY, { hasObject: true, probOwner: 1 }), flush(), ctx);
    expect(describeActions(r.actions)).toEqual(['invalidate']);
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 1, hasObject: false });
  });

  it('a READ_OWNER with readers hands ownership to one (SEND_OWNERSHIP) and waits', () => {
    const ctx = ctxOf(1, 1);
    const r = localStep(
      entryOf(ctx, S.READ_OWNER, { hasObject: true, copyset: nodeSetOf(1, 3, 6) }),
      flush(6),
      ctx,
    );
    expect(r.entry?.state).toBe(S.WAIT_CHG_OWN_ACK);
    expect(describeActions(r.actions)).toEqual(['send SEND_OWNERSHIP->6']);
    expect(members(r.entry!.copyset)).toEqual([3, 6]);
  });

  it('the only copy is pushed to dest (OBJECT_SEND, IO_FLUSH) or refused without one', () => {
    const ctx = ctxOf(1, 0);
    const e = entryOf(ctx, S.WRITE_OWNER, {
      hasObject: true,
      probOwner: 1,
      copyset: nodeSetOf(1),
      rmset: nodeSetOf(1),
    });
    const r = localStep(e, flush(4), ctx);
    expect(describeActions(r.actions)).toEqual(['send OBJECT_SEND->4', 'invalidate']);
    expect(r.entry).toMatchObject({ state: S.INV_COPY, probOwner: 4, hasObject: false });
    expect(localStep(e, flush(), ctx).outcome).toEqual({ kind: 'fail', why: 'noDest' });
    expect(localStep(undefined, flush(4), ctx).outcome).toEqual({
      kind: 'fail',
      why: 'noLocalCopy',
    });
  });
});

describe('sync (FT_LINKED)', () => {
  it('pushes the held copy to the default owner and drops write to read', () => {
    const ctx = ctxOf(2, 0, { ftLinked: true });
    const e = entryOf(ctx, S.WRITE_OWNER, {
      hasObject: true,
      probOwner: 2,
      copyset: nodeSetOf(2),
      frozenCount: 1,
    });
    const r = localStep(e, { verb: 'sync' }, ctx);
    expect(describeActions(r.actions)).toEqual(['send OBJECT_SEND->0']);
    expect(r.entry?.state).toBe(S.READ_OWNER);
    expect(members(r.entry!.copyset)).toEqual([0, 2]);
  });

  it('on the default owner calls the linker sync; refuses unfrozen objects and plain sets', () => {
    const home = ctxOf(0, 0, { ftLinked: true });
    expect(
      describeActions(
        localStep(entryOf(home, S.WRITE_OWNER, { frozenCount: 1 }), { verb: 'sync' }, home).actions,
      ),
    ).toEqual(['sync']);
    expect(localStep(entryOf(home, S.WRITE_OWNER), { verb: 'sync' }, home).outcome).toEqual({
      kind: 'fail',
      why: 'notFrozen',
    });
    const plain = ctxOf(0, 0);
    expect(
      localStep(entryOf(plain, S.WRITE_OWNER, { frozenCount: 1 }), { verb: 'sync' }, plain).outcome,
    ).toMatchObject({ kind: 'fail', why: 'badUsage' });
  });
});
