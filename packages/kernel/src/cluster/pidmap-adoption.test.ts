// Goal (issue 8): pidmaps live on their origin node; when a node is lost
// its heir adopts its pidmap (the `pidmap` set's map says so), a PID
// reserved there stays taken, the owner takes the map back when it
// rejoins, and from then on never hands that PID out while the
// reservation lives. Method: crash, adoption, a reservation in the adopted
// map (what a restart of one of the node's processes elsewhere does,
// reference §6.a), reboot, then every PID the node can hand out.
import {
  PIDMAP_MAP_OBJECT,
  PIDMAP_MAP_SET_ID,
  globalPid,
  type PidmapMapObject,
} from '@krg/pid-mgmt';
import { PidmapExhausted } from '@krg/pid-mgmt';
import { describe, expect, test } from 'vitest';
import { Cluster } from '../index.js';
import { startGuest } from './guests.test-util.js';

async function hostsSeenFrom(cluster: Cluster, node: number): Promise<readonly number[]> {
  let hosts: readonly number[] = [];
  cluster.nodes[node]!.scope.spawn('read-map', async () => {
    const set = cluster.nodes[node]!.kddm.set<PidmapMapObject>(PIDMAP_MAP_SET_ID)!;
    hosts = (await set.get(PIDMAP_MAP_OBJECT))!.hosts;
    set.put(PIDMAP_MAP_OBJECT);
  });
  await cluster.run();
  return hosts;
}

describe('pidmap adoption after a node loss', () => {
  test('the heir adopts, a reservation survives the hand-back, the PID is never reused', async () => {
    const cluster = new Cluster({ nodes: 4, seed: 21 });
    const held = [startGuest(cluster, 2, 'stdin-filter'), startGuest(cluster, 2, 'stdin-filter')];
    await cluster.run();
    expect((await hostsSeenFrom(cluster, 1)).slice(0, 4)).toEqual([0, 1, 2, 3]);

    cluster.crashNode(2);
    await cluster.run();
    expect(held.every((h) => h.task.state === 'dead')).toBe(true);
    // Node 3 is node 2's heir: a fresh pidmap (the processes of node 2 died with it).
    const adopted = cluster.foreignPidmaps(3).get(2);
    expect(adopted).toBeDefined();
    expect(adopted!.count).toBe(0);
    expect((await hostsSeenFrom(cluster, 1)).slice(0, 4)).toEqual([0, 1, 3, 3]);

    // A restart of a process of node 2 elsewhere reserves its PID in the adopted map.
    const reservedLocal = 1000;
    adopted!.reserve(reservedLocal);

    let joined = false;
    cluster.nodes[0]!.scope.spawn('reboot', async () => {
      await cluster.rebootNode(2);
      joined = true;
    });
    await cluster.run();
    expect(joined).toBe(true);
    expect(cluster.foreignPidmaps(3).has(2)).toBe(false);
    expect((await hostsSeenFrom(cluster, 1)).slice(0, 4)).toEqual([0, 1, 2, 3]);
    const own = cluster.nodes[2]!.pidmap;
    expect(own.isAllocated(reservedLocal)).toBe(true);

    // Programs started on the rebooted node never get the reserved PID...
    const reserved = globalPid(2, reservedLocal);
    const pids = Array.from({ length: 8 }, () => startGuest(cluster, 2, 'hello').task.pid);
    await cluster.run();
    expect(pids).not.toContain(reserved);
    // ...and neither does any PID the node can still hand out.
    const handedOut = new Set<number>();
    for (;;) {
      try {
        handedOut.add(own.alloc());
      } catch (e) {
        expect(e).toBeInstanceOf(PidmapExhausted);
        break;
      }
    }
    expect(handedOut.size).toBeGreaterThan(30000);
    expect(handedOut.has(reservedLocal)).toBe(false);
  });

  test('an heir that crashes hands every pidmap it held to the next heir', async () => {
    const cluster = new Cluster({ nodes: 4, seed: 22 });
    cluster.crashNode(2);
    await cluster.run();
    expect([...cluster.foreignPidmaps(3).keys()]).toEqual([2]);
    cluster.crashNode(3);
    await cluster.run();
    // Node 0 is the next live node after 3 in ring order.
    expect([...cluster.foreignPidmaps(0).keys()].sort()).toEqual([2, 3]);
    expect((await hostsSeenFrom(cluster, 1)).slice(0, 4)).toEqual([0, 1, 0, 0]);
  });

  test('a crash of the map home (node 0) loses the map; it is rebuilt when node 0 returns', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 23 });
    cluster.crashNode(0);
    await cluster.run();
    // No map to adopt into while its home is down: counted, nothing hangs.
    expect(cluster.foreignPidmaps(1).size).toBe(0);
    cluster.nodes[1]!.scope.spawn('reboot', () => cluster.rebootNode(0));
    await cluster.run();
    expect((await hostsSeenFrom(cluster, 2)).slice(0, 3)).toEqual([0, 1, 2]);
  });
});
