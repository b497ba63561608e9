// Why an instruction did not complete. Spike declares each trap once with the
// spec's fields (cause, tval); so does this file. One `Trap` object per hart is
// preallocated and thrown by whatever finds the trap (the MMU, the decoder, an
// instruction), and caught once, in the dispatcher, which turns it into a stop
// reason. Throwing unwinds the instruction before it commits anything.
import type { AccessKind } from './memory.js';

export const CAUSE_NONE = 0;
/** A page was not mapped or did not permit the access; tval is the address. */
export const CAUSE_PAGE_FAULT = 1;
/** An atomic access (LR/SC/AMO) was not naturally aligned; tval is the address. */
export const CAUSE_MISALIGNED = 2;
/** The instruction bits are not an instruction this hart implements. */
export const CAUSE_ILLEGAL_INSTRUCTION = 3;
/** ebreak / c.ebreak. */
export const CAUSE_BREAKPOINT = 4;

export class Trap extends Error {
  override readonly name = 'Trap';
  kind = CAUSE_NONE;
  access: AccessKind = 'read';
  /** Faulting address as two 32-bit halves. */
  addressLo = 0;
  addressHi = 0;
  /** Instruction bits of an illegal instruction (16 or 32 of them). */
  bits = 0;

  constructor() {
    super('hart trap (internal control flow, never escapes the dispatcher)');
  }

  memory(cause: number, access: AccessKind, addressLo: number, addressHi: number): Trap {
    this.kind = cause;
    this.access = access;
    this.addressLo = addressLo;
    this.addressHi = addressHi;
    return this;
  }

  instruction(cause: number, bits: number): Trap {
    this.kind = cause;
    this.bits = bits;
    return this;
  }
}
