// Cost of the FP semantics alone (no decode, no dispatch): each fast path on
// binary64 operands that stay on it, next to the BigInt exact reference
// computing the same operation in the same run. This is the measurement
// behind the register representation chosen in src/fp/fp-registers.ts.
//   node --conditions=@krg/source --import tsx bench/fp-ops.bench.ts
import { faddD, fdivD, fmaddD, fmulD, fsqrtD } from '../src/fp/binary64.js';
import { faddS, fmaddS, fmulS } from '../src/fp/binary32.js';
import { BINARY64, exactAdd, exactFma } from '../src/fp/exact.js';
import { createFpRegisterFile, readBits64 } from '../src/fp/fp-registers.js';

const r = createFpRegisterFile();
// Operands with full significands, well inside the exponent range (a seeded
// linear congruential sequence: no Math.random).
let seed = 12345;
function next(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return 1 + seed / 2 ** 32;
}
for (let i = 1; i < 32; i++) r.f64[i] = next() * (i % 2 === 0 ? 3 : -0.7);
for (let i = 16; i < 32; i++) {
  r.f32[2 * i] = Math.fround(next());
  r.fi[2 * i + 1] = -1;
}

function time(name: string, iterations: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 100_000); i++) body(i); // warm up
  // CPU time (user + system), which the load of a shared machine does not inflate
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) body(i);
  const used = process.cpuUsage(start);
  const ns = ((used.user + used.system) * 1000) / iterations;
  console.log(`${name.padEnd(28)} ${ns.toFixed(1).padStart(8)} CPU-ns/op`);
  return ns;
}

const N = 5_000_000;
// Destination slot 2 (f1) feeds back so the optimiser cannot drop the work.
// Times are CPU nanoseconds per call of the instruction's semantics.
const add = time('fadd.d fast path', N, (i) => faddD(r, 2, 2 + ((i & 7) << 1), 20, 0));
time('fmul.d fast path', N, (i) => fmulD(r, 4, 4 + ((i & 7) << 1), 22, 0));
time('fdiv.d fast path', N, (i) => fdivD(r, 6, 6 + ((i & 7) << 1), 24, 0));
time('fsqrt.d fast path', N, (i) => fsqrtD(r, 8, 8 + ((i & 3) << 2), 0)); // even registers: positive
const fma = time('fmadd.d fast path', N, (i) => fmaddD(r, 10, 12 + ((i & 7) << 1), 26, 28, 0));
// With fflags cleared before each operation, NX has to be found every time
// (TwoSum / TwoProduct); above, NX stays set after the first inexact result.
time('fadd.d, NX found each time', N, (i) => {
  r.fflags = 0;
  faddD(r, 2, 2 + ((i & 7) << 1), 20, 0);
});
time('fmul.d, NX found each time', N, (i) => {
  r.fflags = 0;
  fmulD(r, 4, 4 + ((i & 7) << 1), 22, 0);
});
time('fmadd.d, NX found each time', N, (i) => {
  r.fflags = 0;
  fmaddD(r, 10, 12 + ((i & 7) << 1), 26, 28, 0);
});
time('fadd.s fast path', N, (i) => faddS(r, 32, 34 + ((i & 7) << 1), 50, 0));
time('fmul.s fast path', N, (i) => fmulS(r, 36, 38 + ((i & 7) << 1), 52, 0));
time('fmadd.s fast path', N, (i) => fmaddS(r, 40, 42 + ((i & 7) << 1), 54, 56, 0));
const sink = { fflags: 0 };
const M = 200_000;
const a = readBits64(r, 4);
const b = readBits64(r, 6);
const c = readBits64(r, 8);
const slowAdd = time('add, BigInt reference', M, () => exactAdd(BINARY64, a, b, 0, sink));
const slowFma = time('fma, BigInt reference', M, () => exactFma(BINARY64, a, b, c, 0, sink));
console.log(
  `fast/reference speed ratio: add ${(slowAdd / add).toFixed(0)}x, fma ${(slowFma / fma).toFixed(0)}x`,
);
