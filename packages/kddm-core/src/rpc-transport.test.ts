// KDDM running over krg-rpc (simulated network, reliable links, casts).
import { FaultInjector, SimEngine } from '@krg/sim-engine';
import { RpcLayer, SimNetwork } from '@krg/krg-rpc';
import { describe, expect, it } from 'vitest';
import { KddmObjectLost } from './errors.js';
import { KddmNode } from './kddm-node.js';
import { type KddmSet } from './kddm-set.js';
import { kddmOverRpc } from './rpc-transport.js';
import { totalMessages } from './set-counters.js';

interface Box {
  value: number;
}

function rpcCluster(
  n: number,
  seed: number,
  lossy = false,
  home: 'round-robin' | { fixed: number } = 'round-robin',
) {
  const engine = new SimEngine({ seed });
  const faults = new FaultInjector(engine, engine.rng.fork('faults'));
  const rpc = new RpcLayer(engine, new SimNetwork(engine, { faults }), { faults });
  const nodeMap = Array.from({ length: n }, (_, i) => i);
  const kddm: KddmNode[] = [];
  const sets: KddmSet<Box>[] = [];
  for (const id of nodeMap) {
    const node = rpc.boot(id);
    const binding = kddmOverRpc(node);
    const k = new KddmNode({
      self: id,
      nodeMap,
      transport: binding.transport,
      scheduler: node.scope,
    });
    binding.attach(k);
    k.registerLinker({ name: 'box', firstTouch: () => ({ value: 0 }) });
    sets.push(k.createSet<Box>({ id: 1, linker: 'box', home }));
    kddm.push(k);
  }
  if (lossy) {
    // Loss, delay and duplication below the reliable links never reach KDDM.
    faults.setLinkFaults('any', 'any', { dropProbability: 0.2, duplicateProbability: 0.1 });
  }
  return { engine, rpc, kddm, sets };
}

describe('KDDM over krg-rpc', () => {
  it('grab, get and remove across nodes; counts as on the test network', async () => {
    const c = rpcCluster(4, 3);
    const out: number[] = [];
    const [s0, s1, s2, s3] = c.sets as [KddmSet<Box>, KddmSet<Box>, KddmSet<Box>, KddmSet<Box>];
    c.rpc.node(1)!.scope.spawn('t', async () => {
      const o = await s1.grab(6);
      o!.value = 5;
      s1.put(6);
      out.push((await s2.get(6))!.value);
      s2.put(6);
      const w = await s3.grab(6);
      w!.value = 9;
      s3.put(6);
      out.push((await s0.get(6))!.value);
      s0.put(6);
      await s0.remove(6);
      out.push((await s1.get(6))!.value);
      s1.put(6);
    });
    await c.engine.run();
    expect(out).toEqual([5, 9, 0]);
    const sent = c.sets.reduce((a, s) => a + totalMessages(s.counters.messagesSent), 0);
    const received = c.sets.reduce((a, s) => a + totalMessages(s.counters.messagesReceived), 0);
    expect(received).toBe(sent);
  });

  it('stays coherent when the network below loses and duplicates packets', async () => {
    const c = rpcCluster(5, 4, true);
    const rng = c.engine.rng.fork('tasks');
    let released = 0;
    const reads: number[] = [];
    for (let n = 0; n < 5; n++) {
      const node = c.rpc.node(n)!;
      const set = c.sets[n] as KddmSet<Box>;
      node.scope.spawn(`t${n}`, async () => {
        for (let i = 0; i < 15; i++) {
          if (rng.chance(0.4)) {
            const o = await set.grab(0);
            o!.value = ++released;
            set.put(0);
          } else {
            const o = await set.get(0);
            reads.push(o!.value);
            expect(o!.value).toBe(released);
            set.put(0);
          }
          await node.scope.sleep(rng.intBetween(1_000, 200_000));
        }
      });
    }
    await c.engine.run();
    expect(reads.length).toBeGreaterThan(10);
  });

  it('a crashed reader does not block a writer: its invalidation ack counts as received', async () => {
    const c = rpcCluster(3, 5, false, { fixed: 0 });
    const [s0, s1, s2] = c.sets as [KddmSet<Box>, KddmSet<Box>, KddmSet<Box>];
    const log: string[] = [];
    c.rpc.node(0)!.scope.spawn('t', async () => {
      (await s0.grab(1))!.value = 1;
      s0.put(1);
      await s1.get(1);
      s1.put(1);
      await s2.get(1);
      s2.put(1);
      c.rpc.crash(2);
      const o = await s0.grab(1); // invalidates n1 and the dead n2
      o!.value = 2;
      s0.put(1);
      log.push(`wrote ${o!.value}`);
      log.push(`n1 reads ${(await s1.get(1))!.value}`);
      s1.put(1);
    });
    await c.engine.run();
    expect(log).toEqual(['wrote 2', 'n1 reads 2']);
  });

  it('an operation waiting on an object whose owner crashed fails with KddmObjectLost after the recovery round', async () => {
    const c = rpcCluster(3, 6, false, { fixed: 0 });
    const [s0, s1] = c.sets as [KddmSet<Box>, KddmSet<Box>];
    const errors: unknown[] = [];
    const values: number[] = [];
    c.rpc.node(0)!.scope.spawn('holder', async () => {
      (await s0.grab(2))!.value = 7; // held, never put: node 0 crashes with it
    });
    c.rpc.node(1)!.scope.spawn('reader', async () => {
      await c.rpc.node(1)!.scope.sleep(1_000_000);
      c.rpc.node(1)!.scope.spawn('crash', async () => {
        await c.rpc.node(1)!.scope.sleep(1_000_000);
        c.rpc.crash(0);
      });
      await s1.get(2).catch((e: unknown) => errors.push(e));
      // The object is gone with its owner: a new get first-touches a new incarnation.
      values.push((await s1.get(2))!.value);
      s1.put(2);
    });
    await c.engine.run();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(KddmObjectLost);
    expect(values).toEqual([0]);
    expect(c.kddm[1]!.recoveryRounds).toBe(1);
  });
  it('a rebooted node rejoins over krg-rpc: it finds the object a survivor owns instead of first-touching it', async () => {
    const c = rpcCluster(3, 7, false, { fixed: 1 });
    const [s0] = c.sets as [KddmSet<Box>];
    const seen: number[] = [];
    c.rpc.node(0)!.scope.spawn('owner on node 0', async () => {
      (await s0.grab(4))!.value = 77;
      s0.put(4);
    });
    await c.engine.run();
    // Node 1, the object's home, crashes and reboots: a fresh endpoint and an empty KDDM node.
    c.rpc.crash(1);
    await c.engine.run();
    const rebooted = c.rpc.reboot(1);
    const binding = kddmOverRpc(rebooted);
    const fresh = new KddmNode({
      self: 1,
      nodeMap: [0, 1, 2],
      transport: binding.transport,
      scheduler: rebooted.scope,
    });
    fresh.registerLinker({ name: 'box', firstTouch: () => ({ value: 0 }) });
    const s1 = fresh.createSet<Box>({ id: 1, linker: 'box', home: { fixed: 1 } });
    binding.attach(fresh); // a second incarnation: it rejoins through the survivors' round
    expect(fresh.isRecovering).toBe(true);
    rebooted.scope.spawn('read on the rebooted home', async () => {
      seen.push((await s1.get(4))!.value);
      s1.put(4);
    });
    await c.engine.run();
    expect(seen).toEqual([77]);
    expect(fresh.recoveryRounds).toBe(1);
  });
});
