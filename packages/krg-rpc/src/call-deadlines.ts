// The deadlines of one node's pending calls, on one engine timer.
//
// Every call has a deadline, but almost every call ends long before it: a
// timer per call meant an engine event to schedule and one to cancel per
// call, and a heap full of cancelled far-future entries. Here the pending
// calls wait in a list ordered by deadline (calls with the default timeout
// arrive in deadline order, so adding is an append) and one timer is armed
// for the earliest deadline. A call that ends is only marked; the list drops
// ended entries when it reaches them or when they outnumber the live ones.
import type { Scheduler, Timer } from '@krg/sim-engine';
import { assert } from './assert.js';

/** What the list needs of a call. */
export interface DeadlineEntry {
  readonly deadlineNs: number;
  /** Set by the owner when the call ended (answered, failed); the list then ignores it. */
  readonly isEnded: boolean;
}

/** Ended entries tolerated in the list before it is compacted (at least this many, and half). */
const COMPACT_AFTER_ENDED = 64;

export class CallDeadlines<E extends DeadlineEntry> {
  private entries: E[] = [];
  private head = 0;
  private ended = 0;
  private timer: Timer | null = null;
  private timerAtNs = 0;
  private readonly fire = (): void => this.expire();

  constructor(
    private readonly scope: Scheduler,
    /**
     * Called at its deadline for each entry not ended by then, in deadline
     * order. It ends the entry (without `noteEnded`: the list already let go of it).
     */
    private readonly onExpired: (entry: E) => void,
  ) {}

  /** Entries in the list, ended or not (observability for tests). */
  get size(): number {
    return this.entries.length - this.head;
  }

  add(entry: E): void {
    assert(!entry.isEnded, 'a call enters the deadline list while pending');
    const list = this.entries;
    const last = list[list.length - 1];
    if (list.length === this.head || last!.deadlineNs <= entry.deadlineNs) {
      list.push(entry);
    } else {
      // A shorter timeout than calls already waiting: insert after every
      // entry with a deadline <= this one, so equal deadlines stay in call order.
      let lo = this.head;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.deadlineNs <= entry.deadlineNs) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, entry);
    }
    if (this.timer === null || entry.deadlineNs < this.timerAtNs) {
      this.timer?.cancel();
      this.arm(entry.deadlineNs);
    }
  }

  /** The owner ended an entry it added, before its deadline. Compacts when ended entries dominate. */
  noteEnded(): void {
    this.ended++;
    const size = this.entries.length - this.head;
    if (this.ended === size) {
      // Nothing left to time out: no timer either (an idle node keeps no event pending).
      this.timer?.cancel();
      this.timer = null;
      this.entries.length = 0;
      this.head = 0;
      this.ended = 0;
      return;
    }
    if (this.ended > COMPACT_AFTER_ENDED && this.ended * 2 > size) {
      // In place: keep the pending entries, in order.
      const list = this.entries;
      let n = 0;
      for (let i = this.head; i < list.length; i++) if (!list[i]!.isEnded) list[n++] = list[i]!;
      list.length = n;
      this.head = 0;
      this.ended = 0;
    }
  }

  private expire(): void {
    this.timer = null;
    const nowNs = this.scope.nowNs;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      if (entry.isEnded) this.ended--;
      else if (entry.deadlineNs > nowNs) break;
      this.head++;
      if (!entry.isEnded) {
        this.onExpired(entry);
        assert(entry.isEnded, 'an expired call is ended by its owner');
      }
    }
    if (this.head === this.entries.length) {
      this.entries.length = 0;
      this.head = 0;
      this.ended = 0;
      return;
    }
    if (this.head > COMPACT_AFTER_ENDED && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.arm(this.entries[this.head]!.deadlineNs);
  }

  private arm(atNs: number): void {
    this.timerAtNs = atNs;
    this.timer = this.scope.schedule(Math.max(0, atNs - this.scope.nowNs), this.fire);
  }
}
