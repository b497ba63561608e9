// The FP benchmark: an FP-bound guest (tools/guests/bin/nbody: 100 000
// n-body steps, binary64 with fsqrt.d and contracted fused multiply-adds)
// on arch-riscv and, in the same run, under qemu-riscv64; and, alternating
// with it in the same process, the integer guest of int.bench.ts, so the
// ratio FP rate / integer rate is measured under the same load. Goal
// (issue 6): the FP guest runs at no less than half the integer guest's
// instruction rate.
//   nice node --conditions=@krg/source --import tsx bench/fp.bench.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runOnHart, runOnQemu, type GuestResult } from './guest-runner.js';

const fpPath = fileURLToPath(new URL('../../../tools/guests/bin/nbody', import.meta.url));
const intPath = fileURLToPath(new URL('guest/int-crc-sort', import.meta.url));
const fpFile = new Uint8Array(readFileSync(fpPath));
const intFile = new Uint8Array(readFileSync(intPath));
const rounds = Number(process.env.KRG_BENCH_ROUNDS ?? '3');

const mips = (instructions: number, seconds: number): string =>
  (instructions / seconds / 1e6).toFixed(1);

interface Best {
  seconds: number;
  cpuSeconds: number;
  instructions: number;
  output: string;
}
const fresh = (): Best => ({
  seconds: Infinity,
  cpuSeconds: Infinity,
  instructions: 0,
  output: '',
});

function keep(best: Best, run: GuestResult): void {
  if (run.exitCode !== 0 && run.output === '') throw new Error(`guest exited with ${run.exitCode}`);
  best.seconds = Math.min(best.seconds, run.seconds);
  best.cpuSeconds = Math.min(best.cpuSeconds, run.cpuSeconds);
  best.instructions = run.instructions;
  best.output = run.output;
}

const fp = fresh();
const int = fresh();
for (let round = 0; round < rounds; round++) {
  const fpRun = runOnHart(fpFile);
  keep(fp, fpRun);
  const intRun = runOnHart(intFile);
  keep(int, intRun);
  console.log(
    `round ${round + 1}: nbody ${mips(fpRun.instructions, fpRun.cpuSeconds)} M instr/CPU-s, ` +
      `int-crc-sort ${mips(intRun.instructions, intRun.cpuSeconds)} M instr/CPU-s`,
  );
}
let qemu = { seconds: Infinity, cpuSeconds: Infinity };
for (let round = 0; round < rounds; round++) {
  const run = runOnQemu(fpPath);
  if (run.output !== fp.output) {
    throw new Error(
      `qemu printed ${JSON.stringify(run.output)}, arch-riscv ${JSON.stringify(fp.output)}`,
    );
  }
  qemu = {
    seconds: Math.min(qemu.seconds, run.seconds),
    cpuSeconds: Math.min(qemu.cpuSeconds, run.cpuSeconds),
  };
}
console.log(`nbody output (identical under both):\n${fp.output.trimEnd()}`);
console.log(`instructions: nbody ${fp.instructions}, int-crc-sort ${int.instructions}`);
console.log('best of', rounds, 'rounds                 wall clock          CPU time');
const row = (name: string, b: { seconds: number; cpuSeconds: number }, n: number): void => {
  console.log(
    `${name.padEnd(26)} ${mips(n, b.seconds).padStart(10)} M instr/s ${mips(n, b.cpuSeconds).padStart(10)} M instr/s`,
  );
};
row('nbody on arch-riscv', fp, fp.instructions);
row('nbody on qemu-riscv64', qemu, fp.instructions);
row('int-crc-sort on arch-riscv', int, int.instructions);
const fpRate = fp.instructions / fp.cpuSeconds;
const intRate = int.instructions / int.cpuSeconds;
console.log(`ratio nbody arch-riscv / qemu: ${(qemu.cpuSeconds / fp.cpuSeconds).toFixed(3)} (CPU)`);
console.log(
  `ratio FP / integer instruction rate on arch-riscv: ${(fpRate / intRate).toFixed(2)} (goal ≥ 0.5)`,
);
