// Bytes casts (`registerBytes` / `castBytes`): raw bodies that skip the codec,
// handled inside the delivery event, in per-link order with every other
// message, over a lossy network; mismatched kinds are dropped and counted.
import { describe, expect, it } from 'vitest';
import { makeCluster } from './cluster.test-util.js';
import { RpcPeerDown, RpcServiceExists } from './errors.js';

const RAW = 7;
const VALUE = 8;

describe('bytes casts', () => {
  it('arrive exactly once, in order, as the bytes sent', async () => {
    const c = makeCluster(3, { seed: 5 });
    c.faults.setLinkFaults('any', 'any', { dropProbability: 0.2, duplicateProbability: 0.2 });
    const got: string[] = [];
    c.rpc.node(1)!.registerBytes(RAW, (from, body) => {
      got.push(`${from}:${Array.from(body).join(',')}`);
    });
    const n0 = c.rpc.node(0)!;
    n0.scope.spawn('sender', async () => {
      for (let i = 0; i < 20; i++) n0.castBytes(RAW, 1, Uint8Array.of(i, 255 - i));
      await n0.scope.sleep(1000);
    });
    await c.engine.run();
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `0:${i},${255 - i}`));
    expect(c.rpc.node(1)!.stats.malformedMessages).toBe(0);
  });

  it('share ids with codec services; the wrong kind of message is dropped and counted', async () => {
    const c = makeCluster(2);
    const n0 = c.rpc.node(0)!;
    const n1 = c.rpc.node(1)!;
    let raw = 0;
    let value = 0;
    n1.registerBytes(RAW, () => raw++);
    n1.register(VALUE, async () => {
      value++;
    });
    expect(() => n1.register(RAW, async () => undefined)).toThrow(RpcServiceExists);
    expect(() => n1.registerBytes(VALUE, () => undefined)).toThrow(RpcServiceExists);
    n0.cast(RAW, 1, 'a value'); // a codec cast to a bytes service
    n0.castBytes(VALUE, 1, Uint8Array.of(1)); // bytes to a codec service
    n0.castBytes(RAW, 1, Uint8Array.of(1));
    n0.castBytes(99, 1, Uint8Array.of(1)); // no such service: dropped quietly, as a cast
    await c.engine.run();
    expect([raw, value]).toEqual([1, 0]);
    expect(n1.stats.malformedMessages).toBe(2);
  });

  it('to a node that is down throw RpcPeerDown and send nothing', async () => {
    const c = makeCluster(2);
    c.rpc.crash(1);
    await c.engine.run();
    expect(() => c.rpc.node(0)!.castBytes(RAW, 1, Uint8Array.of(1))).toThrow(RpcPeerDown);
  });
});
