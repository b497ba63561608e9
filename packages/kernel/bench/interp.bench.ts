// CPU benchmark of a process under krg: the interp-mix guest (guest/
// interp-mix.c: a bytecode loop, a hash table of strings, malloc/free,
// recursion, qsort) on a fresh 1-node Cluster, in process, against
// qemu-riscv64 on the same binary in the same run. Both must print the same
// bytes. Prints retired instructions per second (wall and CPU) and the ratio
// to qemu. Best of ROUNDS by CPU time: the machine is shared, and CPU time is
// what its load inflates least. Run: `pnpm bench:interp` (from
// packages/kernel).
import { readFileSync } from 'node:fs';
import { runUnderKrg, runUnderQemu } from './guest-runs.js';

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

const underKrg = (scale: string): Promise<Run> => runUnderKrg(GUEST, [scale]);
const underQemu = (scale: string): Run => ({ ...runUnderQemu(GUEST, [scale]), instret: 0 });

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
