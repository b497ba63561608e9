import { describe, expect, it } from 'vitest';
import { InvalidArgument } from './errors.js';
import { FaultInjector } from './faults.js';
import { Rng } from './rng.js';
import { SimEngine } from './sim-engine.js';

function injector(seed = 1): { engine: SimEngine; faults: FaultInjector } {
  const engine = new SimEngine({ seed });
  return { engine, faults: new FaultInjector(engine, new Rng(seed)) };
}

function tally(faults: FaultInjector, from: number, to: number, n: number) {
  const t = { lost: 0, once: 0, twice: 0, delayed: 0 };
  for (let i = 0; i < n; i++) {
    const v = faults.decide(from, to);
    if (v.copies === 0) t.lost++;
    else if (v.copies === 1) t.once++;
    else t.twice++;
    t.delayed += v.extraDelayNs.filter((d) => d > 0).length;
  }
  return t;
}

describe('FaultInjector', () => {
  it('delivers once without rules', () => {
    const { faults } = injector();
    expect(faults.decide(0, 1)).toEqual({ copies: 1, extraDelayNs: [0] });
  });

  it('drops with the configured probability', () => {
    const { faults } = injector();
    faults.setLinkFaults(0, 1, { dropProbability: 0.3 });
    const t = tally(faults, 0, 1, 10_000);
    expect(t.lost).toBeGreaterThan(2700);
    expect(t.lost).toBeLessThan(3300);
    expect(tally(faults, 1, 0, 100).lost).toBe(0); // directed
  });

  it('duplicates with the configured probability', () => {
    const { faults } = injector();
    faults.setLinkFaults('any', 'any', { duplicateProbability: 0.5 });
    const t = tally(faults, 4, 9, 10_000);
    expect(t.twice).toBeGreaterThan(4700);
    expect(t.twice).toBeLessThan(5300);
    expect(t.lost).toBe(0);
  });

  it('delays by an extra amount within the bound', () => {
    const { faults } = injector();
    faults.setLinkFaults(2, 'any', { delayProbability: 1, maxExtraDelayNs: 1000 });
    for (let i = 0; i < 1000; i++) {
      const v = faults.decide(2, 7);
      expect(v.copies).toBe(1);
      expect(v.extraDelayNs[0]).toBeGreaterThanOrEqual(1);
      expect(v.extraDelayNs[0]).toBeLessThanOrEqual(1000);
    }
    expect(() => faults.setLinkFaults(2, 3, { delayProbability: 0.5 })).toThrow(InvalidArgument);
  });

  it('uses the most specific rule', () => {
    const { faults } = injector();
    faults.setLinkFaults('any', 'any', { dropProbability: 1 });
    faults.setLinkFaults(1, 'any', { dropProbability: 0 });
    faults.setLinkFaults(1, 2, { dropProbability: 1 });
    expect(faults.decide(1, 2).copies).toBe(0);
    expect(faults.decide(1, 3).copies).toBe(1);
    expect(faults.decide(5, 3).copies).toBe(0);
    faults.clearLinkFaults();
    expect(faults.decide(5, 3).copies).toBe(1);
  });

  it('partitions and heals node sets, both directions', () => {
    const { faults } = injector();
    const p = faults.partition([0, 1], [2, 3]);
    expect(faults.isReachable(0, 2)).toBe(false);
    expect(faults.isReachable(3, 1)).toBe(false);
    expect(faults.isReachable(0, 1)).toBe(true);
    expect(faults.isReachable(0, 4)).toBe(true);
    const q = faults.partition([5]);
    expect(faults.isReachable(5, 0)).toBe(false);
    expect(faults.isReachable(9, 5)).toBe(false);
    expect(faults.decide(0, 2).copies).toBe(0);
    faults.heal(p);
    expect(faults.isReachable(0, 2)).toBe(true);
    expect(faults.isReachable(5, 0)).toBe(false);
    faults.heal(q);
    expect(faults.isReachable(5, 0)).toBe(true);
    expect(() => faults.partition([1, 2], [2])).toThrow(InvalidArgument);
  });

  it('is deterministic for a seed', () => {
    const a = injector(7).faults;
    const b = injector(7).faults;
    for (const f of [a, b]) {
      f.setLinkFaults('any', 'any', {
        dropProbability: 0.2,
        duplicateProbability: 0.2,
        delayProbability: 0.5,
        maxExtraDelayNs: 100,
      });
    }
    const va = Array.from({ length: 200 }, () => a.decide(1, 2));
    const vb = Array.from({ length: 200 }, () => b.decide(1, 2));
    expect(vb).toEqual(va);
  });

  it('crashes a node at a simulated instant and tells every listener', async () => {
    const { engine, faults } = injector();
    const log: string[] = [];
    faults.onCrash((n) => log.push(`A ${n} at ${engine.nowNs}`));
    const off = faults.onCrash((n) => log.push(`B ${n}`));
    faults.crashAt(3, 500);
    const cancelled = faults.crashAt(4, 600);
    engine.schedule(550, () => {
      off();
      cancelled.cancel();
    });
    faults.crashAt(5, 700);
    await engine.run();
    expect(log).toEqual(['A 3 at 500', 'B 3', 'A 5 at 700']);
    expect(() => faults.crashAt(1, 10)).toThrow(InvalidArgument);
  });
});
