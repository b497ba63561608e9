// Goal: every node of a Cluster has an RPC endpoint and a KDDM node over it,
// so a kernel object created on one node is read from another over krg-rpc.
// Method: a set created on every node (as system sets are at boot), an
// object written on its home node, read and then taken over from another.
import { describe, expect, test } from 'vitest';
import { Cluster } from '../index.js';

describe('the cluster fabric', () => {
  test('a KDDM object written on node 0 is read and grabbed from node 2 over RPC', async () => {
    const cluster = new Cluster({ nodes: 3, seed: 7 });
    const TEST_SET = 25; // KDDM_TEST4_DIST's static id: free for tests
    for (const node of cluster.nodes) {
      node.kddm.registerLinker<{ value: number }>({
        name: 'box',
        firstTouch: () => ({ value: 0 }),
      });
      node.kddm.createSet({ id: TEST_SET, linker: 'box', home: { fixed: 0 } });
    }
    const [n0, , n2] = cluster.nodes;
    const seen: number[] = [];
    n0!.scope.spawn('writer', async () => {
      const box = await n0!.kddm.set<{ value: number }>(TEST_SET)!.grab(1);
      box!.value = 42;
      n0!.kddm.set(TEST_SET)!.put(1);
      n2!.scope.spawn('reader', async () => {
        const set = n2!.kddm.set<{ value: number }>(TEST_SET)!;
        seen.push((await set.get(1))!.value);
        set.put(1);
        const mine = await set.grab(1);
        mine!.value = 43;
        set.put(1);
        seen.push(set.tryGetLocal(1)!.value);
        set.put(1);
      });
    });
    await cluster.run();
    expect(seen).toEqual([42, 43]);
    expect(cluster.fabric.network.stats.packetsSent).toBeGreaterThan(0);
  });
});
