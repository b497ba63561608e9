// Seeded model-based coherence test (issue 4): random verbs from many tasks on
// 2-16 nodes with random message delays, checked from outside after every
// event. KRG_SEED=<n> replays one seed; KDDM_MODEL_RUNS=<n> runs more seeds;
// KDDM_VERBS=get,grab,... (or "all") picks the verbs; KDDM_TRACE=<n> prints the
// last n events of a failing run.
import { describe, expect, it } from 'vitest';
import { type Verb, randomModelOptions, runCoherenceModel } from './coherence-model.test-util.js';

const replay = process.env['KRG_SEED'];
const runs = Number(process.env['KDDM_MODEL_RUNS'] ?? 40);
const seeds =
  replay !== undefined ? [Number(replay)] : Array.from({ length: runs }, (_, i) => 1000 + i);
const verbsEnv = process.env['KDDM_VERBS'];
// Every verb by default; KDDM_VERBS narrows the mix when hunting a bug.
const verbs: readonly Verb[] | undefined =
  verbsEnv === undefined || verbsEnv === 'all' ? undefined : (verbsEnv.split(',') as Verb[]);

describe('coherence model', () => {
  it.each(seeds)('seed %i keeps every invariant and finishes every operation', async (seed) => {
    const report = await runCoherenceModel({
      ...randomModelOptions(seed),
      ...(verbs ? { verbs } : {}),
    });
    expect(report.ops).toBeGreaterThan(0);
    expect(report.checks).toBeGreaterThan(report.ops);
  });
});
