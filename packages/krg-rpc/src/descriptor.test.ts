import { ChannelClosed } from '@krg/ghost-io';
import { NS_PER_MS } from '@krg/sim-engine';
import { describe, expect, it } from 'vitest';
import { makeCluster, runIn } from './cluster.test-util.js';
import { RpcCancelled, RpcDescriptorClosed, RpcPeerDown, RpcTimeout } from './errors.js';
import type { RpcNode } from './rpc-node.js';

const DOUBLER = 10;
const SINK = 11;
const STALL = 12;
const QUITTER = 13;

function checksum(bytes: Uint8Array, seed = 0): number {
  let h = seed;
  for (const b of bytes) h = (Math.imul(h, 31) + b) >>> 0;
  return h;
}

function pattern(size: number, salt: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + salt) & 0xff;
  return out;
}

function setup(serverLog: string[] = []) {
  const c = makeCluster(0);
  c.rpc.onBoot((node: RpcNode) => {
    node.register(DOUBLER, async (_args, ctx) => {
      const desc = ctx.desc!;
      const n = (await desc.unpack()) as number;
      for (let i = 0; i < n; i++) await desc.pack(((await desc.unpack()) as number) * 2);
      return `doubled ${n}`;
    });
    node.register(SINK, async (_args, ctx) => {
      // Reads bytes until the client closes, then sends back as many bytes in a pattern.
      const desc = ctx.desc!;
      let total = 0;
      let sum = 0;
      for (let chunk = await desc.receive(); chunk !== null; chunk = await desc.receive()) {
        total += chunk.byteLength;
        sum = checksum(chunk, sum);
      }
      await desc.send(pattern(total / 2, 3));
      await desc.close();
      return { total, sum };
    });
    node.register(STALL, async (_args, ctx) => {
      try {
        await ctx.desc!.unpack();
        serverLog.push('unpacked');
      } catch (e) {
        serverLog.push(`server: ${(e as { code: string }).code}`);
        throw e;
      }
    });
    node.register(QUITTER, async (_args, ctx) => {
      await ctx.desc!.pack('bye');
      ctx.desc!.cancel();
    });
  });
  for (let i = 0; i < 3; i++) c.rpc.boot(i);
  return c;
}

describe('lock-step descriptors', () => {
  it('exchanges several packets each way, then returns the handler result', async () => {
    const { engine, rpc } = setup();
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, async () => {
      const desc = n0.begin(DOUBLER, 1);
      await desc.pack(5);
      const got: number[] = [];
      for (let i = 1; i <= 5; i++) {
        await desc.pack(i * 10);
        got.push((await desc.unpack()) as number);
      }
      await desc.end();
      return { got, result: await desc.result() };
    });
    await engine.run();
    expect(r.outcome()).toEqual({
      isOk: true,
      value: { got: [20, 40, 60, 80, 100], result: 'doubled 5' },
    });
    for (const n of rpc.liveNodes()) expect(n.openConversations).toBe(0);
  });

  it('streams megabytes both ways as a ByteChannel, with flow control', async () => {
    const { engine, rpc, network } = setup();
    const n0 = rpc.node(0)!;
    const sent = pattern(5 * 1024 * 1024 + 123, 1);
    const r = runIn(n0.scope, async () => {
      const desc = n0.begin(SINK, 2);
      for (let off = 0; off < sent.byteLength; off += 300_000) {
        await desc.send(sent.subarray(off, off + 300_000));
      }
      await desc.close();
      await expect(desc.send(new Uint8Array(1))).rejects.toBeInstanceOf(ChannelClosed);
      const back: Uint8Array[] = [];
      for (let chunk = await desc.receive(); chunk !== null; chunk = await desc.receive()) {
        back.push(chunk);
      }
      return { result: await desc.result(), backBytes: Buffer.concat(back) };
    });
    await engine.run();
    const o = r.outcome();
    if (o?.isOk !== true) throw new Error(`failed: ${String(o?.isOk === false && o.error)}`);
    expect(o.value.result).toEqual({ total: sent.byteLength, sum: checksum(sent) });
    expect(Buffer.compare(o.value.backBytes, pattern(Math.floor(sent.byteLength / 2), 3))).toBe(0);
    // Bytes really crossed the simulated network (encoded), in many packets.
    expect(network.stats.bytesSent).toBeGreaterThan(sent.byteLength * 1.5);
    expect(network.stats.packetsSent).toBeGreaterThan(30);
  });

  it('client cancel: the server wait fails with RpcCancelled, nothing stays open', async () => {
    const log: string[] = [];
    const { engine, rpc } = setup(log);
    const n0 = rpc.node(0)!;
    n0.scope.spawn('c', async () => {
      const desc = n0.begin(STALL, 1);
      await n0.scope.sleep(NS_PER_MS);
      desc.cancel();
      await expect(desc.unpack()).rejects.toBeInstanceOf(RpcCancelled);
      await expect(desc.pack(1)).rejects.toBeInstanceOf(RpcCancelled);
    });
    await engine.run();
    expect(log).toEqual(['server: RpcCancelled']);
    for (const n of rpc.liveNodes()) expect(n.openConversations).toBe(0);
  });

  it('server cancel: the client sees the data sent before, then RpcCancelled', async () => {
    const { engine, rpc } = setup();
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, async () => {
      const desc = n0.begin(QUITTER, 1);
      const first = await desc.unpack();
      try {
        await desc.unpack();
      } catch (e) {
        return [first, e];
      }
      return [first, null];
    });
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk).toBe(true);
    const [first, err] = (o as unknown as { value: [unknown, unknown] }).value;
    expect(first).toBe('bye');
    expect(err).toBeInstanceOf(RpcCancelled);
    expect((err as RpcCancelled).byPeer).toBe(true);
  });

  it('a server crash mid-conversation fails the client with RpcPeerDown', async () => {
    const { engine, rpc, faults } = setup();
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, async () => {
      const desc = n0.begin(DOUBLER, 1);
      await desc.pack(3);
      await desc.pack(1);
      await desc.unpack();
      return desc.unpack(); // the server crashes before it answers
    });
    faults.crashAt(1, 200_000);
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk === false && o.error).toBeInstanceOf(RpcPeerDown);
    expect(n0.openConversations).toBe(0);
  });

  it('a client crash mid-conversation fails the server wait with RpcPeerDown', async () => {
    const log: string[] = [];
    const { engine, rpc, faults } = setup(log);
    const n0 = rpc.node(0)!;
    n0.scope.spawn('c', async () => {
      n0.begin(STALL, 1);
      await n0.scope.sleep(10 * NS_PER_MS);
    });
    faults.crashAt(0, NS_PER_MS);
    await engine.run();
    expect(log).toEqual(['server: RpcPeerDown']);
    expect(rpc.node(1)!.openConversations).toBe(0);
  });

  it('a silent peer makes a wait fail with RpcTimeout after the deadline', async () => {
    const log: string[] = [];
    const { engine, rpc } = setup(log);
    const n0 = rpc.node(0)!;
    let failedAt = 0;
    const r = runIn(n0.scope, async () => {
      const desc = n0.begin(STALL, 1, { timeoutNs: 3 * NS_PER_MS });
      try {
        return await desc.unpack();
      } finally {
        failedAt = engine.nowNs;
      }
    });
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk === false && o.error).toBeInstanceOf(RpcTimeout);
    expect(failedAt).toBe(3 * NS_PER_MS);
    expect(log).toEqual(['server: RpcCancelled']);
  });

  it("the server's waits use the client's deadline", async () => {
    const log: string[] = [];
    const { engine, rpc } = setup(log);
    const n0 = rpc.node(0)!;
    let serverFailedAt = 0;
    n0.scope.spawn('c', async () => {
      n0.begin(STALL, 1, { timeoutNs: 7 * NS_PER_MS });
      // The client never packs and never waits: only the server's deadline can fire.
      await n0.scope.sleep(50 * NS_PER_MS);
    });
    engine.schedule(0, () => {
      const check = (): void => {
        if (log.length > 0 && serverFailedAt === 0) serverFailedAt = engine.nowNs;
        else if (serverFailedAt === 0) engine.schedule(100_000, check);
      };
      check();
    });
    await engine.run();
    expect(log).toEqual(['server: RpcTimeout']);
    // 7 ms after the server began (one link latency after the client).
    expect(serverFailedAt).toBeGreaterThanOrEqual(7 * NS_PER_MS);
    expect(serverFailedAt).toBeLessThan(8 * NS_PER_MS);
  });

  it('unpack after the peer ended is a typed error', async () => {
    const { engine, rpc } = setup();
    const n0 = rpc.node(0)!;
    const r = runIn(n0.scope, async () => {
      const desc = n0.begin(DOUBLER, 1);
      await desc.pack(0);
      expect(await desc.result()).toBe('doubled 0');
      return desc.unpack();
    });
    await engine.run();
    const o = r.outcome();
    expect(o?.isOk === false && o.error).toBeInstanceOf(RpcDescriptorClosed);
  });
});
