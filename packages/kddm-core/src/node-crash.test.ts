// What a node crash does to KDDM objects (issue 4, README "Crash semantics").
// A crashed node's volatile state is gone; a reboot brings a fresh node with
// the same id and no entries, which rejoins through the live nodes' recovery
// round.
import { describe, expect, it } from 'vitest';
import { KddmBadMessage, KddmObjectLost } from './errors.js';
import { MAX_REJOIN_WAIT_NS } from './limits.js';
import { encodeControlFrame } from './frame.js';
import { type RecoveryWire } from './recovery.js';
import { KddmNode } from './kddm-node.js';
import { type KddmSet } from './kddm-set.js';
import { ObjectState } from './object-state.js';
import { counterLinker, makeCluster, type TestCluster } from './sim-net.test-util.js';

interface Box {
  value: number;
}

type Home = 'round-robin' | { fixed: number };

function boxSets(c: TestCluster, home: Home): KddmSet<Box>[] {
  return c.nodes.map((n) => n.createSet<Box>({ id: 2, linker: 'counter', home }));
}

/** Crash `dead`: its scope dies, its messages are lost, every other node hears of it. */
function crash(c: TestCluster, dead: number): void {
  c.scopes[dead]!.kill();
  c.net.crash(dead);
  c.nodes.forEach((n, i) => {
    if (i !== dead) n.nodeDown(dead);
  });
}

/** Reboot `node` as a fresh, rejoining node; the others hear it is back. */
function reboot(c: TestCluster, node: number, home: Home): KddmSet<Box> {
  const scope = c.engine.createScope(`node${node}-rebooted`);
  const fresh = new KddmNode({
    self: node,
    nodeMap: c.nodes.map((n) => n.self),
    transport: c.net.transportFor(node),
    scheduler: scope,
    rejoining: true,
  });
  fresh.registerLinker(counterLinker());
  const set = fresh.createSet<Box>({ id: 2, linker: 'counter', home });
  c.net.reboot(fresh);
  c.scopes[node] = scope;
  c.nodes.forEach((n, i) => {
    if (i !== node) n.nodeUp(node);
  });
  c.nodes[node] = fresh;
  return set;
}

describe('node crash', () => {
  it("reproduces the seed's failure: objects whose only copy lived on a crashed node are gone after its reboot", async () => {
    const c = makeCluster(3, 21, () => [counterLinker()]);
    // A system set whose objects live at their creating node, like signal_struct keyed by a TGID
    // of node 1 (home = the PID's origin node).
    const home = { fixed: 1 };
    const sets = boxSets(c, home);
    const seen: (number | null)[] = [];
    c.scopes[1]!.spawn('process on node 1', async () => {
      const sig = await sets[1]!.grab(4242);
      sig!.value = 42; // e.g. the process installed rlimits and pending signals
      sets[1]!.put(4242);
    });
    await c.engine.run();
    expect(sets[1]!.peek(4242)).toEqual({ value: 42 });

    crash(c, 1);
    reboot(c, 1, home);
    const s0 = sets[0] as KddmSet<Box>;
    c.scopes[0]!.spawn('restart looks for the object', async () => {
      const gone = await s0.getNoFt(4242); // exists nowhere any more
      seen.push(gone === null ? null : gone.value);
      s0.put(4242);
      const again = await s0.get(4242); // a get first-touches a brand-new object
      seen.push(again!.value);
      s0.put(4242);
    });
    await c.engine.run();
    expect(seen).toEqual([null, 0]);
    // The reboot came before the crash's round could finish: one round (of the newer view) on each.
    expect(c.nodes.map((n) => n.recoveryRounds)).toEqual([1, 1, 1]);
  });

  it('drops read copies of an object the dead node owned; waiting operations fail with KddmObjectLost', async () => {
    const c = makeCluster(4, 22, () => [counterLinker()]);
    const sets = boxSets(c, { fixed: 0 });
    c.scopes[2]!.spawn('writer on node 2', async () => {
      (await sets[2]!.grab(5))!.value = 9;
      sets[2]!.put(5);
      await sets[3]!.get(5); // a read copy on node 3
      sets[3]!.put(5);
      await sets[2]!.grab(5); // node 2 holds it for write and crashes with it
    });
    await c.engine.run();
    expect(sets[3]!.entryOf(5)?.state).toBe(ObjectState.INV_COPY);
    c.scopes[2]!.spawn('hold', async () => {
      sets[2]!.put(5);
      await sets[3]!.get(5); // node 3 reads again: node 2 becomes READ_OWNER, node 3 READ_COPY
    });
    await c.engine.run();
    expect(sets[3]!.entryOf(5)?.state).toBe(ObjectState.READ_COPY);
    sets[3]!.put(5);

    const errors: unknown[] = [];
    c.scopes[1]!.spawn('a grab waits on node 2', async () => {
      await sets[1]!.grab(5).catch((e: unknown) => errors.push(e));
    });
    await c.engine.run({ untilNs: c.engine.nowNs + 5_000 });
    expect(sets[1]!.waitingOps(5)).toBe(1);
    crash(c, 2);
    await c.engine.run();
    // Node 3's copy of the lost object is gone, the waiting grab failed, nobody owns it.
    expect(sets[3]!.peek(5)).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(KddmObjectLost);
    const values: number[] = [];
    c.scopes[3]!.spawn('a new incarnation', async () => {
      values.push((await sets[3]!.get(5))!.value);
      sets[3]!.put(5);
    });
    await c.engine.run();
    expect(values).toEqual([0]);
  });

  it('keeps an object a survivor owns when its home dies, and tells the rebooted home where it is', async () => {
    const c = makeCluster(3, 23, () => [counterLinker()]);
    const home = { fixed: 1 };
    const sets = boxSets(c, home);
    c.scopes[0]!.spawn('owner on node 0', async () => {
      (await sets[0]!.grab(8))!.value = 31;
      sets[0]!.put(8);
    });
    await c.engine.run();
    crash(c, 1);
    const reads: number[] = [];
    c.scopes[2]!.spawn('read while the home is down', async () => {
      // Node 2 has no entry: its request goes to the fallback home (node 2 itself, the next live
      // node), which the recovery round pointed at the owner.
      reads.push((await sets[2]!.get(8))!.value);
      sets[2]!.put(8);
    });
    await c.engine.run();
    const s1 = reboot(c, 1, home);
    c.scopes[1]!.spawn('read on the rebooted home', async () => {
      reads.push((await s1.get(8))!.value); // not a first touch: the round told it the owner
      s1.put(8);
    });
    await c.engine.run();
    expect(reads).toEqual([31, 31]);
  });

  it('re-sends a request that went through the dead node', async () => {
    const c = makeCluster(3, 24, () => [counterLinker()], {
      minDelayNs: 50_000,
      maxDelayNs: 50_000,
    });
    const sets = boxSets(c, { fixed: 1 });
    c.scopes[0]!.spawn('owner on node 0', async () => {
      (await sets[0]!.grab(3))!.value = 12;
      sets[0]!.put(3);
    });
    await c.engine.run();
    const reads: number[] = [];
    c.scopes[2]!.spawn('reader on node 2', async () => {
      // Node 2 asks the home (node 1), which forwards to node 0; node 1 dies with it in flight.
      reads.push((await sets[2]!.get(3))!.value);
      sets[2]!.put(3);
    });
    await c.engine.run({ untilNs: c.engine.nowNs + 40_000 });
    crash(c, 1);
    await c.engine.run();
    expect(reads).toEqual([12]);
  });

  it('rejects a malformed recovery message and changes nothing', () => {
    const c = makeCluster(2, 25, () => [counterLinker()]);
    const frame = (w: unknown) => encodeControlFrame(w as RecoveryWire);
    expect(() => c.nodes[0]!.receive(1, frame({ kind: 'recovery', phase: 1, view: 1 }))).toThrow(
      KddmBadMessage,
    );
    expect(() =>
      c.nodes[0]!.receive(1, frame({ kind: 'recovery', phase: 7, view: 1, live: [0, 1] })),
    ).toThrow(KddmBadMessage);
    expect(c.nodes[0]!.isRecovering).toBe(false);
  });
});

describe('rejoining alone', () => {
  it('a rebooted node with every other node down serves after MAX_REJOIN_WAIT_NS', async () => {
    const c = makeCluster(2, 26, () => [counterLinker()]);
    boxSets(c, 'round-robin');
    crash(c, 1);
    crash(c, 0);
    const s0 = reboot(c, 0, 'round-robin');
    const values: number[] = [];
    c.scopes[0]!.spawn('alone', async () => {
      values.push((await s0.get(1))!.value);
      s0.put(1);
    });
    await c.engine.run();
    expect(values).toEqual([0]);
    expect(c.engine.nowNs).toBeGreaterThanOrEqual(MAX_REJOIN_WAIT_NS);
  });
});
