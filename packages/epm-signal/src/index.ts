// Public surface of @krg/epm-signal. So far: the pure core of signal
// generation and delivery choice.
export { defaultAction, isStopSignal } from './default-action.js';
export { decideGeneration } from './generation.js';
export { nextSignal } from './next-signal.js';
export { kernelSigInfo, userSigInfo } from './siginfo.js';
export { SigPending } from './sigpending.js';
export {
  SIGNAL_HOOKS,
  SIGNAL_SLOT,
  dequeueSignal,
  forkSignalState,
  generateSignal,
  hasDeliverableSignal,
  newSignalState,
  setBlocked,
} from './signal-state.js';
export { SIGNAL_SYSCALLS } from './signal-syscalls.js';
export { SIGNAL_SECTION } from './signal-section.js';
export {
  RLIMITS_DEFAULT,
  RLIMIT_CORE,
  RLIMIT_NOFILE,
  RLIMIT_STACK,
  RLIM_INFINITY,
  RLIM_NLIMITS,
} from './rlimits.js';
export type { DefaultAction } from './default-action.js';
export type { GenerationDecision } from './generation.js';
export type { EnqueueResult } from './sigpending.js';
export type { Generation, SignalState } from './signal-state.js';
export type { Rlimit } from './rlimits.js';
