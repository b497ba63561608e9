// The integer benchmark: a CPU-bound guest of fixed length (CRC32 over 4 MiB,
// heap sort of 512 Ki keys; bench/guest/int-crc-sort.c) on arch-riscv and,
// in the same run, under qemu-riscv64. Instructions per second for both and
// the ratio. qemu's instruction count is arch-riscv's count of the same
// program (same binary, same input); qemu is timed by wall clock.
//   nice node --conditions=@krg/source --import tsx bench/int.bench.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runOnHart, runOnQemu } from './guest-runner.js';

const path = fileURLToPath(new URL('guest/int-crc-sort', import.meta.url));
const file = new Uint8Array(readFileSync(path));
const rounds = Number(process.env.KRG_BENCH_ROUNDS ?? '3');

const mips = (instructions: number, seconds: number): string =>
  (instructions / seconds / 1e6).toFixed(1);

let best = { seconds: Infinity, cpuSeconds: Infinity };
let instructions = 0;
let output = '';
for (let round = 0; round < rounds; round++) {
  const run = runOnHart(file);
  if (run.exitCode !== 0) throw new Error(`guest exited with ${run.exitCode}`);
  instructions = run.instructions;
  output = run.output;
  best = {
    seconds: Math.min(best.seconds, run.seconds),
    cpuSeconds: Math.min(best.cpuSeconds, run.cpuSeconds),
  };
  console.log(
    `arch-riscv round ${round + 1}: ${run.seconds.toFixed(3)} s wall, ${run.cpuSeconds.toFixed(3)} s CPU, ` +
      `${mips(run.instructions, run.cpuSeconds)} M instr/CPU-s`,
  );
}
let qemuBest = { seconds: Infinity, cpuSeconds: Infinity };
for (let round = 0; round < rounds; round++) {
  const run = runOnQemu(path);
  if (run.output !== output || run.exitCode !== 0) {
    throw new Error(
      `qemu printed ${JSON.stringify(run.output)} (exit ${run.exitCode}), arch-riscv ${JSON.stringify(output)}`,
    );
  }
  qemuBest = {
    seconds: Math.min(qemuBest.seconds, run.seconds),
    cpuSeconds: Math.min(qemuBest.cpuSeconds, run.cpuSeconds),
  };
}
console.log(`guest output (identical under both):\n${output.trimEnd()}`);
console.log(`instructions: ${instructions}`);
console.log('best of', rounds, 'rounds           wall clock          CPU time');
console.log(
  `arch-riscv:   ${mips(instructions, best.seconds).padStart(10)} M instr/s ${mips(instructions, best.cpuSeconds).padStart(10)} M instr/s`,
);
console.log(
  `qemu-riscv64: ${mips(instructions, qemuBest.seconds).padStart(10)} M instr/s ${mips(instructions, qemuBest.cpuSeconds).padStart(10)} M instr/s`,
);
console.log(
  `ratio arch-riscv / qemu: ${(qemuBest.seconds / best.seconds).toFixed(3)} (wall), ${(qemuBest.cpuSeconds / best.cpuSeconds).toFixed(3)} (CPU)`,
);
