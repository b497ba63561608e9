// The public face of one RV64IMAC (+ F/D data moves, Zicsr, Zifencei)
// user-mode hart: run it for a bounded number of instructions, read and
// write its registers and its complete state, and tell it when memory
// changed under it.
import { Cpu } from './cpu.js';
import { EXIT_BUDGET, EXIT_STOP, execute } from './dispatcher.js';
import {
  BudgetInvalid,
  HartOptionInvalid,
  HartStateInvalid,
  RegisterIndexInvalid,
} from './errors.js';
import { type HartState, validateHartState } from './hart-state.js';
import {
  BLOCK_HOT_RUNS,
  HOT_RUNS_MAX,
  PAGE_SIZE_BYTES,
  RUN_BUDGET_INSNS_MAX,
  TLB_ENTRIES,
} from './limits.js';
import type { GuestMemory } from './memory.js';
import type { StopReason } from './stop-reason.js';
import {
  CAUSE_BREAKPOINT,
  CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_MISALIGNED,
  CAUSE_PAGE_FAULT,
} from './trap.js';
import { AddressInvalid } from './errors.js';
import { assert } from './assert.js';

export interface HartOptions {
  /**
   * Value of the `time` CSR (rdtime), given the number of instructions
   * retired before the reading instruction. Default: that number, so a run
   * is deterministic. A kernel would derive it from its simulated clock.
   */
  readonly timeSource?: (instret: number) => bigint;
  /**
   * Compile hot blocks into JavaScript functions (default true). Off, every
   * instruction is interpreted: slower, and useful as a reference in tests.
   */
  readonly compileBlocks?: boolean;
  /**
   * Interpreted runs after which a block is compiled (default
   * BLOCK_HOT_RUNS, 2048). Tests set it low so that their short loops run
   * compiled; an integer in 1..2^30.
   */
  readonly hotRuns?: number;
}

/** ABI names of the integer registers a kernel's syscall shim uses most. */
export const REG = {
  zero: 0,
  ra: 1,
  sp: 2,
  gp: 3,
  tp: 4,
  a0: 10,
  a1: 11,
  a2: 12,
  a3: 13,
  a4: 14,
  a5: 15,
  a6: 16,
  a7: 17,
} as const;

const U64_MASK = (1n << 64n) - 1n;

export class Hart {
  readonly #cpu: Cpu;

  constructor(
    readonly memory: GuestMemory,
    options: HartOptions = {},
  ) {
    const hotRuns = options.hotRuns ?? BLOCK_HOT_RUNS;
    if (!Number.isSafeInteger(hotRuns) || hotRuns < 1 || hotRuns > HOT_RUNS_MAX) {
      throw new HartOptionInvalid(
        'hotRuns',
        `an integer in 1..${String(HOT_RUNS_MAX)}`,
        String(hotRuns),
      );
    }
    this.#cpu = new Cpu(
      memory,
      options.timeSource ?? ((instret) => BigInt(instret)),
      options.compileBlocks ?? true,
      hotRuns,
    );
  }

  /**
   * Executes at most `budget` instructions and says why it stopped. Exactly
   * `retired` instructions were retired (`instret` grew by that much); a
   * budget of 0 returns at once.
   */
  run(budget: number): StopReason {
    if (!Number.isSafeInteger(budget) || budget < 0 || budget > RUN_BUDGET_INSNS_MAX) {
      throw new BudgetInvalid(budget, RUN_BUDGET_INSNS_MAX);
    }
    const c = this.#cpu;
    const before = c.instret;
    c.stop = 0;
    const exit = execute(c, budget);
    c.stop = 0;
    const retired = c.instret - before;
    const pc = BigInt(c.pc);
    if (exit === EXIT_BUDGET) return { kind: 'budget', pc, retired };
    if (exit === EXIT_STOP) return { kind: 'ecall', pc, retired };
    const t = c.trap;
    const address = toU64(t.addressLo, t.addressHi);
    switch (t.kind) {
      case CAUSE_PAGE_FAULT:
        return { kind: 'page-fault', pc, retired, access: t.access, address };
      case CAUSE_MISALIGNED:
        return { kind: 'misaligned', pc, retired, access: t.access, address };
      case CAUSE_ILLEGAL_INSTRUCTION:
        return { kind: 'illegal-instruction', pc, retired, bits: t.bits };
      default:
        assert(t.kind === CAUSE_BREAKPOINT, 'a trap has a known cause');
        return { kind: 'ebreak', pc, retired };
    }
  }

  /** Instructions retired since the hart started (or since the state it was set to). */
  get instret(): number {
    return this.#cpu.instret;
  }

  get pc(): bigint {
    return BigInt(this.#cpu.pc);
  }

  set pc(value: bigint) {
    if (
      typeof value !== 'bigint' ||
      value < 0n ||
      value > BigInt(Number.MAX_SAFE_INTEGER) ||
      (value & 1n) !== 0n
    ) {
      throw new HartStateInvalid('pc', 'an even address below 2^53', String(value));
    }
    this.#cpu.pc = Number(value);
  }

  /** Integer register `index` as an unsigned 64-bit value (x0 reads 0n). */
  readX(index: number): bigint {
    checkIndex(index);
    const x = this.#cpu.x;
    return toU64(x[index * 2]!, x[index * 2 + 1]!);
  }

  /** Sets integer register `index` to `value` modulo 2^64 (signed values welcome); writes to x0 are ignored. */
  writeX(index: number, value: bigint): void {
    checkIndex(index);
    if (index === 0) return;
    const v = BigInt.asUintN(64, value);
    this.#cpu.x[index * 2] = Number(v & 0xffffffffn) | 0;
    this.#cpu.x[index * 2 + 1] = Number(v >> 32n) | 0;
  }

  /** FP register `index` as its raw 64-bit pattern. */
  readF(index: number): bigint {
    checkIndex(index);
    const fi = this.#cpu.fi;
    return toU64(fi[index * 2]!, fi[index * 2 + 1]!);
  }

  writeF(index: number, bits: bigint): void {
    checkIndex(index);
    const v = BigInt.asUintN(64, bits);
    this.#cpu.fi[index * 2] = Number(v & 0xffffffffn) | 0;
    this.#cpu.fi[index * 2 + 1] = Number(v >> 32n) | 0;
  }

  getState(): HartState {
    const c = this.#cpu;
    const x: bigint[] = [];
    const f: bigint[] = [];
    for (let r = 0; r < 32; r++) {
      x.push(r === 0 ? 0n : toU64(c.x[2 * r]!, c.x[2 * r + 1]!));
      f.push(toU64(c.fi[2 * r]!, c.fi[2 * r + 1]!));
    }
    return {
      pc: BigInt(c.pc),
      x,
      f,
      fcsr: (c.frm << 5) | c.fflags,
      reservation: c.isReserved
        ? {
            address: toU64(c.reservedLo, c.reservedHi),
            widthBytes: c.reservedWidth === 4 ? 4 : 8,
            value: toU64(c.reservedValueLo, c.reservedValueHi),
          }
        : null,
      instret: BigInt(c.instret),
    };
  }

  /** Replaces the whole architectural state. Invalid input throws and changes nothing. */
  setState(state: HartState): void {
    validateHartState(state);
    if (state.pc > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new HartStateInvalid('pc', 'an address below 2^53', String(state.pc));
    }
    const c = this.#cpu;
    c.pc = Number(state.pc);
    for (let r = 1; r < 32; r++) {
      [c.x[2 * r], c.x[2 * r + 1]] = split(state.x[r]!);
    }
    for (let r = 0; r < 32; r++) {
      [c.fi[2 * r], c.fi[2 * r + 1]] = split(state.f[r]!);
    }
    c.fflags = state.fcsr & 0x1f;
    c.frm = (state.fcsr >> 5) & 7;
    c.instret = Number(state.instret);
    const r = state.reservation;
    c.isReserved = r !== null;
    if (r !== null) {
      [c.reservedLo, c.reservedHi] = split(r.address);
      [c.reservedValueLo, c.reservedValueHi] = split(r.value);
      c.reservedWidth = r.widthBytes;
    }
  }

  /**
   * Memory of [address, address + lengthBytes) changed under the hart (unmap,
   * mprotect, a page taken away, code written by the kernel): drops the
   * cached translations and decoded blocks of those pages and ends the LR
   * reservation.
   */
  invalidate(address: number, lengthBytes: number): void {
    if (
      !Number.isSafeInteger(address) ||
      address < 0 ||
      !Number.isSafeInteger(lengthBytes) ||
      lengthBytes < 0
    ) {
      throw new AddressInvalid(
        address,
        lengthBytes,
        'address and length must be non-negative safe integers',
      );
    }
    const c = this.#cpu;
    c.breakReservation();
    if (lengthBytes === 0) return;
    const first = Math.floor(address / PAGE_SIZE_BYTES);
    const end = Math.ceil((address + lengthBytes) / PAGE_SIZE_BYTES);
    if (end - first > TLB_ENTRIES) {
      c.mmu.flush();
    } else {
      for (let p = first; p < end; p++) c.mmu.dropPage(p);
    }
    for (const p of c.code.codePages()) {
      if (p >= first && p < end) c.code.invalidatePage(p);
    }
  }

  /** Drops every cached translation and decoded block and ends the reservation (execve, a new address space). */
  flushAll(): void {
    const c = this.#cpu;
    c.breakReservation();
    c.mmu.flush();
    c.code.flush();
  }

  /** Ends the LR reservation, so the next SC fails. */
  breakReservation(): void {
    this.#cpu.breakReservation();
  }
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > 31) throw new RegisterIndexInvalid(index);
}

function toU64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function split(value: bigint): [number, number] {
  const v = value & U64_MASK;
  return [Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0];
}
