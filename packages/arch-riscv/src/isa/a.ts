// A: atomics (unprivileged spec, chapter "A"). One hart executes at a time,
// so every AMO is trivially atomic; aq/rl order nothing here.
//
// LR/SC follow the spec's reservation rules as qemu-riscv64 implements them
// (our differential oracle): LR reserves its address and remembers the value
// it read; SC succeeds only if a reservation is held for exactly its address
// and memory still holds that value (compared at the SC's width), and every
// SC, successful or not, ends the reservation. `Hart.invalidate` and
// `Hart.breakReservation` also end it (unmap, mprotect, a page taken away).
// Atomics must be naturally aligned: a misaligned one stops the hart with a
// misaligned-access reason, which Linux turns into SIGBUS.
import { type Cpu } from '../cpu.js';
import type { InsnDef, Op } from '../op.js';

// ---- LR / SC ----

export function lrW(c: Cpu, o: Op): void {
  const x = c.x;
  const lo = x[o.rs1]!;
  const hi = x[o.rs1 + 1]!;
  c.mmu.checkAtomicAlignment(lo, hi, 4, 'read');
  const v = c.mmu.loadI32(lo, hi);
  reserve(c, lo, hi, 4, v, v >> 31);
  x[o.rd] = v;
  x[o.rd + 1] = v >> 31;
}

export function lrD(c: Cpu, o: Op): void {
  const x = c.x;
  const lo = x[o.rs1]!;
  const hi = x[o.rs1 + 1]!;
  c.mmu.checkAtomicAlignment(lo, hi, 8, 'read');
  const vlo = c.mmu.load64(lo, hi);
  const vhi = c.mmu.hi;
  reserve(c, lo, hi, 8, vlo, vhi);
  x[o.rd] = vlo;
  x[o.rd + 1] = vhi;
}

function reserve(
  c: Cpu,
  lo: number,
  hi: number,
  width: number,
  valueLo: number,
  valueHi: number,
): void {
  c.isReserved = true;
  c.reservedLo = lo;
  c.reservedHi = hi;
  c.reservedWidth = width;
  c.reservedValueLo = valueLo;
  c.reservedValueHi = valueHi;
}

export function scW(c: Cpu, o: Op): void {
  storeConditional(c, o, 4);
}

export function scD(c: Cpu, o: Op): void {
  storeConditional(c, o, 8);
}

function storeConditional(c: Cpu, o: Op, width: number): void {
  const x = c.x;
  const lo = x[o.rs1]!;
  const hi = x[o.rs1 + 1]!;
  const srcLo = x[o.rs2]!;
  const srcHi = x[o.rs2 + 1]!;
  c.mmu.checkAtomicAlignment(lo, hi, width, 'write');
  let isSuccess = false;
  if (c.isReserved && c.reservedLo === lo && c.reservedHi === hi) {
    // May fault: then nothing is committed, the reservation included.
    const view = c.mmu.atomicView(lo, hi, width);
    const at = c.mmu.offset;
    isSuccess =
      view.getInt32(at, true) === c.reservedValueLo &&
      (width === 4 || view.getInt32(at + 4, true) === c.reservedValueHi);
    if (isSuccess) {
      view.setInt32(at, srcLo, true);
      if (width === 8) view.setInt32(at + 4, srcHi, true);
    }
  }
  c.isReserved = false;
  x[o.rd] = isSuccess ? 0 : 1;
  x[o.rd + 1] = 0;
}

// ---- AMOs: rd gets the old memory value (sign-extended for .w), memory gets f(old, rs2) ----

type Amo32 = (old: number, src: number) => number;

function amo32(c: Cpu, o: Op, f: Amo32): void {
  const x = c.x;
  const src = x[o.rs2]!;
  const view = c.mmu.atomicView(x[o.rs1]!, x[o.rs1 + 1]!, 4);
  const at = c.mmu.offset;
  const old = view.getInt32(at, true);
  view.setInt32(at, f(old, src), true);
  x[o.rd] = old;
  x[o.rd + 1] = old >> 31;
}

export const amoswapW = (c: Cpu, o: Op): void => amo32(c, o, (_old, src) => src);
export const amoaddW = (c: Cpu, o: Op): void => amo32(c, o, (old, src) => (old + src) | 0);
export const amoxorW = (c: Cpu, o: Op): void => amo32(c, o, (old, src) => old ^ src);
export const amoandW = (c: Cpu, o: Op): void => amo32(c, o, (old, src) => old & src);
export const amoorW = (c: Cpu, o: Op): void => amo32(c, o, (old, src) => old | src);
export const amominW = (c: Cpu, o: Op): void => amo32(c, o, (old, src) => Math.min(old, src));
export const amomaxW = (c: Cpu, o: Op): void => amo32(c, o, (old, src) => Math.max(old, src));
export const amominuW = (c: Cpu, o: Op): void =>
  amo32(c, o, (old, src) => (old >>> 0 < src >>> 0 ? old : src));
export const amomaxuW = (c: Cpu, o: Op): void =>
  amo32(c, o, (old, src) => (old >>> 0 > src >>> 0 ? old : src));

// 64-bit AMOs compute into `result`: f(oldLo, oldHi, srcLo, srcHi).
const result = { lo: 0, hi: 0 };
type Amo64 = (oldLo: number, oldHi: number, srcLo: number, srcHi: number) => void;

function amo64(c: Cpu, o: Op, f: Amo64): void {
  const x = c.x;
  const srcLo = x[o.rs2]!;
  const srcHi = x[o.rs2 + 1]!;
  const view = c.mmu.atomicView(x[o.rs1]!, x[o.rs1 + 1]!, 8);
  const at = c.mmu.offset;
  const oldLo = view.getInt32(at, true);
  const oldHi = view.getInt32(at + 4, true);
  f(oldLo, oldHi, srcLo, srcHi);
  view.setInt32(at, result.lo, true);
  view.setInt32(at + 4, result.hi, true);
  x[o.rd] = oldLo;
  x[o.rd + 1] = oldHi;
}

function pick(isFirst: boolean, aLo: number, aHi: number, bLo: number, bHi: number): void {
  result.lo = isFirst ? aLo : bLo;
  result.hi = isFirst ? aHi : bHi;
}

const lessSigned = (aLo: number, aHi: number, bLo: number, bHi: number): boolean =>
  aHi < bHi || (aHi === bHi && aLo >>> 0 < bLo >>> 0);
const lessUnsigned = (aLo: number, aHi: number, bLo: number, bHi: number): boolean =>
  aHi >>> 0 < bHi >>> 0 || (aHi === bHi && aLo >>> 0 < bLo >>> 0);

export const amoswapD = (c: Cpu, o: Op): void =>
  amo64(c, o, (_l, _h, sl, sh) => pick(true, sl, sh, 0, 0));
export const amoaddD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => {
    const lo = (ol + sl) | 0;
    result.hi = (oh + sh + (lo >>> 0 < ol >>> 0 ? 1 : 0)) | 0;
    result.lo = lo;
  });
export const amoxorD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(true, ol ^ sl, oh ^ sh, 0, 0));
export const amoandD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(true, ol & sl, oh & sh, 0, 0));
export const amoorD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(true, ol | sl, oh | sh, 0, 0));
export const amominD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(lessSigned(ol, oh, sl, sh), ol, oh, sl, sh));
export const amomaxD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(lessSigned(sl, sh, ol, oh), ol, oh, sl, sh));
export const amominuD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(lessUnsigned(ol, oh, sl, sh), ol, oh, sl, sh));
export const amomaxuD = (c: Cpu, o: Op): void =>
  amo64(c, o, (ol, oh, sl, sh) => pick(lessUnsigned(sl, sh, ol, oh), ol, oh, sl, sh));

export const A: readonly InsnDef[] = [
  { name: 'lr.w', format: 'R', exec: lrW },
  { name: 'sc.w', format: 'R', exec: scW },
  { name: 'amoswap.w', format: 'R', exec: amoswapW },
  { name: 'amoadd.w', format: 'R', exec: amoaddW },
  { name: 'amoxor.w', format: 'R', exec: amoxorW },
  { name: 'amoand.w', format: 'R', exec: amoandW },
  { name: 'amoor.w', format: 'R', exec: amoorW },
  { name: 'amomin.w', format: 'R', exec: amominW },
  { name: 'amomax.w', format: 'R', exec: amomaxW },
  { name: 'amominu.w', format: 'R', exec: amominuW },
  { name: 'amomaxu.w', format: 'R', exec: amomaxuW },
  { name: 'lr.d', format: 'R', exec: lrD },
  { name: 'sc.d', format: 'R', exec: scD },
  { name: 'amoswap.d', format: 'R', exec: amoswapD },
  { name: 'amoadd.d', format: 'R', exec: amoaddD },
  { name: 'amoxor.d', format: 'R', exec: amoxorD },
  { name: 'amoand.d', format: 'R', exec: amoandD },
  { name: 'amoor.d', format: 'R', exec: amoorD },
  { name: 'amomin.d', format: 'R', exec: amominD },
  { name: 'amomax.d', format: 'R', exec: amomaxD },
  { name: 'amominu.d', format: 'R', exec: amominuD },
  { name: 'amomaxu.d', format: 'R', exec: amomaxuD },
];
