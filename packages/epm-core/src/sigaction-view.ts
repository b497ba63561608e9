// How one subsystem reads another's signal actions (DESIGN.md: epm-signal
// never imports epm-sighand). epm-core defines the view; epm-sighand fills
// the slot with its sighand object; epm-signal and the kernel read it here.
import type { Sigset } from './abi/signals.js';
import { TaskSlot } from './task-slot.js';

export type Disposition = 'default' | 'ignore' | 'handler';

/** One signal's action as delivery needs it (the kernel's struct k_sigaction). */
export interface SigactionEntry {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  readonly handler: bigint;
  /** SA_* flags (asm-generic values). */
  readonly flags: number;
  /** Signals blocked while the handler runs (besides the signal itself, unless SA_NODEFER). */
  readonly mask: Sigset;
}

export interface SigactionView {
  disposition(sig: number): Disposition;
  action(sig: number): SigactionEntry;
  /**
   * Sets the action back to SIG_DFL: SA_RESETHAND after one delivery, and a
   * forced fault signal the task blocked or ignored (force_sig_info).
   */
  resetToDefault(sig: number): void;
}

export const SIGACTION_SLOT = new TaskSlot<SigactionView>('sigaction');
