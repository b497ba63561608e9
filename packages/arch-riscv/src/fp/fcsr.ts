// The RISC-V floating-point control and status register, as the F chapter of
// the unprivileged ISA defines it: fflags (bits 4..0, the accrued exception
// flags) and frm (bits 7..5, the dynamic rounding mode).

/** Invalid operation. */
export const FLAG_NV = 0x10;
/** Divide by zero. */
export const FLAG_DZ = 0x08;
/** Overflow. */
export const FLAG_OF = 0x04;
/** Underflow (RISC-V detects tininess after rounding). */
export const FLAG_UF = 0x02;
/** Inexact. */
export const FLAG_NX = 0x01;

/** Round to nearest, ties to even. */
export const RM_RNE = 0;
/** Round towards zero. */
export const RM_RTZ = 1;
/** Round down (towards −∞). */
export const RM_RDN = 2;
/** Round up (towards +∞). */
export const RM_RUP = 3;
/** Round to nearest, ties to max magnitude. */
export const RM_RMM = 4;
/** The rm field value that selects the dynamic mode held in frm. */
export const RM_DYN = 7;

/** A rounding mode an operation can use (RNE..RMM). */
export type RoundingMode = 0 | 1 | 2 | 3 | 4;

/** True when `rm` names a rounding mode (0..4): 5 and 6 are reserved and 7 means "dynamic". */
export function isValidRoundingMode(rm: number): rm is RoundingMode {
  return rm >= 0 && rm <= 4;
}

/**
 * Resolves an instruction's rm field against frm. Returns −1 when the result
 * is reserved (rm 5 or 6, or rm = DYN with frm ≥ 5): the instruction is then
 * illegal.
 */
export function effectiveRoundingMode(rmField: number, frm: number): number {
  if (rmField === RM_DYN) return frm <= 4 ? frm : -1;
  return rmField <= 4 ? rmField : -1;
}

/** Where an operation accrues its exception flags (the hart's fflags field). */
export interface FlagSink {
  fflags: number;
}
