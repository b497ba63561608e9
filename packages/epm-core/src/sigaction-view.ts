// How one subsystem reads another's signal actions (DESIGN.md: epm-signal
// never imports epm-sighand). epm-core defines the view; epm-sighand fills
// the slot with its sighand object; epm-signal and the kernel read it here.
import { TaskSlot } from './task-slot.js';

export type Disposition = 'default' | 'ignore' | 'handler';

export interface SigactionView {
  disposition(sig: number): Disposition;
}

export const SIGACTION_SLOT = new TaskSlot<SigactionView>('sigaction');
