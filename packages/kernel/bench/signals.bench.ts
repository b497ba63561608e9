// Signal benchmark (issue 9): handler ping-pong between two processes
// (sig-pingpong: per round two sigqueue calls, two handler frames, two
// rt_sigreturns and two sigsuspends) under krg — a fresh 1-node Cluster, in
// process — against qemu-riscv64 on the same binary in the same run, as
// rounds per wall second. Also what a delivery costs in simulated time.
// Run: pnpm bench:signals (from packages/kernel) or `node
// --conditions=@krg/source --import tsx bench/signals.bench.ts`.
import { readFileSync } from 'node:fs';
import { Cluster, ConsoleInput } from '../src/index.js';
import { median, runUnderKrg, runUnderQemu } from './guest-runs.js';

const GUESTS = new URL('../../../tools/guests/bin/', import.meta.url);
const ROUNDS = 2000;
const REPEATS = 3;

const PINGPONG = new URL('sig-pingpong', GUESTS);
const underKrg = (rounds: number) => runUnderKrg(PINGPONG, [String(rounds)]);
const underQemu = (rounds: number) => runUnderQemu(PINGPONG, [String(rounds)]);

// One unmeasured run first: the first runs pay for loading and compiling the modules.
await underKrg(ROUNDS);
const krg: number[] = [];
const qemu: number[] = [];
let simNs = 0;
for (let i = 0; i < REPEATS; i++) {
  const k = await underKrg(ROUNDS);
  const q = underQemu(ROUNDS);
  if (k.stdout !== q.stdout)
    throw new Error(`outputs differ:\nkrg:\n${k.stdout}\nqemu:\n${q.stdout}`);
  krg.push(k.wallMs);
  qemu.push(q.wallMs);
  simNs = k.simNs;
}
const k = median(krg);
const q = median(qemu);
const perSecond = (ms: number): string => ((ROUNDS / ms) * 1000).toFixed(0);
console.log(
  `sig-pingpong ${ROUNDS} rounds: krg ${k.toFixed(0)} ms (${perSecond(k)} rounds/s), ` +
    `qemu-riscv64 ${q.toFixed(0)} ms (${perSecond(q)} rounds/s), krg/qemu ${(k / q).toFixed(2)}x; ` +
    `simulated ${(simNs / 1e6).toFixed(1)} ms, ${(simNs / ROUNDS / 1000).toFixed(1)} µs per round (median of ${REPEATS})`,
);

// Signals across nodes: the sig-peer pair (sigqueue answered by sigqueue)
// on two nodes of a 2-node cluster, each sigqueue routed through the
// target's task object and an RPC to its node, against the same pair on one
// node, in the same run.
const PEER_ROUNDS = 500;

async function peerPair(
  serverNode: number,
  askerNode: number,
): Promise<{ ms: number; simNs: number; out: string }> {
  const t0 = performance.now();
  const cluster = new Cluster({ nodes: 2, seed: 1 });
  cluster.store.addFile('/bin/sig-peer', new Uint8Array(readFileSync(new URL('sig-peer', GUESTS))));
  const chunks: Uint8Array[] = [];
  const start = (node: number, argv: string[]) => {
    const stdin = new ConsoleInput('pipe');
    stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
    const sink = { write: (b: Uint8Array) => void chunks.push(b.slice()) };
    const task = cluster.start({
      node,
      path: '/bin/sig-peer',
      argv,
      envp: [],
      streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
    });
    if ('errno' in task) throw new Error(task.detail);
    return task;
  };
  const server = start(serverNode, ['sig-peer', 'serve', String(PEER_ROUNDS)]);
  start(askerNode, ['sig-peer', 'ask', String(server.pid), String(PEER_ROUNDS)]);
  await cluster.run();
  const out = Buffer.concat(chunks).toString().split('\n').sort().join('\n');
  return { ms: performance.now() - t0, simNs: cluster.engine.nowNs, out };
}

await peerPair(0, 1);
const local: number[] = [];
const remote: number[] = [];
let localSim = 0;
let remoteSim = 0;
for (let i = 0; i < REPEATS; i++) {
  const a = await peerPair(0, 0);
  const b = await peerPair(0, 1);
  if (a.out !== b.out)
    throw new Error(`outputs differ:\none node:\n${a.out}\ntwo nodes:\n${b.out}`);
  local.push(a.ms);
  remote.push(b.ms);
  localSim = a.simNs;
  remoteSim = b.simNs;
}
const l = median(local);
const r = median(remote);
const us = (ns: number): string => (ns / PEER_ROUNDS / 1000).toFixed(1);
console.log(
  `sig-peer ${PEER_ROUNDS} rounds: two nodes ${r.toFixed(0)} ms (${((PEER_ROUNDS / r) * 1000).toFixed(0)} rounds/s), ` +
    `one node ${l.toFixed(0)} ms (${((PEER_ROUNDS / l) * 1000).toFixed(0)} rounds/s), two/one ${(r / l).toFixed(2)}x; ` +
    `simulated ${us(remoteSim)} µs per round on two nodes, ${us(localSim)} µs on one (median of ${REPEATS})`,
);
