// The main job of the README: a 4-node simulated cluster running real
// riscv64 programs, a cluster-wide process listing taken mid-run from
// another node (every node answers over RPC from its task objects), then a
// node crash — its processes vanish from every listing while the others run
// on — and a reboot, then every program's output and exit status, and the
// run's figures. Deterministic: the same seed prints the same run (wall
// time aside).
import { readFileSync } from 'node:fs';
import { ACCOUNTING_SLOT, shellExitStatus, signalName, type Task } from '@krg/epm-core';
import { Cluster, ConsoleInput, type PsRow } from '@krg/kernel';

const GUESTS = new URL('../../guests/', import.meta.url);
const PS_AT_NS = 1_500_000;
const CRASH_AT_NS = 2_000_000;
const CRASHED_NODE = 3;
/** After krg-rpc's failure detection (1 ms) the survivors have noticed the crash. */
const PS_AFTER_CRASH_AT_NS = 3_500_000;

interface Job {
  readonly node: number;
  readonly program: string;
  readonly args: readonly string[];
}

const JOBS: readonly Job[] = [
  { node: 0, program: 'hello', args: [] },
  { node: 1, program: 'checksum', args: [] },
  { node: 2, program: 'sort', args: [] },
  { node: 3, program: 'checksum', args: [] },
  { node: 3, program: 'sort', args: [] },
  { node: 0, program: 'fork-tree', args: [] },
  { node: 1, program: 'pipe-chain', args: [] },
  { node: 2, program: 'argv-echo', args: ['started', 'on node 2'] },
];

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function psTable(rows: readonly PsRow[]): string {
  const header = `${'PID'.padStart(8)} ${'PPID'.padStart(8)} ${'PGID'.padStart(8)} ${'SID'.padStart(4)} NODE STATE     COMMAND`;
  const body = rows.map(
    (r) =>
      `${String(r.pid).padStart(8)} ${String(r.ppid).padStart(8)} ${String(r.pgid).padStart(8)} ${String(r.sid).padStart(4)} ${String(r.node).padStart(4)} ${r.state.padEnd(9)} ${r.command}`,
  );
  return [header, ...body].join('\n');
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  const seed = Number(process.env.KRG_SEED ?? 1);
  const cluster = new Cluster({ nodes: 4, seed });
  for (const job of JOBS) {
    const path = `/bin/${job.program}`;
    if (cluster.store.lookup(path).ok) continue;
    cluster.store.addFile(path, new Uint8Array(readFileSync(new URL(job.program, GUESTS))));
  }
  line(
    `krg demo: a 4-node simulated Kerrighed cluster (seed ${seed}) running unmodified static riscv64 programs`,
  );
  line();

  const outputs = new Map<number, Uint8Array[]>();
  const started: { job: Job; task: Task }[] = [];
  let instructions = 0;
  let processes = 0;
  cluster.onTaskReaped = (t) => {
    instructions += t.get(ACCOUNTING_SLOT).instret;
    processes++;
  };
  for (const job of JOBS) {
    const stdin = new ConsoleInput('pipe');
    stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
    const chunks: Uint8Array[] = [];
    const sink = { write: (b: Uint8Array) => chunks.push(b.slice()) };
    const task = cluster.start({
      node: job.node,
      path: `/bin/${job.program}`,
      argv: [job.program, ...job.args],
      envp: ['PATH=/bin:/usr/bin', 'HOME=/', 'LANG=C'],
      streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
    });
    if ('errno' in task) throw new Error(`cannot start ${job.program}: ${task.detail}`);
    outputs.set(task.pid, chunks);
    started.push({ job, task });
    line(`started ${job.program.padEnd(10)} on node ${job.node}: pid ${task.pid}`);
  }
  line();

  const psFrom = (node: number, title: string): void => {
    cluster.nodes[node]!.scope.spawn('demo-ps', async () => {
      const rows = await cluster.ps(node);
      line(title);
      line(psTable(rows));
      line();
    });
  };
  cluster.engine.schedule(PS_AT_NS, () =>
    psFrom(
      2,
      `ps taken from node 2 at ${PS_AT_NS / 1e6} ms of simulated time (every node's processes, one system image):`,
    ),
  );
  cluster.engine.schedule(CRASH_AT_NS, () => {
    const lost = cluster.nodes[CRASHED_NODE]!.tasks().length;
    line(
      `node ${CRASHED_NODE} crashes at ${CRASH_AT_NS / 1e6} ms with ${lost} processes on it; the other nodes run on.`,
    );
    line();
    cluster.crashNode(CRASHED_NODE);
  });
  cluster.engine.schedule(PS_AFTER_CRASH_AT_NS, () =>
    psFrom(
      0,
      `ps taken from node 0 at ${PS_AFTER_CRASH_AT_NS / 1e6} ms: node ${CRASHED_NODE}'s processes are gone from the cluster:`,
    ),
  );
  await cluster.run();

  for (const { job, task } of started) {
    const status = task.exitStatus;
    const how =
      status === undefined
        ? task.state === 'dead'
          ? `lost with node ${job.node}`
          : 'still running'
        : status.kind === 'signaled'
          ? `killed by ${signalName(status.signal)}`
          : `exit status ${shellExitStatus(status)}`;
    line(`--- ${job.program} (pid ${task.pid}, node ${job.node}): ${how}`);
    process.stdout.write(Buffer.concat(outputs.get(task.pid) ?? []));
  }
  line();
  // The crashed node comes back empty: a fresh init, no process, its
  // pidmap taken back from the node that adopted it.
  let rebootedPs: readonly PsRow[] = [];
  cluster.nodes[0]!.scope.spawn('demo-reboot', async () => {
    await cluster.rebootNode(CRASHED_NODE);
    rebootedPs = await cluster.ps(CRASHED_NODE);
  });
  await cluster.run();
  line(
    `node ${CRASHED_NODE} rebooted: a fresh init and an empty process table; ps from it lists ${rebootedPs.length} processes.`,
  );
  line();
  line(
    `${processes} processes ran ${instructions.toLocaleString('en-US')} instructions in ` +
      `${(cluster.engine.nowNs / 1e6).toFixed(3)} ms of simulated time ` +
      `(${((performance.now() - wallStart) / 1000).toFixed(2)} s of wall time).`,
  );
  line('Next in the README: `krg exec` runs any static riscv64 program the same way.');
}

await main();
