// Kernel benchmark (issue 7): start-to-exit wall time of the hello guest
// and of the checksum loop under krg (a fresh 1-node Cluster, in process)
// against qemu-riscv64 on the same binaries in the same run, and system
// calls per wall second on a syscall-heavy guest. Run: pnpm bench (from
// packages/kernel) or `node --conditions=@krg/source --import tsx
// bench/kernel.bench.ts`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ACCOUNTING_SLOT } from '@krg/epm-core';
import { Cluster, ConsoleInput } from '../src/index.js';

const GUESTS = new URL('../../../tools/guests/bin/', import.meta.url);
const REPEATS = 5;

async function underKrg(
  guest: string,
  args: string[],
): Promise<{ ms: number; cpuMs: number; instret: number; syscalls: number; events: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cluster = new Cluster({ nodes: 1, seed: 1 });
  cluster.store.addFile(`/bin/${guest}`, new Uint8Array(readFileSync(new URL(guest, GUESTS))));
  const stdin = new ConsoleInput('pipe');
  stdin.onDemand = () => cluster.engine.schedule(0, () => stdin.end());
  const sink = { write: () => {} };
  let instret = 0;
  let syscalls = 0;
  cluster.onTaskReaped = (t) => {
    const acc = t.get(ACCOUNTING_SLOT);
    instret += acc.instret;
    for (const n of acc.syscalls.values()) syscalls += n;
  };
  const task = cluster.start({
    node: 0,
    path: `/bin/${guest}`,
    argv: [guest, ...args],
    envp: ['LANG=C'],
    streams: { stdin, stdout: { sink, kind: 'pipe' }, stderr: { sink, kind: 'pipe' } },
  });
  if ('errno' in task) throw new Error(task.detail);
  await cluster.run();
  const cpu = process.cpuUsage(cpu0);
  return {
    ms: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    instret,
    syscalls,
    events: cluster.engine.eventsDispatched,
  };
}

function underQemu(guest: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('qemu-riscv64', [new URL(guest, GUESTS).pathname, ...args], {
    stdio: 'ignore',
  });
  if (r.error !== undefined)
    throw new Error(`qemu-riscv64 is missing: install Debian's qemu-user (${r.error.message})`);
  return performance.now() - t0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

for (const guest of ['hello', 'checksum']) {
  const krg: number[] = [];
  const qemu: number[] = [];
  let instret = 0;
  for (let i = 0; i < REPEATS; i++) {
    const r = await underKrg(guest, []);
    krg.push(r.ms);
    instret = r.instret;
    qemu.push(underQemu(guest, []));
  }
  const k = median(krg);
  const q = median(qemu);
  console.log(
    `${guest.padEnd(10)} krg ${k.toFixed(1)} ms, qemu-riscv64 ${q.toFixed(1)} ms, krg/qemu ${(k / q).toFixed(2)}x ` +
      `(${instret} instructions, ${(instret / k / 1000).toFixed(1)} M instructions/s under krg; median of ${REPEATS})`,
  );
}

// Under load the wall time swings widely; the CPU time krg's own process
// used is printed too (qemu's is not measured: it is a child process).
const rounds = '100000';
const heavyRuns: Awaited<ReturnType<typeof underKrg>>[] = [];
const qemuRuns: number[] = [];
for (let i = 0; i < REPEATS; i++) {
  heavyRuns.push(await underKrg('syscall-loop', [rounds]));
  qemuRuns.push(underQemu('syscall-loop', [rounds]));
}
const heavyMs = median(heavyRuns.map((r) => r.ms));
const heavyCpuMs = median(heavyRuns.map((r) => r.cpuMs));
const { syscalls, events } = heavyRuns[0]!;
const qemuMs = median(qemuRuns);
console.log(
  `syscall-loop krg ${syscalls} syscalls in ${heavyMs.toFixed(0)} ms: ${((syscalls / heavyMs) * 1000).toFixed(0)} syscalls/s ` +
    `(${((syscalls / heavyCpuMs) * 1000).toFixed(0)} per CPU second, ${events} engine events); ` +
    `qemu-riscv64 ${qemuMs.toFixed(0)} ms: ${((syscalls / qemuMs) * 1000).toFixed(0)} syscalls/s; ratio ${(qemuMs / heavyMs).toFixed(3)} (median of ${REPEATS})`,
);
