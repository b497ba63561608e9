// The long fuzz lane: `pnpm run fuzz` (KRG_SEED and KRG_FUZZ_CASES to choose).
// Prints the seed first, so any failure can be replayed with KRG_SEED.
import { randomInt } from 'node:crypto';
import { runGhostFuzz } from '../src/ghost-fuzz.test-util.js';

const seed = Number(process.env['KRG_SEED'] ?? randomInt(2 ** 31));
const iterations = Number(process.env['KRG_FUZZ_CASES'] ?? 100_000);
console.log(`ghost fuzz: seed ${seed}, ${iterations} cases (replay: KRG_SEED=${seed})`);
const started = performance.now();
const report = await runGhostFuzz({ seed, iterations });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `ghost fuzz: ${report.cases} cases in ${seconds} s, ${report.successes} damaged reads still well-formed`,
);
console.log(`ghost fuzz: errors by code ${JSON.stringify(report.errorsByCode)}`);
console.log(`ghost fuzz: largest allocation ${report.largestAllocationBytes} bytes`);
