// Kernel benchmark (issue 7): start-to-exit wall time of the hello guest
// and of the checksum loop under krg (a fresh 1-node Cluster, in process)
// against qemu-riscv64 on the same binaries in the same run, and system
// calls per wall second on a syscall-heavy guest. Run: pnpm bench (from
// packages/kernel) or `node --conditions=@krg/source --import tsx
// bench/kernel.bench.ts`.
import { median, runUnderKrg, runUnderQemu } from './guest-runs.js';

const GUESTS = new URL('../../../tools/guests/bin/', import.meta.url);
const REPEATS = 5;

const underKrg = (guest: string, args: string[]) => runUnderKrg(new URL(guest, GUESTS), args);
const underQemu = (guest: string, args: string[]): number =>
  runUnderQemu(new URL(guest, GUESTS), args).wallMs;

for (const guest of ['hello', 'checksum']) {
  const krg: number[] = [];
  const qemu: number[] = [];
  let instret = 0;
  for (let i = 0; i < REPEATS; i++) {
    const r = await underKrg(guest, []);
    krg.push(r.wallMs);
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
const heavyMs = median(heavyRuns.map((r) => r.wallMs));
const heavyCpuMs = median(heavyRuns.map((r) => r.cpuMs));
const { syscalls, events } = heavyRuns[0]!;
const qemuMs = median(qemuRuns);
console.log(
  `syscall-loop krg ${syscalls} syscalls in ${heavyMs.toFixed(0)} ms: ${((syscalls / heavyMs) * 1000).toFixed(0)} syscalls/s ` +
    `(${((syscalls / heavyCpuMs) * 1000).toFixed(0)} per CPU second, ${events} engine events); ` +
    `qemu-riscv64 ${qemuMs.toFixed(0)} ms: ${((syscalls / qemuMs) * 1000).toFixed(0)} syscalls/s; ratio ${(qemuMs / heavyMs).toFixed(3)} (median of ${REPEATS})`,
);
