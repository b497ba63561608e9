// What a node crash does to KDDM objects (issue 4, README "Crash semantics").
// A crashed node's volatile state is gone; a reboot brings a fresh node with
// the same id and no entries.
import { describe, expect, it } from 'vitest';
import { KddmNode } from './kddm-node.js';
import { type KddmSet } from './kddm-set.js';
import { counterLinker, makeCluster } from './sim-net.test-util.js';

interface Box {
  value: number;
}

describe('node crash', () => {
  it("reproduces the seed's failure: objects whose only copy lived on a crashed node are gone after its reboot", async () => {
    const c = makeCluster(3, 21, () => [counterLinker()]);
    // A system set whose objects live at their creating node, like signal_struct keyed by a TGID
    // of node 1 (home = the PID's origin node).
    const sets = c.nodes.map((n) =>
      n.createSet<Box>({ id: 2, linker: 'counter', home: { fixed: 1 } }),
    );
    const seen: (Box | number | null)[] = [];
    c.scopes[1]!.spawn('process on node 1', async () => {
      const sig = await sets[1]!.grab(4242);
      sig!.value = 42; // e.g. the process installed rlimits and pending signals
      sets[1]!.put(4242);
    });
    await c.engine.run();
    expect(sets[1]!.peek(4242)).toEqual({ value: 42 });

    // Node 1 crashes: its scope dies and its messages are lost; then it reboots empty.
    c.scopes[1]!.kill();
    c.net.crash(1);
    const scope = c.engine.createScope('node1-rebooted');
    const fresh = new KddmNode({
      self: 1,
      nodeMap: [0, 1, 2],
      transport: c.net.transportFor(1),
      scheduler: scope,
    });
    fresh.registerLinker(counterLinker());
    fresh.createSet<Box>({ id: 2, linker: 'counter', home: { fixed: 1 } });
    c.net.reboot(fresh);

    const s0 = sets[0] as KddmSet<Box>;
    c.scopes[0]!.spawn('restart looks for the object', async () => {
      seen.push(await s0.getNoFt(4242)); // exists nowhere any more
      s0.put(4242);
      const again = await s0.get(4242); // a get first-touches a brand-new object
      seen.push(again!.value);
      s0.put(4242);
    });
    await c.engine.run();
    expect(seen).toEqual([null, 0]);
  });
});
