// Goal: getpriority/setpriority served on one node follow Linux's rules for
// that node's tasks (which are named, EPERM for another user's process,
// EACCES for lowering a nice value without root) and the replies of every
// node combine as Linux's loops do; malformed network input is refused.
// Method: tasks with chosen credentials; direct cases.
import { describe, expect, test } from 'vitest';
import {
  NO_PRIORITY,
  ROOT_CREDENTIALS,
  Task,
  checkPriorityReply,
  checkPriorityRequest,
  priorityOnNode,
  priorityResult,
  reniceResult,
  type Credentials,
} from './index.js';

function task(pid: number, pgid: number, credentials: Credentials = ROOT_CREDENTIALS): Task {
  return new Task({
    pid,
    node: 0,
    parentPid: 1,
    pgid,
    sid: 1,
    credentials,
    comm: 't',
    exitSignal: 17,
  });
}

const user = { uid: 1000, euid: 1000, gid: 0, egid: 0 };

describe('priorities on one node', () => {
  test('a group is reniced; the lowest nice is reported before the change', () => {
    const tasks = [task(2, 7), task(3, 7), task(4, 8)];
    tasks[1]!.nice = -2;
    const root = { uid: 0, euid: 0 };
    expect(
      priorityOnNode(tasks, { target: { kind: 'group', pgid: 7 }, nice: 4, caller: root }),
    ).toEqual({
      found: 2,
      lowestNice: -2,
      error: undefined,
    });
    expect(tasks.map((t) => t.nice)).toEqual([4, 4, 0]);
  });

  test("EPERM for another user's process, EACCES for lowering without root", () => {
    const mine = task(2, 7, user);
    const theirs = task(3, 7);
    const caller = { uid: 1000, euid: 1000 };
    const group = { kind: 'group', pgid: 7 } as const;
    expect(priorityOnNode([mine, theirs], { target: group, nice: 5, caller }).error).toBe('EPERM');
    expect(mine.nice).toBe(5);
    expect(theirs.nice).toBe(0);
    expect(priorityOnNode([mine], { target: group, nice: 1, caller }).error).toBe('EACCES');
    expect(mine.nice).toBe(5);
  });

  test('the replies combine: ESRCH when nobody, 20 − the lowest nice, the last failure', () => {
    const r = (found: number, lowestNice: number, error?: 'EPERM' | 'EACCES') => ({
      found,
      lowestNice,
      error,
    });
    expect(priorityResult([NO_PRIORITY, NO_PRIORITY])).toBe('ESRCH');
    expect(priorityResult([r(1, 3), NO_PRIORITY, r(2, -1)])).toBe(21);
    expect(reniceResult([NO_PRIORITY])).toBe('ESRCH');
    expect(reniceResult([r(1, 0, 'EPERM'), r(1, 0)])).toBe('EPERM');
    expect(reniceResult([r(1, 0)])).toBe(0);
  });

  test('what arrives from the network is checked', () => {
    const good = { target: { kind: 'user', uid: 5 }, nice: -20, caller: { uid: 0, euid: 0 } };
    expect(checkPriorityRequest(good)).toEqual(good);
    expect(checkPriorityRequest({ ...good, nice: 20 })).toBeUndefined();
    expect(checkPriorityRequest({ ...good, target: { kind: 'process', pid: 0 } })).toBeUndefined();
    expect(checkPriorityRequest({ ...good, caller: { uid: -1, euid: 0 } })).toBeUndefined();
    expect(checkPriorityReply({ found: 1, lowestNice: 30 })).toBeUndefined();
    expect(checkPriorityReply({ found: 1, lowestNice: 3, error: 'EBADF' })).toBeUndefined();
  });
});
