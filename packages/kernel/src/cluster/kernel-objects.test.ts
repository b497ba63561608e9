// Goal: a task's KDDM objects follow its lifecycle exactly (issue 7 "task
// and children", issue 8 "the task's location"): after every engine event,
// each node's task objects describe exactly the processes it runs (pid,
// parent, group, session, uid, node, command, zombie state), every parent's
// children object lists exactly its children, and nothing is left once the
// processes are reaped. Method: real guests (a 31-process fork tree, the
// sessions guest's setsid/setpgid dance) stepped one engine event at a time
// with the synchronous local view compared to the tasks themselves.
import { CHILDREN_SET_ID, TASK_SET_ID, type ChildrenObject, type TaskObject } from '@krg/epm-core';
import { PID_SET_ID, type PidObject } from '@krg/pid-mgmt';
import { describe, expect, test } from 'vitest';
import { Cluster } from '../index.js';
import { objectView, startGuest, truth } from './guests.test-util.js';

/** Every parent's children object against the parent's live children in the table. */
function checkChildren(cluster: Cluster): void {
  for (const node of cluster.nodes) {
    if (!node.isUp) continue;
    const set = node.kddm.set<ChildrenObject>(CHILDREN_SET_ID)!;
    for (const parent of node.tasks()) {
      const expected = node
        .tasks()
        .filter((c) => c.parentPid === parent.pid)
        .map((c) => ({ pid: c.pid, zombie: c.state === 'zombie', pgid: c.pgid, sid: c.sid }));
      const obj = set.peek(parent.pid);
      const listed = (obj?.children ?? []).map((c) => ({
        pid: c.pid,
        zombie: c.exitState === 'zombie',
        pgid: c.pgid,
        sid: c.sid,
      }));
      expect(listed.sort((a, b) => a.pid - b.pid)).toEqual(expected);
    }
  }
}

describe('task, pid and children objects', () => {
  test('follow fork, setsid/setpgid, exit, reparenting and reap after every event', async () => {
    const cluster = new Cluster({ nodes: 4, seed: 3 });
    const tree = startGuest(cluster, 2, 'fork-tree', [], '');
    const sessions = startGuest(cluster, 1, 'sessions', [], '');
    const pids = new Set<number>();
    let events = 0;
    for (;;) {
      const r = await cluster.run({ maxEvents: 1 });
      events += r.events;
      for (const t of cluster.tasks()) pids.add(t.pid);
      const view = objectView(cluster);
      expect(view, `objects readable after event ${events}`).toBeDefined();
      expect(view, `after event ${events}`).toEqual(truth(cluster));
      checkChildren(cluster);
      if (r.reason === 'idle') break;
    }
    expect(tree.stdout()).toContain('PASS');
    expect(sessions.status()).toBe(0);
    expect(pids.size).toBeGreaterThan(31);
    expect(cluster.objectUpdateFailures).toBe(0);
    // Reaped: no task, pid or children object is left anywhere.
    for (const node of cluster.nodes) {
      for (const pid of pids) {
        expect(node.kddm.set<TaskObject>(TASK_SET_ID)!.peek(pid)).toBeUndefined();
        expect(node.kddm.set<PidObject>(PID_SET_ID)!.peek(pid)).toBeUndefined();
        expect(node.kddm.set<ChildrenObject>(CHILDREN_SET_ID)!.peek(pid)).toBeUndefined();
      }
    }
  });

  test("a process's objects live on its node: the updates take KDDM's local path", async () => {
    const cluster = new Cluster({ nodes: 3, seed: 4 });
    startGuest(cluster, 1, 'fork-tree', [], '');
    await cluster.run();
    const set = cluster.nodes[1]!.kddm.set(TASK_SET_ID)!;
    expect(set.counters.fastPathHits).toBeGreaterThan(0);
    // Nothing about these processes crossed the network.
    for (const other of [0, 2])
      expect(cluster.nodes[other]!.kddm.set(TASK_SET_ID)!.objectIds()).toEqual([]);
  });
});

describe('a process found through its task object', () => {
  test('getpgid, getsid and getpriority of processes on other nodes', async () => {
    const cluster = new Cluster({ nodes: 4, seed: 9 });
    // Two long-lived processes (they block reading stdin) on nodes 1 and 3.
    const a = startGuest(cluster, 1, 'stdin-filter');
    const b = startGuest(cluster, 3, 'stdin-filter');
    await cluster.run();
    const dead = 0x3fffff; // a well-formed PID of node 0 that nobody has
    const q = startGuest(cluster, 0, 'pid-query', [
      String(a.task.pid),
      String(b.task.pid),
      String(dead),
      '1',
    ]);
    await cluster.run();
    expect(q.stdout()).toBe(
      `${a.task.pid}: pgid=${a.task.pid} sid=1 nice=0\n` +
        `${b.task.pid}: pgid=${b.task.pid} sid=1 nice=0\n` +
        `${dead}: pgid=ESRCH sid=ESRCH nice=ESRCH\n` +
        // pid 1 is the asking node's own init.
        `1: pgid=1 sid=1 nice=0\n`,
    );
    // The questions went to nodes 1 and 3 over RPC.
    expect(cluster.nodes[1]!.rpc.stats.requestsServed).toBeGreaterThan(0);
    expect(cluster.nodes[3]!.rpc.stats.requestsServed).toBeGreaterThan(0);
    a.stdin.end();
    b.stdin.end();
    await cluster.run();
    expect(cluster.tasks()).toEqual([]);
  });
});
