// Goal (issue 8): `ps` from every node lists exactly the processes the
// cluster runs, for random placements of programs on 2–16 nodes. Method:
// seeded scenarios (node count, programs, nodes, start times); the run is
// stepped one engine event at a time. After every event each node's view
// of its own processes, read from its task objects, must equal the tasks
// themselves; after every lifecycle event (a start, fork, exit, reap,
// setsid/setpgid) the whole cluster is frozen and `ps` is asked over RPC
// from every node: all answers must be equal, and equal to the truth, with
// no PID listed twice. A failure prints its seed; KRG_SEED=<n> replays one,
// KRG_PS_RUNS=<n> runs n seeds (6 in the suite).
import { Rng } from '@krg/sim-engine';
import { describe, expect, test } from 'vitest';
import { Cluster, type PsRow } from '../index.js';
import {
  objectView,
  psEverywhereFrozen,
  startGuest,
  truth,
  type Started,
} from './guests.test-util.js';

const PROGRAMS: readonly { name: string; args?: string[]; stdin?: string; held?: boolean }[] = [
  { name: 'hello' },
  { name: 'fork-tree', stdin: '' },
  { name: 'sessions', stdin: '' },
  { name: 'pipe-chain', stdin: '' },
  { name: 'argv-echo', args: ['x'] },
  { name: 'die-abort', args: ['x'] },
  // Blocks on stdin until the scenario ends it: a long-lived process.
  { name: 'stdin-filter', held: true },
];

/** When the held processes' stdin ends. */
const HELD_UNTIL_NS = 4_000_000;

/** What changes ps, not the running/sleeping churn of every system call. */
function lifecycleKey(rows: readonly PsRow[]): string {
  return rows
    .map((r) => `${r.pid}/${r.ppid}/${r.pgid}/${r.sid}/${r.node}/${r.state === 'zombie'}`)
    .join(',');
}

async function scenario(seed: number): Promise<{ checks: number; events: number }> {
  const rng = new Rng(seed);
  const nodes = 2 + rng.nextInt(15);
  const cluster = new Cluster({ nodes, seed });
  const started: Started[] = [];
  const count = 3 + rng.nextInt(4);
  // Starts happen between engine events, never while a check freezes the cluster.
  const starts: { atNs: number; run: () => void }[] = [];
  for (let i = 0; i < count; i++) {
    const p = PROGRAMS[rng.nextInt(PROGRAMS.length)]!;
    const node = rng.nextInt(nodes);
    const atNs = rng.nextInt(3) === 0 ? 0 : rng.nextInt(2_000_000);
    starts.push({
      atNs,
      run: () => {
        const s = startGuest(
          cluster,
          node,
          p.name,
          p.args ?? [],
          p.held ? undefined : (p.stdin ?? ''),
        );
        started.push(s);
        if (cluster.engine.nowNs >= HELD_UNTIL_NS) s.stdin.end();
      },
    });
  }
  starts.sort((a, b) => a.atNs - b.atNs);
  const startDue = (): void => {
    while (starts.length > 0 && starts[0]!.atNs <= cluster.engine.nowNs) starts.shift()!.run();
  };
  startDue();
  // The held processes get EOF late, so they are listed for most of the run.
  cluster.engine.schedule(HELD_UNTIL_NS, () => {
    for (const s of started) s.stdin.end();
  });
  let events = 0;
  let checks = 0;
  let lastKey = '';
  const where = (): string => `seed ${seed} (KRG_SEED=${seed}), ${nodes} nodes, event ${events}`;
  for (;;) {
    const r = await cluster.run({ maxEvents: 1 });
    events += r.events;
    startDue();
    const view = objectView(cluster);
    const seen = truth(cluster);
    if (view !== undefined) expect(view, where()).toEqual(seen);
    const key = lifecycleKey(seen);
    if (key !== lastKey) {
      lastKey = key;
      checks++;
      let out: { answers: PsRow[][]; truth: PsRow[] } | undefined;
      let failure: unknown;
      cluster.nodes[0]!.scope.spawn('ps-check', async () => {
        try {
          out = await psEverywhereFrozen(cluster);
        } catch (e) {
          failure = e;
        }
        cluster.engine.stop();
      });
      await cluster.run();
      expect(failure, where()).toBeUndefined();
      expect(out, where()).toBeDefined();
      for (const answer of out!.answers) {
        expect(answer, where()).toEqual(out!.truth);
        expect(new Set(answer.map((row) => row.pid)).size, where()).toBe(answer.length);
      }
    }
    if (r.reason === 'idle' && starts.length === 0) break;
    if (r.reason === 'idle') starts.shift()!.run();
  }
  expect(cluster.tasks(), where()).toEqual([]);
  expect(cluster.objectUpdateFailures, where()).toBe(0);
  return { checks, events };
}

describe('ps from every node agrees with the processes running', () => {
  const one = process.env.KRG_SEED;
  const runs = Number(process.env.KRG_PS_RUNS ?? 6);
  const seeds = one !== undefined ? [Number(one)] : Array.from({ length: runs }, (_, i) => 11 + i);
  for (const seed of seeds) {
    test(`seed ${seed}`, async () => {
      const { checks } = await scenario(seed);
      expect(checks).toBeGreaterThan(3);
    });
  }
});
