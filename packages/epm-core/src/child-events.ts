// The wait queue of a task's children's changes: woken whenever a child
// exits, stops or continues; wait4 and waitid sleep on it.
import { TaskSlot } from './task-slot.js';
import type { WaitQueue } from './wait-queue.js';

export const CHILD_EVENTS_SLOT = new TaskSlot<WaitQueue>('child-events');
