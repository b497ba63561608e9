// Why `Hart.run` returned. Every reason carries the pc to resume at and the
// number of instructions retired by the call. A reason that names an
// instruction (a fault, ebreak, an illegal instruction) leaves pc at that
// instruction with nothing of it committed, so the kernel can resolve the
// cause and run again from the same pc, or deliver a signal.
import type { AccessKind } from './memory.js';

interface StopBase {
  /** pc where execution resumes (for a faulting instruction: its address). */
  readonly pc: bigint;
  /** Instructions retired during this `run` call. */
  readonly retired: number;
}

/** The budget of instructions was used up. */
export interface BudgetStop extends StopBase {
  readonly kind: 'budget';
}

/**
 * An ecall retired: pc is already past it (as Linux advances sepc before it
 * handles a system call). The arguments are in a0-a7; the kernel writes the
 * result to a0. To restart the call, move pc back by 4.
 */
export interface EcallStop extends StopBase {
  readonly kind: 'ecall';
}

/** ebreak / c.ebreak (Linux: SIGTRAP, pc at the instruction). */
export interface EbreakStop extends StopBase {
  readonly kind: 'ebreak';
}

/**
 * A page was not mapped or did not permit the access (Linux: resolve, or
 * SIGSEGV). `address` is the first byte of the access inside the faulting
 * page; for an instruction fetch, the instruction's (or its second half's)
 * address.
 */
export interface PageFaultStop extends StopBase {
  readonly kind: 'page-fault';
  readonly access: AccessKind;
  readonly address: bigint;
}

/** A misaligned LR, SC or AMO (Linux: SIGBUS). Ordinary loads and stores may be misaligned. */
export interface MisalignedStop extends StopBase {
  readonly kind: 'misaligned';
  readonly access: AccessKind;
  readonly address: bigint;
}

/** Bits that are not an instruction this hart implements (Linux: SIGILL). */
export interface IllegalInstructionStop extends StopBase {
  readonly kind: 'illegal-instruction';
  /** The instruction as fetched: 16 bits for a compressed one, else 32. */
  readonly bits: number;
}

export type StopReason =
  BudgetStop | EcallStop | EbreakStop | PageFaultStop | MisalignedStop | IllegalInstructionStop;
