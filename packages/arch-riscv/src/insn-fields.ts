// Operand fields of a 32-bit instruction, named as the spec (and Spike's
// decode.h insn_t) names them. Immediates come back sign-extended to int32.

export const rd = (bits: number): number => (bits >>> 7) & 31;
export const rs1 = (bits: number): number => (bits >>> 15) & 31;
export const rs2 = (bits: number): number => (bits >>> 20) & 31;
export const rs3 = (bits: number): number => (bits >>> 27) & 31;
export const rm = (bits: number): number => (bits >>> 12) & 7;
export const csr = (bits: number): number => bits >>> 20;
/** The 5-bit unsigned immediate of csrr*i (in the rs1 field). */
export const zimm = (bits: number): number => (bits >>> 15) & 31;
/** Shift amount of RV64 slli/srli/srai (6 bits; the W forms decode a 0 in bit 25). */
export const shamt = (bits: number): number => (bits >>> 20) & 63;

export const iImm = (bits: number): number => bits >> 20;

export const sImm = (bits: number): number => ((bits >> 25) << 5) | ((bits >>> 7) & 31);

export const sbImm = (bits: number): number =>
  ((bits >> 31) << 12) |
  (((bits >>> 7) & 1) << 11) |
  (((bits >>> 25) & 63) << 5) |
  (((bits >>> 8) & 15) << 1);

export const uImm = (bits: number): number => bits & ~0xfff;

export const ujImm = (bits: number): number =>
  ((bits >> 31) << 20) |
  (((bits >>> 12) & 255) << 12) |
  (((bits >>> 20) & 1) << 11) |
  (((bits >>> 21) & 1023) << 1);
