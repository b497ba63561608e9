// Public surface of @krg/epm-signal. So far: the pure core of signal
// generation and delivery choice.
export { defaultAction, isStopSignal } from './default-action.js';
export { decideGeneration } from './generation.js';
export { nextSignal } from './next-signal.js';
export { kernelSigInfo, userSigInfo } from './siginfo.js';
export { SigPending } from './sigpending.js';
export type { DefaultAction } from './default-action.js';
export type { Disposition, GenerationDecision } from './generation.js';
export type { EnqueueResult } from './sigpending.js';
