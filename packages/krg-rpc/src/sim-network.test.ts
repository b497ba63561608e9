import { FaultInjector, SimEngine, type CostModel } from '@krg/sim-engine';
import { describe, expect, it } from 'vitest';
import { SimNetwork } from './sim-network.js';

const model: CostModel = {
  node: {
    cpuInstructionsPerSecond: 1e9,
    diskBandwidthBytesPerSecond: 1e8,
    diskOpLatencyNs: 0,
    fsyncLatencyNs: 0,
  },
  link: { latencyNs: 50_000, bandwidthBytesPerSecond: 100_000_000 },
  links: { '2->3': { latencyNs: 1_000, bandwidthBytesPerSecond: 1_000_000_000 } },
};

function setup(seed = 1) {
  const engine = new SimEngine({ seed });
  const faults = new FaultInjector(engine, engine.rng.fork('faults'));
  const network = new SimNetwork(engine, { costModel: model, faults });
  const arrivals: { from: number; to: number; atNs: number; size: number }[] = [];
  for (let n = 0; n < 6; n++) {
    network.attach(n, (from, packet) =>
      arrivals.push({ from, to: n, atNs: engine.nowNs, size: packet.byteLength }),
    );
  }
  return { engine, faults, network, arrivals };
}

describe('SimNetwork', () => {
  it('delays each packet by latency + size / bandwidth of its link', async () => {
    const { engine, network, arrivals } = setup();
    network.send(0, 1, new Uint8Array(0));
    network.send(0, 1, new Uint8Array(1000)); // 1000 B at 100 MB/s = 10 µs
    network.send(2, 3, new Uint8Array(1000)); // override: 1 µs + 1 µs
    network.send(0, 1, new Uint8Array(3)); // 30 ns
    await engine.run();
    expect(arrivals).toEqual([
      { from: 2, to: 3, atNs: 2_000, size: 1000 },
      { from: 0, to: 1, atNs: 50_000, size: 0 },
      { from: 0, to: 1, atNs: 50_030, size: 3 },
      { from: 0, to: 1, atNs: 60_000, size: 1000 },
    ]);
    expect(network.delayNs(0, 1, 1000)).toBe(60_000);
    expect(network.stats.packetsDelivered).toBe(4);
  });

  it('loses packets on a dropping link', async () => {
    const { engine, faults, network, arrivals } = setup();
    faults.setLinkFaults(0, 1, { dropProbability: 1 });
    for (let i = 0; i < 10; i++) network.send(0, 1, new Uint8Array(1));
    network.send(1, 0, new Uint8Array(1));
    await engine.run();
    expect(arrivals.map((a) => a.to)).toEqual([0]);
    expect(network.stats.packetsLost).toBe(10);
  });

  it('duplicates packets on a duplicating link', async () => {
    const { engine, faults, network, arrivals } = setup();
    faults.setLinkFaults('any', 'any', { duplicateProbability: 1 });
    network.send(0, 1, new Uint8Array(5));
    await engine.run();
    expect(arrivals).toHaveLength(2);
    expect(arrivals[0]!.atNs).toBe(50_050);
    expect(network.stats.packetsDuplicated).toBe(1);
  });

  it('holds packets back on a delaying link, reordering them', async () => {
    const { engine, faults, network, arrivals } = setup(3);
    faults.setLinkFaults(0, 1, { delayProbability: 1, maxExtraDelayNs: 1_000_000 });
    for (let i = 0; i < 20; i++) network.send(0, 1, new Uint8Array(i));
    await engine.run();
    expect(arrivals).toHaveLength(20);
    for (const a of arrivals) expect(a.atNs).toBeGreaterThan(50_000 + a.size * 10);
    const sizes = arrivals.map((a) => a.size);
    expect(sizes).not.toEqual([...sizes].sort((a, b) => a - b));
  });

  it('partitions node sets and heals them', async () => {
    const { engine, faults, network, arrivals } = setup();
    const p = faults.partition([0, 1], [2, 3]);
    network.send(0, 2, new Uint8Array(1));
    network.send(3, 1, new Uint8Array(1));
    network.send(0, 1, new Uint8Array(1));
    network.send(0, 4, new Uint8Array(1));
    await engine.run();
    expect(arrivals.map((a) => `${a.from}->${a.to}`)).toEqual(['0->1', '0->4']);
    faults.heal(p);
    network.send(0, 2, new Uint8Array(1));
    await engine.run();
    expect(arrivals.map((a) => `${a.from}->${a.to}`)).toEqual(['0->1', '0->4', '0->2']);
  });

  it('delivers loopback packets at once, whatever the faults', async () => {
    const { engine, faults, network, arrivals } = setup();
    faults.setLinkFaults('any', 'any', { dropProbability: 1 });
    faults.partition([4]);
    engine.schedule(10, () => network.send(4, 4, new Uint8Array(100)));
    await engine.run();
    expect(arrivals).toEqual([{ from: 4, to: 4, atNs: 10, size: 100 }]);
  });

  it('drops packets for a detached node', async () => {
    const { engine, network, arrivals } = setup();
    network.send(0, 5, new Uint8Array(1));
    network.detach(5);
    await engine.run();
    expect(arrivals).toEqual([]);
    expect(network.stats.packetsUndeliverable).toBe(1);
  });
});
