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

// The Linux signal frame and the rt_sigreturn trampoline page.
export {
  MCONTEXT_OFFSET,
  NO_ALT_STACK,
  RT_SIGFRAME_BYTES,
  SIGINFO_BYTES,
  SS_AUTODISARM,
  SS_DISABLE,
  SS_ONSTACK,
  UCONTEXT_BYTES,
  UCONTEXT_OFFSET,
  buildRtSigframe,
  isOnAltStack,
  readRtSigframe,
} from './linux/rt-sigframe.js';
export type {
  AltStack,
  BuiltSigframe,
  RestoredSigframe,
  SignalDelivery,
  SignalRegisters,
} from './linux/rt-sigframe.js';
export {
  BUS_ADRALN,
  CLD_CONTINUED,
  CLD_DUMPED,
  CLD_EXITED,
  CLD_KILLED,
  CLD_STOPPED,
  CLD_TRAPPED,
  FPE_INTDIV,
  ILL_ILLOPC,
  SEGV_ACCERR,
  SEGV_MAPERR,
  SI_KERNEL,
  SI_QUEUE,
  SI_TIMER,
  SI_TKILL,
  SI_USER,
  encodeSiginfo,
} from './linux/siginfo.js';
export type { SigInfo } from './linux/siginfo.js';
export {
  NR_RT_SIGRETURN,
  SIGRETURN_TRAMPOLINE_ADDRESS,
  SIGRETURN_TRAMPOLINE_CODE,
  sigreturnTrampolinePage,
} from './linux/sigreturn-trampoline.js';
export { SignalFrameInvalid } from './errors.js';

// hart
export { Hart, REG } from './hart.js';
export type { HartOptions } from './hart.js';
export type { HartState, Reservation } from './hart-state.js';
export type {
  StopReason,
  BudgetStop,
  EcallStop,
  EbreakStop,
  PageFaultStop,
  MisalignedStop,
  IllegalInstructionStop,
} from './stop-reason.js';

// memory
export { PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC } from './memory.js';
export type { AccessKind, GuestMemory } from './memory.js';
export { PagedMemory } from './paged-memory.js';

// limits and errors
export {
  PAGE_SHIFT_BITS,
  RUN_BUDGET_INSNS_MAX,
  BLOCK_INSNS_MAX,
  GUEST_PAGE_INDEX_LIMIT,
  PAGED_MEMORY_PAGES_MAX,
  MEMORY_COPY_BYTES_MAX,
} from './limits.js';
export {
  ArchRiscvError,
  RegisterIndexInvalid,
  BudgetInvalid,
  HartOptionInvalid,
  HartStateInvalid,
  AddressInvalid,
  PageNotMapped,
  MappingInvalid,
} from './errors.js';
export { AssertionError } from './assert.js';
