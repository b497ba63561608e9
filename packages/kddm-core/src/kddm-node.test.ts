// KDDM nodes end to end on a simulated network: the verbs across nodes,
// the fast path, set lookup, counters and message counts.
import { describe, expect, it } from 'vitest';
import { KddmNotFrozen, KddmObjectBusy, KddmUnknownSet } from './errors.js';
import { type KddmSet } from './kddm-set.js';
import { ObjectState } from './object-state.js';
import { totalMessages } from './set-counters.js';
import { counterLinker, makeCluster } from './sim-net.test-util.js';

interface Box {
  value: number;
}

function systemSets(
  nodes: ReturnType<typeof makeCluster>['nodes'],
  options: Parameters<(typeof nodes)[number]['createSet']>[0],
) {
  return nodes.map((n) => n.createSet<Box>(options));
}

describe('KDDM across nodes', () => {
  it('grab on one node, get on another: first touch sent back, write visible to readers', async () => {
    const c = makeCluster(3, 1, () => [counterLinker()]);
    const sets = systemSets(c.nodes, { id: 1, linker: 'counter', home: 'round-robin' });
    const [s0, s1] = sets as [KddmSet<Box>, KddmSet<Box>];
    const seen: number[] = [];
    c.scopes[1]!.spawn('writer', async () => {
      const obj = await s1.grab(5);
      obj!.value = 42;
      s1.put(5);
      c.scopes[0]!.spawn('reader', async () => {
        const r = await s0.get(5);
        seen.push(r!.value);
        s0.put(5);
      });
    });
    await c.engine.run();
    expect(seen).toEqual([42]);
    // home of 5 over [0,1,2] is node 2: it sent the first touch back to node 1
    expect(sets[2]!.counters.messagesSent.SEND_BACK_FIRST_TOUCH).toBe(1);
    expect(s1.entryOf(5)?.state).toBe(ObjectState.READ_OWNER);
    expect(s0.entryOf(5)?.state).toBe(ObjectState.READ_COPY);
  });

  it('get + put of a present copy takes the synchronous fast path (no engine event)', async () => {
    const c = makeCluster(2, 2, () => [counterLinker()]);
    const [s0] = systemSets(c.nodes, { id: 2, linker: 'counter', home: { fixed: 0 } }) as [
      KddmSet<Box>,
    ];
    c.scopes[0]!.spawn('t', async () => {
      await s0.grab(1);
      s0.put(1);
    });
    await c.engine.run();
    const events = c.engine.eventsDispatched;
    for (let i = 0; i < 100; i++) {
      expect(s0.tryGetLocal(1)).toEqual({ value: 0 });
      s0.put(1);
    }
    expect(c.engine.eventsDispatched).toBe(events);
    expect(s0.counters.fastPathHits).toBe(100);
    expect(() => s0.put(1)).toThrow(KddmNotFrozen);
  });

  it('a grabbed object is a cluster-wide write lock: a remote get waits for the put', async () => {
    const c = makeCluster(2, 3, () => [counterLinker()]);
    const [s0, s1] = systemSets(c.nodes, { id: 3, linker: 'counter', home: { fixed: 0 } }) as [
      KddmSet<Box>,
      KddmSet<Box>,
    ];
    const log: string[] = [];
    c.scopes[0]!.spawn('holder', async () => {
      const o = await s0.grab(9);
      log.push('grabbed');
      c.scopes[1]!.spawn('reader', async () => {
        const r = await s1.get(9);
        log.push(`read ${r!.value}`);
        s1.put(9);
      });
      await c.scopes[0]!.sleep(1_000_000);
      o!.value = 7;
      log.push('put');
      s0.put(9);
    });
    await c.engine.run();
    expect(log).toEqual(['grabbed', 'put', 'read 7']);
    expect(s0.counters.deferred).toBeGreaterThan(0);
  });

  it('try_grab fails with KddmObjectBusy while another node holds the object', async () => {
    const c = makeCluster(2, 4, () => [counterLinker()]);
    const [s0, s1] = systemSets(c.nodes, { id: 4, linker: 'counter', home: { fixed: 0 } }) as [
      KddmSet<Box>,
      KddmSet<Box>,
    ];
    const errors: unknown[] = [];
    c.scopes[0]!.spawn('holder', async () => {
      await s0.grab(1);
      c.scopes[1]!.spawn('try', async () => {
        await s1.tryGrab(1).catch((e: unknown) => errors.push(e));
      });
      await c.scopes[0]!.sleep(1_000_000);
      s0.put(1);
    });
    await c.engine.run();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(KddmObjectBusy);
  });

  it('no_ft get returns null for an object that exists nowhere; manual_ft + setObject installs one', async () => {
    const c = makeCluster(3, 5, () => [counterLinker()]);
    const [s0, s1, s2] = systemSets(c.nodes, {
      id: 5,
      linker: 'counter',
      home: 'round-robin',
    });
    const out: unknown[] = [];
    c.scopes[1]!.spawn('t', async () => {
      out.push(await s1!.getNoFt(4));
      s1!.put(4);
      const none = await s1!.grabManualFt(4);
      out.push(none);
      s1!.setObject(4, { value: 99 });
      s1!.put(4);
      c.scopes[2]!.spawn('reader', async () => {
        out.push((await s2!.get(4))?.value);
        s2!.put(4);
      });
    });
    await c.engine.run();
    expect(out).toEqual([null, null, 99]);
    expect(s0).toBeDefined();
  });

  it('remove destroys every copy cluster-wide; flush keeps the object alive elsewhere', async () => {
    const c = makeCluster(3, 6, () => [counterLinker()]);
    const sets = systemSets(c.nodes, {
      id: 6,
      linker: 'counter',
      home: { fixed: 0 },
    });
    const [s0, s1, s2] = sets as [KddmSet<Box>, KddmSet<Box>, KddmSet<Box>];
    c.scopes[1]!.spawn('t', async () => {
      const o = await s1.grab(1);
      o!.value = 5;
      s1.put(1);
      await s2.get(1);
      s2.put(1);
      await s1.flush(1); // owner with a reader: ownership moves to node 2
      expect(s2.entryOf(1)?.state).toBe(ObjectState.READ_OWNER);
      expect(s1.entryOf(1)).toMatchObject({
        state: ObjectState.INV_COPY,
        probOwner: 2,
        hasObject: false,
      });
      await s2.flush(1, 1); // sole copy pushed back to node 1
      await c.scopes[1]!.sleep(1_000_000); // let the push arrive
      expect(s1.entryOf(1)?.state).toBe(ObjectState.WRITE_GHOST);
      expect((await s0.get(1))?.value).toBe(5);
      s0.put(1);
      await s0.remove(1);
    });
    await c.engine.run();
    for (const s of sets) expect(s.peek(1)).toBeUndefined();
    expect(sets.map((s) => s.entryOf(1))).toEqual([undefined, undefined, undefined]);
  });

  it('a dynamic set is created with a unique id and found remotely with its private data', async () => {
    const c = makeCluster(3, 7, () => [counterLinker()]);
    const created = c.nodes[2]!.createSet<Box>({
      linker: 'counter',
      home: 'unique-id',
      privateData: { shm: 12 },
    });
    expect(created.id).toBe(2 * 2 ** 45 + 32);
    let remote: KddmSet<Box> | undefined;
    const errors: unknown[] = [];
    c.scopes[0]!.spawn('lookup', async () => {
      remote = await c.nodes[0]!.lookupSet<Box>(created.id);
      await c.nodes[0]!.lookupSet(2 * 2 ** 45 + 99).catch((e: unknown) => errors.push(e));
    });
    await c.engine.run();
    expect(remote?.privateData).toEqual({ shm: 12 });
    expect(errors[0]).toBeInstanceOf(KddmUnknownSet);
  });

  it('messages for a set a node never looked up wait for the lookup', async () => {
    const c = makeCluster(3, 8, () => [counterLinker()]);
    // node 1 creates a round-robin dynamic set; object 0's home is node 0, which has never heard of it
    const s1 = c.nodes[1]!.createSet<Box>({ linker: 'counter', home: 'round-robin' });
    const got: number[] = [];
    c.scopes[1]!.spawn('t', async () => {
      const o = await s1.grab(0);
      o!.value = 3;
      s1.put(0);
      got.push(o!.value);
    });
    await c.engine.run();
    expect(got).toEqual([3]);
    expect(c.nodes[0]!.set(s1.id)).toBeDefined();
  });
});

describe('message counts', () => {
  it.each([0, 1, 3, 6])(
    'a remote grab of an object with %i read copies costs request + forward + k invalidations + k acks + the object',
    async (k) => {
      const n = k + 3;
      const c = makeCluster(n, 100 + k, () => [counterLinker()]);
      const sets = systemSets(c.nodes, {
        id: 7,
        linker: 'counter',
        home: { fixed: 0 },
      });
      const requester = k + 2;
      let before = 0;
      const total = () => sets.reduce((a, s) => a + totalMessages(s.counters.messagesSent), 0);
      const byType = (t: keyof KddmSet<Box>['counters']['messagesSent']) =>
        sets.reduce((a, s) => a + s.counters.messagesSent[t], 0);
      let snapshot: Record<string, number> = {};
      c.scopes[1]!.spawn('t', async () => {
        await sets[1]!.grab(3); // node 1 creates it (home node 0 sends the first touch back)
        sets[1]!.put(3);
        for (let r = 2; r < 2 + k; r++) {
          await sets[r]!.get(3);
          sets[r]!.put(3);
        }
        before = total();
        snapshot = {
          req: byType('REQ_OBJECT_COPY'),
          inv: byType('REQ_OBJECT_INVALID'),
          ack: byType('INVALIDATION_ACK'),
          send: byType('OBJECT_SEND'),
        };
        await sets[requester]!.grab(3);
        sets[requester]!.put(3);
      });
      await c.engine.run();
      expect(byType('REQ_OBJECT_COPY') - snapshot.req!).toBe(2); // request to home 0, forwarded to owner 1
      expect(byType('REQ_OBJECT_INVALID') - snapshot.inv!).toBe(k);
      expect(byType('INVALIDATION_ACK') - snapshot.ack!).toBe(k);
      expect(byType('OBJECT_SEND') - snapshot.send!).toBe(1);
      expect(total() - before).toBe(2 * k + 3);
      expect(sets[requester]!.entryOf(3)?.state).toBe(ObjectState.WRITE_OWNER);
    },
  );
});
