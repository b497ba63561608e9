// The hart's architectural state as the instruction functions see it, laid
// out for speed: every 64-bit register is a pair of int32 halves (measured
// about 8x faster than BigInt for add/xor/shift loops), pc is a number.
//
// Integer registers: `x` slots 2r (low half) and 2r+1 (high half); slots
// 64-65 are the x0 sink. FP registers share one buffer seen three ways so
// that the F/D instructions never convert through bits by hand: `f64[r]` as a
// double, `f32[2r]` as the single in the low half, `fi[2r]`, `fi[2r+1]` as the
// raw 64-bit pattern (single values are NaN-boxed: high half all ones).
import { CodeCache } from './code-cache.js';
import { assert } from './assert.js';
import type { GuestMemory } from './memory.js';
import { Mmu } from './mmu.js';
import { Trap } from './trap.js';
import { BLOCK_HOT_RUNS } from './limits.js';

assert(
  new Uint8Array(new Uint16Array([1]).buffer)[0] === 1,
  'arch-riscv needs a little-endian host',
);

export const STOP_NONE = 0;
export const STOP_ECALL = 1;

export class Cpu {
  readonly x = new Int32Array(66);
  readonly #fpBuffer = new ArrayBuffer(32 * 8);
  readonly f64 = new Float64Array(this.#fpBuffer);
  readonly f32 = new Float32Array(this.#fpBuffer);
  readonly fi = new Int32Array(this.#fpBuffer);
  /** Accrued FP exception flags (fcsr[4:0]) and dynamic rounding mode (fcsr[7:5]). */
  fflags = 0;
  frm = 0;

  /** pc of the next instruction to execute, below 2^64 (exact below 2^53). */
  pc = 0;
  /** Instructions retired so far, up to the start of the executing block. */
  instret = 0;
  /** High word of the effective address computed by the last `ea` call. */
  eaHi = 0;

  /** LR reservation: address and the value LR read, as halves; width in bytes. */
  isReserved = false;
  reservedLo = 0;
  reservedHi = 0;
  reservedWidth = 0;
  reservedValueLo = 0;
  reservedValueHi = 0;

  /** Ops of a compiled block that completed before one trapped. */
  faultIndex = 0;

  /** Set by an instruction that stops the hart after it retires (ecall). */
  stop = STOP_NONE;
  readonly trap = new Trap();
  readonly code = new CodeCache();
  readonly mmu: Mmu;

  constructor(
    readonly memory: GuestMemory,
    /** Value of the `time` CSR, given the instructions retired before the reading one. */
    readonly timeSource: (instret: number) => bigint,
    /** Whether hot blocks are compiled into JavaScript functions. */
    readonly isCompiling: boolean,
    /** Interpreted runs after which a block is compiled. */
    readonly hotRuns: number = BLOCK_HOT_RUNS,
  ) {
    this.mmu = new Mmu(memory, this.trap, this.code);
    this.code.onCodePage = (pageIndex) => {
      this.mmu.dropWrite(pageIndex);
    };
  }

  breakReservation(): void {
    this.isReserved = false;
  }
}

/** Effective address rs1 + imm of a load or store: returns the low half, leaves the high half in c.eaHi. */
export function ea(c: Cpu, rs1: number, imm: number, immHi: number): number {
  const x = c.x;
  const base = x[rs1]!;
  const lo = (base + imm) | 0;
  c.eaHi = (x[rs1 + 1]! + immHi + (lo >>> 0 < base >>> 0 ? 1 : 0)) | 0;
  return lo;
}

/** A pc from 32-bit halves. */
export function pcOf(lo: number, hi: number): number {
  return (hi >>> 0) * 2 ** 32 + (lo >>> 0);
}
