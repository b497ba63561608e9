// Goal: a task's KDDM objects follow its lifecycle exactly (issue 7 "task
// and children", issue 8 "the task's location"): after every engine event,
// each node's task objects describe exactly the processes it runs (pid,
// parent, group, session, uid, node, command, zombie state), every parent's
// children object lists exactly its children, and nothing is left once the
// processes are reaped. Method: real guests (a 31-process fork tree, the
// sessions guest's setsid/setpgid dance) stepped one engine event at a time
// with the synchronous local view compared to the tasks themselves.
import {
  CHILDREN_SET_ID,
  LIVE_OBJECT_SET_IDS,
  TASK_SET_ID,
  type ChildrenObject,
  type LiveObject,
  type TaskObject,
} from '@krg/epm-core';
import { MemoryGhost } from '@krg/ghost-io';
import { uniqueIdNode } from '@krg/kddm-core';
import { MM_SLOT } from '@krg/mm-ghost';
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

describe('signal, sighand and mm_struct objects', () => {
  type Fields = Record<string, unknown>;
  const read = async (cluster: Cluster, from: number, setId: number, id: number) => {
    let fields: Fields | null | undefined;
    cluster.nodes[from]!.scope.spawn('read', async () => {
      const set = cluster.nodes[from]!.kddm.set<LiveObject<object>>(setId)!;
      const obj = await set.getNoFt(id);
      fields = obj === null ? null : obj.fields;
      set.put(id);
    });
    await cluster.run();
    return fields;
  };

  test('exist from creation, are read from another node, follow restart, vanish at reap and with their node', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 12 });
    const held = startGuest(cluster, 1, 'stdin-filter');
    await cluster.run();
    const ids = cluster.kernelObjectIds(held.task);
    expect(ids.signal).toBe(held.task.tgid);
    expect(uniqueIdNode(ids.sighand!)).toBe(1);
    expect(uniqueIdNode(ids.mm!)).toBe(1);
    // Node 2 reads copies over KDDM: the fields of the live structures on node 1.
    const signal = await read(cluster, 2, LIVE_OBJECT_SET_IDS.SIGNAL_STRUCT, ids.signal!);
    expect(signal).toMatchObject({ count: 1, sharedPending: [] });
    expect((signal!.rlimits as unknown[]).length).toBe(16);
    const sighand = await read(cluster, 2, LIVE_OBJECT_SET_IDS.SIGHAND_STRUCT, ids.sighand!);
    expect((sighand!.actions as unknown[]).length).toBe(64);
    const mm = await read(cluster, 2, LIVE_OBJECT_SET_IDS.MM_STRUCT, ids.mm!);
    const space = held.task.get(MM_SLOT);
    expect(mm).toMatchObject({ brk: space.map.brk, residentPages: space.residentPages });

    // Checkpoint, kill, restart on the same node: the signal object comes
    // back under the same TGID; sighand and mm get new ids (reference §6).
    const frozen = cluster.freeze(held.task);
    await cluster.run();
    expect(await frozen).toBe('frozen');
    const ghost = MemoryGhost.create();
    await cluster.exportProcess(held.task, ghost, {
      type: 'checkpoint',
      appId: 1,
      shared: 'save-now',
    });
    await ghost.close();
    cluster.kill(held.task);
    await cluster.run(); // the remove reaches node 2's read copy
    expect(await read(cluster, 2, LIVE_OBJECT_SET_IDS.SIGNAL_STRUCT, ids.signal!)).toBeNull();
    const restarted = await cluster.importProcess(
      ghost.toReader(),
      { type: 'restart', appId: 1, shared: 'load-now', replacePgrp: false, replaceSid: false },
      1,
      {
        stdin: held.stdin,
        stdout: { sink: { write: () => {} }, kind: 'pipe' },
        stderr: { sink: { write: () => {} }, kind: 'pipe' },
      },
    );
    const again = cluster.kernelObjectIds(restarted);
    expect(again.signal).toBe(ids.signal);
    expect(again.sighand).not.toBe(ids.sighand);
    expect(await read(cluster, 0, LIVE_OBJECT_SET_IDS.SIGNAL_STRUCT, again.signal!)).not.toBeNull();

    // A crash of node 1 takes them with it: after its reboot they are gone.
    cluster.crashNode(1);
    await cluster.run();
    cluster.nodes[0]!.scope.spawn('reboot', () => cluster.rebootNode(1));
    await cluster.run();
    for (const [setId, id] of [
      [LIVE_OBJECT_SET_IDS.SIGNAL_STRUCT, again.signal!],
      [LIVE_OBJECT_SET_IDS.SIGHAND_STRUCT, again.sighand!],
      [LIVE_OBJECT_SET_IDS.MM_STRUCT, again.mm!],
    ] as const)
      expect(await read(cluster, 2, setId, id)).toBeNull();
    expect(cluster.objectUpdateFailures).toBe(0);
  });

  test('are removed when the process is reaped', async () => {
    const cluster = new Cluster({ nodes: 2, seed: 13 });
    const held = startGuest(cluster, 1, 'stdin-filter');
    await cluster.run();
    const ids = cluster.kernelObjectIds(held.task);
    held.stdin.end();
    await cluster.run();
    expect(cluster.tasks()).toEqual([]);
    for (const [setId, id] of [
      [LIVE_OBJECT_SET_IDS.SIGNAL_STRUCT, ids.signal!],
      [LIVE_OBJECT_SET_IDS.SIGHAND_STRUCT, ids.sighand!],
      [LIVE_OBJECT_SET_IDS.MM_STRUCT, ids.mm!],
    ] as const) {
      expect(cluster.nodes[1]!.kddm.set(setId)!.peek(id)).toBeUndefined();
      expect(await read(cluster, 0, setId, id)).toBeNull();
    }
  });
});
