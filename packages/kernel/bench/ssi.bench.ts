// One-system-image benchmark (issue 8): processes started and reaped per
// wall second on a 64-node cluster (the hello guest, 4 per node, over and
// over), against the same count on a 1-node cluster in the same run; and
// `ps` latency from one node on 16, 64 and 256 nodes, simulated and wall,
// against a bare krg-rpc broadcast to the same nodes (the messaging floor
// under ps). Run: pnpm bench:ssi (from packages/kernel) or `nice node
// --conditions=@krg/source --import tsx bench/ssi.bench.ts`.
import { readFileSync } from 'node:fs';
import { Cluster, ConsoleInput, type PsRow } from '../src/index.js';

const HELLO = new Uint8Array(
  readFileSync(new URL('../../../tools/guests/bin/hello', import.meta.url)),
);
const STDIN_HELD = new URL('../../../tools/guests/bin/stdin-filter', import.meta.url);

function start(cluster: Cluster, node: number, path: string, stdin = new ConsoleInput('pipe')) {
  const sink = { write: () => {} };
  const task = cluster.start({
    node,
    path,
    argv: [path],
    envp: ['LANG=C'],
    streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
  });
  if ('errno' in task) throw new Error(task.detail);
  return task;
}

/** Starts `perNode` hellos on each node, `rounds` times over, each round run to idle. */
async function churn(nodes: number, perNode: number, rounds: number) {
  const cluster = new Cluster({ nodes, seed: 1 });
  cluster.store.addFile('/bin/hello', HELLO);
  let reaped = 0;
  cluster.onTaskReaped = () => reaped++;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let n = 0; n < nodes; n++)
      for (let i = 0; i < perNode; i++) start(cluster, n, '/bin/hello');
    await cluster.run();
  }
  const wallS = (performance.now() - t0) / 1000;
  return { processes: reaped, perWallS: reaped / wallS };
}

/** ps from node 0 of an n-node cluster with 2 long-lived processes per node. */
async function psLatency(nodes: number, repeats: number) {
  const cluster = new Cluster({ nodes, seed: 1 });
  cluster.store.addFile('/bin/stdin-filter', new Uint8Array(readFileSync(STDIN_HELD)));
  for (let n = 0; n < nodes; n++)
    for (let i = 0; i < 2; i++) start(cluster, n, '/bin/stdin-filter');
  await cluster.run(); // everyone blocks reading stdin
  // The messaging floor: a bare broadcast of an empty call to the same nodes.
  const ECHO = 0x4543;
  for (const node of cluster.nodes) node.rpc.register(ECHO, () => Promise.resolve(null));
  const measure = async (what: () => Promise<unknown>) => {
    const wall: number[] = [];
    const sim: number[] = [];
    let rows: unknown;
    for (let i = 0; i < repeats; i++) {
      const simStart = cluster.engine.nowNs;
      const t0 = performance.now();
      let simEnd = 0;
      cluster.nodes[0]!.scope.spawn('measure', async () => {
        rows = await what();
        simEnd = cluster.engine.nowNs;
        cluster.engine.stop();
      });
      await cluster.run();
      wall.push(performance.now() - t0);
      sim.push(simEnd - simStart);
    }
    wall.sort((a, b) => a - b);
    return {
      wallMs: wall[Math.floor(wall.length / 2)]!,
      minMs: wall[0]!,
      simUs: sim[0]! / 1000,
      rows,
    };
  };
  const others = cluster.fabric.nodeIds.filter((n) => n !== 0);
  // Warm-up: one of each, so neither figure pays for the JIT alone.
  await measure(() => cluster.nodes[0]!.rpc.callMany(ECHO, others, null));
  await measure(() => cluster.ps(0));
  const floor = await measure(() => cluster.nodes[0]!.rpc.callMany(ECHO, others, null));
  const ps = await measure(() => cluster.ps(0));
  const count = (ps.rows as PsRow[]).length;
  if (count !== nodes * 2) throw new Error(`ps listed ${count} processes, expected ${nodes * 2}`);
  return { ps, floor, count };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log('processes started and reaped per wall second (hello, 4 per node per round, 3 rounds)');
const one = await churn(1, 4 * 64, 3);
const many = await churn(64, 4, 3);

console.log(
  `  64 nodes: ${fmt(many.perWallS)} processes/s (${many.processes} processes); ` +
    `baseline 1 node, same count: ${fmt(one.perWallS)} processes/s; ratio ${fmt(many.perWallS / one.perWallS, 2)}`,
);

console.log('ps from node 0 (2 processes per node; median and min of 9 wall times)');
for (const nodes of [16, 64, 256]) {
  const r = await psLatency(nodes, 9);
  console.log(
    `  ${String(nodes).padStart(3)} nodes: ps ${fmt(r.ps.simUs, 1)} µs simulated, ${fmt(r.ps.wallMs, 2)} ms wall (min ${fmt(r.ps.minMs, 2)}; ${r.count} rows); ` +
      `baseline bare RPC broadcast ${fmt(r.floor.simUs, 1)} µs simulated, ${fmt(r.floor.wallMs, 2)} ms wall (min ${fmt(r.floor.minMs, 2)}); ` +
      `ratio ${fmt(r.ps.simUs / r.floor.simUs, 2)} simulated, ${fmt(r.ps.wallMs / r.floor.wallMs, 2)} wall`,
  );
}
