// Public surface of @krg/epm-signal: signal state, generation and the
// delivery choice, the handler frame and rt_sigreturn, the signal calls and
// the ghost section.
export { readSigsetArg } from './wait-for-signal.js';
export { SIGNAL_OBJECT } from './signal-object.js';
export { defaultAction, isStopSignal } from './default-action.js';
export { decideGeneration } from './generation.js';
export { getSignal } from './delivery.js';
export { forceSigsegv, setupRtFrame, sigreturn } from './handler-frame.js';
export {
  ITIMER_PROF,
  ITIMER_REAL,
  ITIMER_SIGNAL,
  ITIMER_VIRTUAL,
  expireItimer,
  newItimers,
} from './itimers.js';
export { itimerClockNs } from './itimer-syscalls.js';
export { MINSIGSTKSZ_BYTES, SIGNALS_QUEUED_MAX } from './limits.js';
export { nextSignal } from './next-signal.js';
export { faultSigInfo, kernelSigInfo, sigInfoOf, userSigInfo } from './siginfo.js';
export { SigPending } from './sigpending.js';
export {
  SIGNAL_HOOKS,
  SIGNAL_SLOT,
  dequeueSignal,
  forceSignal,
  forkSignalState,
  generateSignal,
  hasDeliverableSignal,
  hasUnblockedSignal,
  newSignalState,
  restoreSavedMask,
  setBlocked,
} from './signal-state.js';
export { createSignalSyscalls } from './signal-syscalls.js';
export {
  NOBODY,
  applyRlimit,
  checkKillReply,
  checkPrlimitReply,
  checkSignalRequest,
  killResult,
  mayKill,
  senderOf,
  serveKill,
  servePrlimit,
} from './signal-requests.js';
export { SIGNAL_SECTION } from './signal-section.js';
export {
  RLIMITS_DEFAULT,
  RLIMIT_CORE,
  RLIMIT_NOFILE,
  RLIMIT_SIGPENDING,
  RLIMIT_STACK,
  RLIM_INFINITY,
  RLIM_NLIMITS,
} from './rlimits.js';
export type { DefaultAction } from './default-action.js';
export type { SignalVerdict } from './delivery.js';
export type { GenerationDecision } from './generation.js';
export type { SignalCpu } from './handler-frame.js';
export type { Itimer, Itimers } from './itimers.js';
export type { RealTimerPort } from './itimer-syscalls.js';
export type { EnqueueResult } from './sigpending.js';
export type { Generation, GenerationResult, SignalState } from './signal-state.js';
export type { SignalPlatform, SignalRouting } from './signal-syscalls.js';
export type {
  KillReply,
  KillRequest,
  KillTarget,
  PrlimitReply,
  PrlimitRequest,
  Sender,
  SignalNode,
  SignalRequest,
} from './signal-requests.js';
export type { Rlimit } from './rlimits.js';
