// Goal: a kill request served on one node follows Linux's rules for the
// processes that node runs (which are named, EPERM, zombies, probes, the
// sender last, EAGAIN from a full queue), the nodes' replies combine as
// kill_pgrp and kill(−1) combine their loops, and requests or replies from
// the network are taken only when every field is in range. Method: tasks
// with a recording `send`; direct cases.
import { ROOT_CREDENTIALS, SIGNAL, Task, type Credentials, type SignalInfo } from '@krg/epm-core';
import { describe, expect, test } from 'vitest';
import {
  NOBODY,
  SIGNAL_SLOT,
  checkKillReply,
  checkPrlimitReply,
  checkSignalRequest,
  killResult,
  newSignalState,
  serveKill,
  servePrlimit,
  type GenerationResult,
  type KillReply,
  type KillRequest,
  type SignalNode,
} from './index.js';

function task(pid: number, pgid: number, credentials: Credentials = ROOT_CREDENTIALS): Task {
  const t = new Task({
    pid,
    node: 0,
    parentPid: 1,
    pgid,
    sid: 1,
    credentials,
    comm: 't',
    exitSignal: 17,
  });
  t.set(SIGNAL_SLOT, newSignalState());
  return t;
}

function node(tasks: Task[], result: GenerationResult = 'queued') {
  const sent: [number, number][] = [];
  const init = task(1, 1);
  const n: SignalNode = {
    tasks: () => tasks,
    init,
    send: (t, sig) => {
      sent.push([t.pid, sig]);
      return result;
    },
  };
  return { n, sent };
}

const info: SignalInfo = { code: 0, senderPid: 200, senderUid: 0 };
const root = { tgid: 200, uid: 0, euid: 0, sid: 1 };

function kill(
  target: KillRequest['target'],
  sig: number = SIGNAL.SIGUSR1,
  sender = root,
): KillRequest {
  return { op: 'kill', target, sig, info, sender };
}

describe('serving a kill on one node', () => {
  test('a group: every member, zombies take it silently, the sender last', () => {
    const members = [task(200, 7), task(201, 7), task(202, 7), task(300, 8)];
    members[2]!.state = 'zombie';
    const { n, sent } = node(members);
    expect(serveKill(n, kill({ kind: 'group', pgid: 7 }))).toEqual({
      found: 3,
      succeeded: 3,
      error: undefined,
    });
    expect(sent).toEqual([
      [201, SIGNAL.SIGUSR1],
      [200, SIGNAL.SIGUSR1],
    ]);
  });

  test('every process: not the sender, not init; a probe sends nothing', () => {
    const { n, sent } = node([task(200, 7), task(201, 7), task(300, 8)]);
    expect(serveKill(n, kill({ kind: 'all' }, 0))).toEqual({
      found: 2,
      succeeded: 2,
      error: undefined,
    });
    expect(sent).toEqual([]);
    serveKill(n, kill({ kind: 'all' }));
    expect(sent.map(([pid]) => pid)).toEqual([201, 300]);
  });

  test('one process or thread; pid 1 is the node init', () => {
    const { n, sent } = node([task(201, 7)]);
    expect(serveKill(n, kill({ kind: 'process', pid: 201 })).succeeded).toBe(1);
    expect(serveKill(n, kill({ kind: 'process', pid: 202 })).found).toBe(0);
    expect(serveKill(n, kill({ kind: 'thread', tgid: 201, tid: 201 })).succeeded).toBe(1);
    expect(serveKill(n, kill({ kind: 'thread', tgid: 5, tid: 201 })).found).toBe(0);
    expect(serveKill(n, kill({ kind: 'process', pid: 1 })).found).toBe(1);
    expect(sent.map(([pid]) => pid)).toEqual([201, 201, 1]);
  });

  test('EPERM for another user, except SIGCONT in the same session; EAGAIN when the queue is full', () => {
    const other = { uid: 1000, euid: 1000, gid: 0, egid: 0 };
    const { n } = node([task(201, 7), task(202, 7, other)]);
    const user = { tgid: 203, uid: 1000, euid: 1000, sid: 1 };
    expect(serveKill(n, kill({ kind: 'group', pgid: 7 }, SIGNAL.SIGUSR1, user))).toEqual({
      found: 2,
      succeeded: 1,
      error: 'EPERM',
    });
    expect(serveKill(n, kill({ kind: 'group', pgid: 7 }, SIGNAL.SIGCONT, user)).succeeded).toBe(2);
    const full = node([task(201, 7)], 'overflow').n;
    expect(serveKill(full, kill({ kind: 'process', pid: 201 }, 34))).toEqual({
      found: 1,
      succeeded: 0,
      error: 'EAGAIN',
    });
  });

  test('prlimit: ESRCH for a zombie, the old value back, the new one checked', () => {
    const t = task(201, 7);
    const z = task(202, 7);
    z.state = 'zombie';
    const { n } = node([t, z]);
    const req = (pid: number, next?: { soft: bigint; hard: bigint }) =>
      ({ op: 'prlimit', pid, resource: 7, next, sender: root }) as const;
    expect(servePrlimit(n, req(202))).toEqual({ ok: false, errno: 'ESRCH' });
    expect(servePrlimit(n, req(201, { soft: 10n, hard: 5n }))).toEqual({
      ok: false,
      errno: 'EINVAL',
    });
    expect(servePrlimit(n, req(201, { soft: 10n, hard: 20n }))).toEqual({
      ok: true,
      old: { soft: 1024n, hard: 4096n },
    });
    expect(t.get(SIGNAL_SLOT).rlimits[7]).toEqual({ soft: 10n, hard: 20n });
  });
});

describe("combining the nodes' replies", () => {
  const r = (found: number, succeeded: number, error?: KillReply['error']): KillReply => ({
    found,
    succeeded,
    error,
  });
  test('as kill_pgrp, kill(−1) and kill(pid) do', () => {
    const group = { kind: 'group', pgid: 7 } as const;
    expect(killResult(group, [NOBODY, NOBODY])).toBe('ESRCH');
    expect(killResult(group, [r(2, 0, 'EPERM'), r(1, 1)])).toBe(0);
    expect(killResult(group, [r(2, 0, 'EPERM'), NOBODY])).toBe('EPERM');
    expect(killResult({ kind: 'all' }, [r(2, 0, 'EPERM')])).toBe(0);
    expect(killResult({ kind: 'all' }, [r(2, 1, 'EAGAIN'), r(1, 0, 'EPERM')])).toBe('EAGAIN');
    expect(killResult({ kind: 'all' }, [])).toBe('ESRCH');
    expect(killResult({ kind: 'process', pid: 9 }, [r(1, 0, 'EAGAIN')])).toBe('EAGAIN');
  });
});

describe('what arrives from the network', () => {
  test('a well-formed request survives the check unchanged; anything out of range is refused', () => {
    const good = kill({ kind: 'thread', tgid: -1, tid: 5 });
    expect(checkSignalRequest(good)).toEqual(good);
    const queued = { ...kill({ kind: 'process', pid: 5 }, 34), info: { ...info, value: 7n } };
    expect(checkSignalRequest(queued)).toEqual(queued);
    for (const bad of [
      null,
      [],
      { ...good, op: 'exec' },
      { ...good, sig: 65 },
      { ...good, sig: -1 },
      { ...good, target: { kind: 'group', pgid: 0 } },
      { ...good, target: { kind: 'process', pid: 1.5 } },
      { ...good, sender: { ...root, uid: -1 } },
      { ...good, info: { ...info, value: -1n } },
      { op: 'prlimit', pid: 5, resource: 7, next: { soft: 1n }, sender: root },
    ])
      expect(checkSignalRequest(bad)).toBeUndefined();
    expect(checkKillReply({ found: 1, succeeded: 2 })).toBeUndefined();
    expect(checkKillReply({ found: 2, succeeded: 1, error: 'EPERM' })).toEqual(r2());
    expect(checkPrlimitReply({ ok: true, old: { soft: 1n, hard: 2 } })).toBeUndefined();
    expect(checkPrlimitReply({ ok: false, errno: 'EBADF' })).toBeUndefined();
  });
});

function r2(): KillReply {
  return { found: 2, succeeded: 1, error: 'EPERM' };
}
