// CPU benchmark of a process under krg: the interp-mix guest (guest/
// interp-mix.c: a bytecode loop, a hash table of strings, malloc/free,
// recursion, qsort) on a fresh 1-node Cluster, in process, against
// qemu-riscv64 on the same binary in the same run. Both must print the same
// bytes. Prints retired instructions per second (wall and CPU) and the ratio
// to qemu. Best of ROUNDS by CPU time: the machine is shared, and CPU time is
// what its load inflates least. Run: `pnpm bench:interp` (from
// packages/kernel).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ACCOUNTING_SLOT } from '@krg/epm-core';
import { Cluster, ConsoleInput } from '../src/index.js';

const GUEST = new URL('guest/interp-mix', import.meta.url);
// Scale 4 (about 233 M instructions) is dominated by warming up code that runs
// a few thousand times (snprintf, malloc, qsort); scale 16 (about 945 M) is
// closer to a long-running interpreter.
const SCALES = (process.env['KRG_INTERP_SCALE'] ?? '4,16').split(',');
const ROUNDS = Number(process.env['KRG_BENCH_ROUNDS'] ?? '3');

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly instret: number;
  readonly stdout: string;
}

async function underKrg(scale: string): Promise<Run> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cluster = new Cluster({ nodes: 1, seed: 1 });
  cluster.store.addFile('/bin/interp-mix', new Uint8Array(readFileSync(GUEST)));
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const chunks: Uint8Array[] = [];
  const sink = { write: (bytes: Uint8Array) => void chunks.push(bytes.slice()) };
  let instret = 0;
  cluster.onTaskReaped = (t) => {
    instret += t.get(ACCOUNTING_SLOT).instret;
  };
  const task = cluster.start({
    node: 0,
    path: '/bin/interp-mix',
    argv: ['interp-mix', scale],
    envp: ['LANG=C'],
    streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
  });
  if ('errno' in task) throw new Error(task.detail);
  await cluster.run();
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    instret,
    stdout: Buffer.concat(chunks).toString('utf8'),
  };
}

/** CPU time of reaped children so far, from /proc (Linux), in ms; NaN elsewhere. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17, in clock ticks (100 Hz)
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

function underQemu(scale: string): Run {
  const t0 = performance.now();
  const c0 = childrenCpuMs();
  const r = spawnSync('qemu-riscv64', [GUEST.pathname, scale], { encoding: 'utf8' });
  if (r.error !== undefined)
    throw new Error(`qemu-riscv64 is missing: install Debian's qemu-user (${r.error.message})`);
  return {
    wallMs: performance.now() - t0,
    cpuMs: childrenCpuMs() - c0,
    instret: 0,
    stdout: r.stdout,
  };
}

for (const scale of SCALES) {
  const krgRuns: Run[] = [];
  const qemuRuns: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    krgRuns.push(await underKrg(scale));
    qemuRuns.push(underQemu(scale));
  }
  const instret = krgRuns[0]!.instret;
  for (const r of [...krgRuns, ...qemuRuns]) {
    if (r.stdout !== qemuRuns[0]!.stdout)
      throw new Error(
        `outputs differ: ${JSON.stringify(r.stdout)} vs ${JSON.stringify(qemuRuns[0]!.stdout)}`,
      );
  }
  const best = (runs: Run[], key: 'wallMs' | 'cpuMs'): number =>
    Math.min(...runs.map((r) => r[key]));
  const rate = (ms: number): string => `${(instret / ms / 1000).toFixed(1)} M instr/s`;
  const krgWall = best(krgRuns, 'wallMs');
  const krgCpu = best(krgRuns, 'cpuMs');
  const qemuWall = best(qemuRuns, 'wallMs');
  const qemuCpu = best(qemuRuns, 'cpuMs');
  console.log(
    `interp-mix ${scale}: ${instret} instructions, output identical to qemu-riscv64 (${qemuRuns[0]!.stdout.trim()})`,
  );
  console.log(
    `  krg          ${krgWall.toFixed(0)} ms wall (${rate(krgWall)}), ${krgCpu.toFixed(0)} ms CPU (${rate(krgCpu)} per CPU second)`,
  );
  console.log(
    `  qemu-riscv64 ${qemuWall.toFixed(0)} ms wall (${rate(qemuWall)}), ${qemuCpu.toFixed(0)} ms CPU (${rate(qemuCpu)} per CPU second)`,
  );
  console.log(
    `  krg / qemu: ${(qemuWall / krgWall).toFixed(3)} by wall, ${(qemuCpu / krgCpu).toFixed(3)} by CPU (best of ${ROUNDS}; load average ${readLoad()})`,
  );
}

function readLoad(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
