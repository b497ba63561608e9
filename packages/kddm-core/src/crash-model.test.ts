// The seeded model with node crashes and reboots (issue 4, README "Crash
// semantics"): the coherence model's tasks and outside checker, plus a chaos
// task that crashes live nodes and reboots crashed ones at random instants.
// Every operation on a live node must finish (or fail with a typed error:
// KddmObjectLost for objects that died with their owner), copies on live
// nodes stay coherent, and once every live node has finished the recovery
// round no copy of an object owned by a crashed node is left. KRG_SEED=<n>
// replays one seed; KDDM_CRASH_RUNS=<n> runs more (from KDDM_MODEL_FIRST);
// KDDM_TRACE=<n> prints the last n events of a failing run;
// KDDM_MODEL_ORDER=fifo|permuted|both picks the same-instant orders (the suite:
// every seed in FIFO order, the first PERMUTED_SUITE_SEEDS also permuted).
import { describe, expect, it } from 'vitest';
import {
  modelOrders,
  permutedOrder,
  randomModelOptions,
  runCoherenceModel,
} from './coherence-model.test-util.js';

/**
 * Seeds that once failed, kept as regressions: 5003 (a rebooted home given no
 * pointer), 5007 (a flush to a dead node), 5014 (a new incarnation before every
 * node had dropped its old copy), 5083 and 5396 (a dead reader's ack lost on a
 * held object), 5763 and 5980 (an ownership offer to a node that died), 7067,
 * 9486 and 9720 (old remove messages replayed after the round).
 */
const REGRESSION_SEEDS = [5003, 5007, 5014, 5083, 5396, 5763, 5980, 7067, 9486, 9720];

const replay = process.env['KRG_SEED'];
const runs = Number(process.env['KDDM_CRASH_RUNS'] ?? 30);
const first = Number(process.env['KDDM_MODEL_FIRST'] ?? 5000);
const seeds =
  replay !== undefined
    ? [Number(replay)]
    : [
        ...new Set([
          ...Array.from({ length: runs }, (_, i) => first + i),
          ...(process.env['KDDM_CRASH_RUNS'] === undefined ? REGRESSION_SEEDS : []),
        ]),
      ];

/** Seeds of the suite that also run with permuted same-instant order. */
const PERMUTED_SUITE_SEEDS = 12;
/**
 * Seeds that once failed with permuted order only, kept as regressions: 7915 (a flush waiting for a
 * local holder pushed the object to its destination after that node had died).
 */
const PERMUTED_REGRESSION_SEEDS = [7915];
const isDefaultRun = replay === undefined && process.env['KDDM_CRASH_RUNS'] === undefined;
const orders = modelOrders('both');

async function crashRun(seed: number, permuted: boolean): Promise<void> {
  const base = randomModelOptions(seed);
  const options = permuted ? permutedOrder(base) : base;
  const report = await runCoherenceModel({
    ...options,
    nodes: Math.max(3, options.nodes),
    crashes: 1 + (seed % 4),
  });
  expect(report.ops).toBeGreaterThan(0);
  expect(report.checks).toBeGreaterThan(report.ops);
}

describe('coherence model with node crashes and reboots', () => {
  it.each(orders.includes('fifo') ? seeds : [])(
    'seed %i: operations finish or fail typed, live copies stay coherent',
    (seed) => crashRun(seed, false),
  );
  const permutedSeeds = !orders.includes('permuted')
    ? []
    : isDefaultRun
      ? [...seeds.slice(0, PERMUTED_SUITE_SEEDS), ...PERMUTED_REGRESSION_SEEDS]
      : seeds;
  it.each(permutedSeeds)(
    'seed %i with permuted same-instant order: operations finish or fail typed, copies coherent',
    (seed) => crashRun(seed, true),
  );
});
