// Seeded soak of the RPC layer: random calls, casts and descriptor
// conversations among nodes that crash, reboot and leave, over a lossy,
// duplicating, reordering network. Whatever happens: every operation issued
// by a node that stays up ends (with its result or a typed RpcError) —
// nothing hangs; results are never wrong; nothing stays open at the end.
import { NS_PER_MS } from '@krg/sim-engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCluster, testSeed } from './cluster.test-util.js';
import { RpcError } from './errors.js';
import type { RpcNode } from './rpc-node.js';

const NODES = 6;
const ECHO = 1;
const CHAT = 2;
const NOTE = 3;

interface Op {
  node: number;
  incarnation: number;
  isDone: boolean;
  isWrong: boolean;
  outcome: string;
}

async function soak(seed: number, drop: number, dup: number, delay: number) {
  const c = makeCluster(0, { seed, failureDetectionNs: 2 * NS_PER_MS });
  c.rpc.onBoot((node: RpcNode) => {
    node.register(ECHO, async (args) => {
      await node.scope.sleep(10_000);
      return args;
    });
    node.register(CHAT, async (_args, ctx) => {
      const desc = ctx.desc!;
      const n = (await desc.unpack()) as number;
      for (let i = 0; i < n; i++) await desc.pack(((await desc.unpack()) as number) + 1);
      return n;
    });
    node.register(NOTE, async () => undefined);
  });
  for (let i = 0; i < NODES; i++) c.rpc.boot(i);
  c.faults.setLinkFaults('any', 'any', {
    dropProbability: drop,
    duplicateProbability: dup,
    delayProbability: delay,
    maxExtraDelayNs: NS_PER_MS,
  });
  const rng = c.engine.rng.fork('soak');
  const ops: Op[] = [];

  function startClient(node: RpcNode): void {
    node.scope.spawn('client', async () => {
      for (let i = 0; i < 15; i++) {
        const to = rng.nextInt(NODES);
        const op: Op = {
          node: node.nodeId,
          incarnation: node.incarnation,
          isDone: false,
          isWrong: false,
          outcome: 'ok',
        };
        ops.push(op);
        try {
          const kind = rng.nextInt(3);
          if (kind === 0) {
            const v = rng.nextUint32();
            const r = await node.call(ECHO, to, v, { timeoutNs: 20 * NS_PER_MS });
            op.isWrong = r !== v;
          } else if (kind === 1) {
            const desc = node.begin(CHAT, to, { timeoutNs: 20 * NS_PER_MS });
            const n = 1 + rng.nextInt(4);
            await desc.pack(n);
            for (let k = 0; k < n; k++) {
              await desc.pack(k * 10);
              if ((await desc.unpack()) !== k * 10 + 1) op.isWrong = true;
            }
            if ((await desc.result()) !== n) op.isWrong = true;
          } else {
            node.cast(NOTE, to, i);
          }
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
          op.outcome = e.code;
        }
        op.isDone = true;
        await node.scope.sleep(rng.intBetween(0, 500_000));
      }
    });
  }
  for (const node of c.rpc.liveNodes()) startClient(node);

  // Membership churn: crashes, reboots and a leave at random instants.
  for (let k = 0; k < 4; k++) {
    c.engine.schedule(rng.intBetween(0, 5 * NS_PER_MS), () => {
      const id = 1 + rng.nextInt(NODES - 1);
      if (c.rpc.node(id) === undefined) startClient(c.rpc.boot(id));
      else if (rng.chance(0.2)) c.rpc.leave(id);
      else c.rpc.crash(id);
    });
  }
  await c.engine.run();
  return { c, ops };
}

describe('RPC soak (property)', () => {
  it('never hangs, never answers wrong, leaves nothing open', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        async (seed, drop, dup, delay) => {
          const { c, ops } = await soak(seed, drop, dup, delay);
          for (const op of ops) {
            expect(op.isWrong).toBe(false);
            const node = c.rpc.node(op.node);
            // Only a node that died may leave operations unfinished (abandoned with it).
            if (node !== undefined && node.incarnation === op.incarnation) {
              expect(op.isDone).toBe(true);
            }
          }
          for (const node of c.rpc.liveNodes()) {
            expect(node.openConversations).toBe(0);
            for (let p = 0; p < NODES; p++) expect(node.links.unackedTo(p)).toBe(0);
          }
        },
      ),
      { numRuns: Number(process.env['KRG_RUNS'] ?? 12), seed: testSeed(777) },
    );
  });

  it('replays identically from its seed', async () => {
    const a = await soak(99, 0.2, 0.2, 0.3);
    const b = await soak(99, 0.2, 0.2, 0.3);
    expect(b.c.engine.traceHash).toBe(a.c.engine.traceHash);
    expect(b.ops).toEqual(a.ops);
    expect(a.ops.length).toBeGreaterThan(60);
    // The run really met failures, and still mostly succeeded.
    const outcomes = new Set(a.ops.map((o) => o.outcome));
    expect(outcomes.has('ok')).toBe(true);
    expect(outcomes.has('RpcPeerDown')).toBe(true);
  });
});
