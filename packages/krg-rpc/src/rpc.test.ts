import { NS_PER_MS } from '@krg/sim-engine';
import { describe, expect, it } from 'vitest';
import { makeCluster, runIn } from './cluster.test-util.js';
import {
  RpcMembershipError,
  RpcNodeNotUp,
  RpcPeerDown,
  RpcRemoteError,
  RpcServiceExists,
  RpcServiceUnknown,
  RpcTimeout,
  RpcInvalidArgument,
} from './errors.js';
import { DEFAULT_FAILURE_DETECTION_NS } from './limits.js';
import type { RpcNode } from './rpc-node.js';

const ECHO = 1;
const SLOW = 2;
const FAIL = 3;
const NOTE = 4;

function installServices(node: RpcNode, log: string[]): void {
  node.register(ECHO, async (args, ctx) => ({ echo: args, by: ctx.node.nodeId, from: ctx.from }));
  node.register(SLOW, async (args) => {
    await node.scope.sleep(args as number);
    return `slept on ${node.nodeId}`;
  });
  node.register(FAIL, async () => {
    throw new RpcInvalidArgument('x', 'something', 'nothing');
  });
  node.register(NOTE, async (args, ctx) => {
    log.push(`${node.nodeId} noted ${String(args)} from ${ctx.from}`);
  });
}

function cluster(nodes: number, failureDetectionNs?: number) {
  const c = makeCluster(0, failureDetectionNs === undefined ? {} : { failureDetectionNs });
  const log: string[] = [];
  c.rpc.onBoot((node) => installServices(node, log));
  for (let i = 0; i < nodes; i++) c.rpc.boot(i);
  return { ...c, log };
}

describe('call and cast', () => {
  it('call returns the remote result after a round trip', async () => {
    const { engine, rpc } = cluster(3);
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => n0.call(ECHO, 2, [1, 'two', new Uint8Array([3])]));
    await engine.run();
    expect(r.outcome()).toEqual({
      isOk: true,
      value: { echo: [1, 'two', new Uint8Array([3])], by: 2, from: 0 },
    });
    expect(n0.openConversations).toBe(0);
  });

  it('a call to self works', async () => {
    const { engine, rpc } = cluster(1);
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => n0.call(ECHO, 0, 'me'));
    await engine.run();
    expect(r.outcome()).toMatchObject({ isOk: true, value: { echo: 'me', by: 0 } });
  });

  it('reports unknown services and remote failures as typed errors', async () => {
    const { engine, rpc } = cluster(2);
    const n0 = rpc.node(0)!;
    const unknown = runIn(n0.scope, () => n0.call(99, 1, null));
    const failing = runIn(n0.scope, () => n0.call(FAIL, 1, null));
    await engine.run();
    const u = unknown.outcome();
    expect(u?.isOk === false && u.error).toBeInstanceOf(RpcServiceUnknown);
    const f = failing.outcome();
    expect(f?.isOk === false && f.error).toBeInstanceOf(RpcRemoteError);
    expect(f?.isOk === false && (f.error as RpcRemoteError).remoteCode).toBe('RpcInvalidArgument');
    expect(() => n0.register(ECHO, async () => null)).toThrow(RpcServiceExists);
  });

  it('cast runs the handler once, with no answer', async () => {
    const { engine, rpc, log } = cluster(3);
    rpc.node(0)!.cast(NOTE, 1, 'a');
    rpc.node(0)!.cast(NOTE, 1, 'b');
    rpc.node(2)!.cast(NOTE, 1, 'c');
    await engine.run();
    expect(log).toEqual(['1 noted a from 0', '1 noted b from 0', '1 noted c from 2']);
  });

  it('multicast call gives one outcome per node; multicast cast reaches every live node', async () => {
    const { engine, rpc, log } = cluster(5);
    rpc.crash(3);
    const n0 = rpc.node(0)!;
    let outcomes = new Map<number, unknown>();
    n0.scope.spawn('m', async () => {
      await n0.scope.sleep(10 * NS_PER_MS); // after the crash of 3 was noticed
      outcomes = await n0.callMany(ECHO, [4, 1, 3, 1], 'hi');
      expect(n0.castMany(NOTE, [1, 2, 3], 'all')).toEqual([3]);
    });
    await engine.run();
    expect([...outcomes.keys()]).toEqual([1, 3, 4]);
    expect(outcomes.get(1)).toMatchObject({ isOk: true, value: { by: 1 } });
    expect(outcomes.get(4)).toMatchObject({ isOk: true, value: { by: 4 } });
    const three = outcomes.get(3) as { isOk: false; error: unknown };
    expect(three.error).toBeInstanceOf(RpcPeerDown);
    expect(log).toEqual(['1 noted all from 0', '2 noted all from 0']);
  });

  it('a call across a partition times out after its deadline, then works after healing', async () => {
    const { engine, rpc, faults } = cluster(2);
    const n0 = rpc.node(0)!;
    const p = faults.partition([0], [1]);
    let err: unknown;
    let atNs = 0;
    let after: unknown;
    n0.scope.spawn('c', async () => {
      try {
        await n0.call(ECHO, 1, 'x', { timeoutNs: 5 * NS_PER_MS });
      } catch (e) {
        err = e;
        atNs = engine.nowNs;
      }
      faults.heal(p);
      after = await n0.call(ECHO, 1, 'y');
    });
    await engine.run();
    expect(err).toBeInstanceOf(RpcTimeout);
    expect(atNs).toBe(5 * NS_PER_MS);
    expect(after).toMatchObject({ echo: 'y' });
    expect(n0.openConversations).toBe(0);
  });

  it('drops and counts malformed frames from the network, and keeps serving', async () => {
    const { engine, rpc, log } = cluster(2);
    const n0 = rpc.node(0)!;
    const n1 = rpc.node(1)!;
    // Raw frames on the reliable link, as a buggy or hostile peer could send them.
    n0.links.send(1, 0xff, 0, new Uint8Array(0)); // unknown kind
    n0.links.send(1, (NOTE << 16) | (7 << 8), 0, new Uint8Array([0xc0])); // BEGIN, bad mode
    n0.links.send(1, NOTE << 16, 0, new Uint8Array([0xc1])); // BEGIN, body that does not decode
    n0.links.send(1, 4 | (1 << 16), 9, new Uint8Array([0xc0])); // RESULT with a service id
    n0.cast(NOTE, 1, 'still fine');
    await engine.run();
    expect(n1.stats.malformedMessages).toBe(4);
    expect(log).toEqual(['1 noted still fine from 0']);
  });

  it('rejects bad arguments with typed errors', () => {
    const { rpc } = cluster(1);
    const n0 = rpc.node(0)!;
    expect(() => n0.cast(ECHO, 256, null)).toThrow(RpcInvalidArgument);
    expect(() => n0.cast(70_000, 0, null)).toThrow(RpcInvalidArgument);
    expect(() => n0.cast(ECHO, 1, null)).toThrow(RpcPeerDown);
    expect(() => n0.cast(ECHO, 0, new Date())).toThrow();
    expect(() => rpc.boot(0)).toThrow(RpcMembershipError);
    expect(() => rpc.boot(300)).toThrow(RpcInvalidArgument);
  });
});

describe('crashes, reboots and leaves', () => {
  it('a call to a node that crashes mid-call fails with RpcPeerDown after the detection delay', async () => {
    const { engine, rpc, faults } = cluster(3);
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => n0.call(SLOW, 1, 50 * NS_PER_MS));
    let failedAt = 0;
    n0.onPeerDown((peer, reason) => {
      expect([peer, reason]).toEqual([1, 'crash']);
      failedAt = engine.nowNs;
    });
    faults.crashAt(1, 10 * NS_PER_MS);
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk === false && o.error).toBeInstanceOf(RpcPeerDown);
    expect(failedAt).toBe(10 * NS_PER_MS + DEFAULT_FAILURE_DETECTION_NS);
    for (const n of rpc.liveNodes()) {
      expect(n.openConversations).toBe(0);
      expect(n.links.unackedTo(1)).toBe(0);
    }
  });

  it('no pending call leaks when many calls are open to a crashing node', async () => {
    const { engine, rpc } = cluster(4);
    const results: string[] = [];
    for (const id of [0, 2, 3]) {
      const n = rpc.node(id)!;
      for (let i = 0; i < 20; i++) {
        n.scope.spawn('c', async () => {
          try {
            await n.call(SLOW, 1, (i + 1) * NS_PER_MS);
            results.push('ok');
          } catch (e) {
            results.push((e as { code: string }).code);
          }
        });
      }
    }
    engine.schedule(5 * NS_PER_MS + 500_000, () => rpc.crash(1));
    await engine.run();
    // Calls that finished before the crash succeeded; the rest failed; none hang.
    expect(results).toHaveLength(60);
    expect(results.filter((r) => r === 'ok').length).toBe(15);
    expect(results.filter((r) => r === 'RpcPeerDown').length).toBe(45);
    for (const n of rpc.liveNodes()) expect(n.openConversations).toBe(0);
  });

  it('a crashed caller: the server finishes, its reply is dropped, nothing leaks', async () => {
    const { engine, rpc } = cluster(2);
    const n0 = rpc.node(0)!;
    let resumed = false;
    n0.scope.spawn('c', async () => {
      await n0.call(SLOW, 1, 20 * NS_PER_MS);
      resumed = true; // must never run: node 0 is dead by then
    });
    engine.schedule(5 * NS_PER_MS, () => rpc.crash(0));
    await engine.run();
    expect(resumed).toBe(false);
    expect(n0.isUp).toBe(false);
    expect(() => n0.cast(ECHO, 1, null)).toThrow(RpcNodeNotUp);
    expect(rpc.node(1)!.openConversations).toBe(0);
    expect(rpc.node(1)!.links.unackedTo(0)).toBe(0);
  });

  it('a rebooted node is fresh: new incarnation, services from boot hooks, old packets ignored', async () => {
    const { engine, rpc, faults } = cluster(2, 0);
    const first = rpc.node(1)!;
    expect(first.incarnation).toBe(1);
    // Old packets from node 1's first life are still in flight when it reboots.
    faults.setLinkFaults(1, 0, { delayProbability: 1, maxExtraDelayNs: 10 * NS_PER_MS });
    rpc.node(1)!.cast(NOTE, 0, 'from the first life');
    rpc.crash(1);
    const second = rpc.boot(1);
    faults.clearLinkFaults();
    expect(second.incarnation).toBe(2);
    expect(second).not.toBe(first);
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, () => n0.call(ECHO, 1, 'again'));
    await engine.run();
    expect(r.outcome()).toMatchObject({ isOk: true, value: { by: 1 } });
    expect(rpc.membership.incarnationOf(1)).toBe(2);
    expect(n0.links.stats.staleDropped).toBeGreaterThan(0);
  });

  it('reboot notices a pending crash first, and listeners see down then up', async () => {
    const { engine, rpc } = cluster(2);
    const events: string[] = [];
    rpc.membership.onNodeDown((id, reason) => events.push(`down ${id} ${reason} @${engine.nowNs}`));
    rpc.membership.onNodeUp((id, inc) => events.push(`up ${id}#${inc} @${engine.nowNs}`));
    rpc.node(0)!.onPeerUp((id) => events.push(`node0 sees ${id} up`));
    engine.schedule(100, () => rpc.reboot(1));
    engine.schedule(200, () => rpc.leave(1));
    await engine.run();
    expect(events).toEqual([
      'down 1 crash @100',
      // The layer's own listener (registered first) tells the nodes first.
      'node0 sees 1 up',
      'up 1#2 @100',
      'down 1 leave @200',
    ]);
    expect(rpc.membership.upNodes()).toEqual([0]);
    expect(() => rpc.leave(1)).toThrow(RpcMembershipError);
  });
});

describe('graceful leave', () => {
  it('fails what is open with the leaving node at once, with reason leave', async () => {
    const { engine, rpc } = cluster(3);
    const n0 = rpc.node(0)!;
    const seen: string[] = [];
    n0.onPeerDown((peer, reason) => seen.push(`${peer} ${reason} @${engine.nowNs}`));
    const r = runIn(n0.scope, () => n0.call(SLOW, 2, 50 * NS_PER_MS));
    engine.schedule(NS_PER_MS, () => rpc.leave(2));
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk === false && o.error).toBeInstanceOf(RpcPeerDown);
    expect(o?.isOk === false && (o.error as RpcPeerDown).reason).toBe('leave');
    expect(seen).toEqual([`2 leave @${NS_PER_MS}`]);
    expect(rpc.node(2)).toBeUndefined();
    expect(n0.openConversations).toBe(0);
    // The id can boot again later, as a new incarnation.
    expect(rpc.boot(2).incarnation).toBe(2);
  });
});

describe('determinism', () => {
  async function workload(seed: number) {
    const c = makeCluster(0, { seed });
    c.rpc.onBoot((node) => installServices(node, []));
    for (let i = 0; i < 8; i++) c.rpc.boot(i);
    c.faults.setLinkFaults('any', 'any', {
      dropProbability: 0.1,
      duplicateProbability: 0.1,
      delayProbability: 0.3,
      maxExtraDelayNs: NS_PER_MS,
    });
    const rng = c.engine.rng.fork('workload');
    const log: string[] = [];
    for (const node of c.rpc.liveNodes()) {
      node.scope.spawn('client', async () => {
        for (let i = 0; i < 30; i++) {
          const to = rng.nextInt(8);
          try {
            const r = await node.call(SLOW, to, rng.intBetween(0, 100_000));
            log.push(`${c.engine.nowNs} ${node.nodeId}->${to} ${String(r)}`);
          } catch (e) {
            log.push(`${c.engine.nowNs} ${node.nodeId}->${to} ${(e as Error).message}`);
          }
        }
      });
    }
    c.faults.crashAt(5, 2 * NS_PER_MS);
    await c.engine.run();
    return { log, hash: c.engine.traceHash };
  }

  it('the same seed gives the same interleaving and trace hash', async () => {
    const a = await workload(11);
    const b = await workload(11);
    expect(b.log).toEqual(a.log);
    expect(b.hash).toBe(a.hash);
    expect(a.log.length).toBeGreaterThan(200);
    expect((await workload(12)).hash).not.toBe(a.hash);
  });
});
