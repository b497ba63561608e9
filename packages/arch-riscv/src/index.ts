// Public surface of @krg/arch-riscv.

// ELF loading and the Linux initial stack (issue 5, loader part)
export { parseElf } from './elf/parse-elf.js';
export type { ElfImage, ElfSegment, ParseElfOptions } from './elf/parse-elf.js';
export { buildInitialStack } from './linux/initial-stack.js';
export type { InitialStack, InitialStackInput } from './linux/initial-stack.js';
export { HWCAP_RV64GC } from './linux/auxv.js';
export { ArgumentListTooLong, ElfInvalid, ElfNotSupported, InitialStackInvalid } from './errors.js';
export {
  ARG_STRING_MAX_BYTES,
  ARG_TOTAL_MAX_BYTES,
  AT_RANDOM_BYTES,
  ELF_ET_DYN_BASE,
  ELF_FILE_MAX_BYTES,
  PAGE_SIZE_BYTES,
  USER_ADDRESS_END,
  USER_ADDRESS_MIN,
} from './limits.js';

// Floating point: fcsr fields (exception flags and rounding modes).
export {
  FLAG_DZ,
  FLAG_NV,
  FLAG_NX,
  FLAG_OF,
  FLAG_UF,
  RM_DYN,
  RM_RDN,
  RM_RMM,
  RM_RNE,
  RM_RTZ,
  RM_RUP,
  effectiveRoundingMode,
  isValidRoundingMode,
} from './fp/fcsr.js';
export type { FlagSink, RoundingMode } from './fp/fcsr.js';
