// Public surface of @krg/epm-signal. So far: the pure core of signal
// generation and delivery choice.
export { defaultAction, isStopSignal } from './default-action.js';
export { decideGeneration } from './generation.js';
export { nextSignal } from './next-signal.js';
export {
  BUS_ADRALN,
  BUS_ADRERR,
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
  SI_ASYNCIO,
  SI_KERNEL,
  SI_MESGQ,
  SI_QUEUE,
  SI_SIGIO,
  SI_TIMER,
  SI_TKILL,
  SI_USER,
  TRAP_BRKPT,
  kernelSigInfo,
  userSigInfo,
} from './siginfo.js';
export { SigPending } from './sigpending.js';
export type { DefaultAction } from './default-action.js';
export type { Disposition, GenerationDecision } from './generation.js';
export type { SigInfo } from './siginfo.js';
export type { EnqueueResult } from './sigpending.js';
