// Reliable links under random loss, delay and duplication: whatever happens
// below, every message arrives exactly once and in per-link send order.
import { FaultInjector, SimEngine } from '@krg/sim-engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testSeed } from './cluster.test-util.js';
import { Membership } from './membership.js';
import { ReliableLinks } from './reliable-links.js';
import { SimNetwork } from './sim-network.js';

const NODES = 4;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Plan {
  seed: number;
  drop: number;
  dup: number;
  delay: number;
  sends: { from: number; to: number; at: number; size: number }[];
}

async function runPlan(plan: Plan) {
  const engine = new SimEngine({ seed: plan.seed });
  const faults = new FaultInjector(engine, engine.rng.fork('faults'));
  faults.setLinkFaults('any', 'any', {
    dropProbability: plan.drop,
    duplicateProbability: plan.dup,
    delayProbability: plan.delay,
    maxExtraDelayNs: 2_000_000,
  });
  const network = new SimNetwork(engine, { faults });
  const membership = new Membership();
  const received: string[][] = Array.from({ length: NODES * NODES }, () => []);
  const links: ReliableLinks[] = [];
  for (let n = 0; n < NODES; n++) {
    const inc = membership.markUp(n);
    const l = new ReliableLinks(
      n,
      inc,
      engine.createScope(`n${n}`),
      network,
      membership,
      // The frame's words and body come back exactly as sent.
      (from, word0, word1, body) =>
        received[from * NODES + n]!.push(`${word0}/${word1}/${decoder.decode(body)}`),
    );
    links.push(l);
    network.attach(n, (from, p) => l.receive(from, p));
  }
  const sent: string[][] = Array.from({ length: NODES * NODES }, () => []);
  plan.sends.forEach((s, i) => {
    const message = `${i}:${'x'.repeat(s.size)}`;
    engine.schedule(s.at, () => {
      // The expected order is the order of the send calls.
      const word0 = (i * 2_654_435_761) >>> 0;
      sent[s.from * NODES + s.to]!.push(`${word0}/${s.size}/${message}`);
      links[s.from]!.send(s.to, word0, s.size, encoder.encode(message));
    });
  });
  await engine.run();
  return { sent, received, network, links, hash: engine.traceHash };
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  seed: fc.nat(),
  drop: fc.double({ min: 0, max: 0.5, noNaN: true }),
  dup: fc.double({ min: 0, max: 0.5, noNaN: true }),
  delay: fc.double({ min: 0, max: 1, noNaN: true }),
  sends: fc.array(
    fc
      .record({
        from: fc.nat(NODES - 1),
        to: fc.nat(NODES - 1),
        at: fc.nat(5_000_000),
        size: fc.nat(3000),
      })
      .filter((s) => s.from !== s.to),
    { maxLength: 300, size: 'max' },
  ),
});

describe('ReliableLinks (property)', () => {
  it('delivers exactly once, in per-link order, whatever the faults', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const { sent, received, links } = await runPlan(plan);
        expect(received).toEqual(sent);
        // Everything acknowledged: nothing left to retransmit.
        for (let n = 0; n < NODES; n++) {
          for (let p = 0; p < NODES; p++) expect(links[n]!.unackedTo(p)).toBe(0);
        }
      }),
      // KRG_RUNS raises the count for the long lane (`pnpm run fuzz`).
      { numRuns: Number(process.env['KRG_RUNS'] ?? 40), seed: testSeed(20261125) },
    );
  });

  it('really exercised the faults, and a run replays from its seed', async () => {
    const plan: Plan = {
      seed: 5,
      drop: 0.3,
      dup: 0.3,
      delay: 0.5,
      sends: Array.from({ length: 400 }, (_, i) => ({
        from: i % NODES,
        to: (i * 7 + 1) % NODES === i % NODES ? (i + 1) % NODES : (i * 7 + 1) % NODES,
        at: i * 1000,
        size: i % 50,
      })),
    };
    const a = await runPlan(plan);
    expect(a.received).toEqual(a.sent);
    expect(a.network.stats.packetsLost).toBeGreaterThan(50);
    expect(a.network.stats.packetsDuplicated).toBeGreaterThan(50);
    const stats = a.links.map((l) => l.stats);
    expect(stats.reduce((s, x) => s + x.retransmissions, 0)).toBeGreaterThan(0);
    expect(stats.reduce((s, x) => s + x.duplicatesDropped, 0)).toBeGreaterThan(0);
    expect(stats.reduce((s, x) => s + x.outOfOrderBuffered, 0)).toBeGreaterThan(0);
    const b = await runPlan(plan);
    expect(b.hash).toBe(a.hash);
  });
});
