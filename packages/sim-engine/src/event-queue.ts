// The pending-event set: a binary min-heap ordered by (time, insertion
// sequence). The sequence number makes the order total, so two events at the
// same instant always fire in the order they were scheduled, run after run.
//
// Cancellation is lazy (the event is marked and skipped when it reaches the
// top) so cancel is O(1); when cancelled entries outnumber live ones the heap
// is rebuilt, which keeps memory bounded by twice the live events.
import { assert } from './assert.js';

/**
 * One pending event. It doubles as the `Timer` handle returned to callers;
 * entries of events nobody holds a handle to (`post`) are recycled by the
 * engine, which is why the fields are writable.
 */
export class QueuedEvent {
  /** Null once the event was cancelled or has fired. */
  callback: ((arg: never) => void) | null;
  /** What the callback is called with. */
  arg: unknown = undefined;
  /** True for an entry the engine recycles after it fires (no handle was given out). */
  isPooled = false;
  constructor(
    public timeNs: number,
    public seq: number,
    callback: (arg: never) => void,
    /** Opaque owner tag the engine uses (the scope that scheduled it). */
    public owner: unknown,
    private readonly queue: EventQueue,
  ) {
    this.callback = callback;
  }

  /** True until the event fires or is cancelled. */
  get isPending(): boolean {
    return this.callback !== null;
  }

  /** Cancels the event; returns false if it already fired or was cancelled. */
  cancel(): boolean {
    return this.queue.cancel(this);
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.timeNs < b.timeNs || (a.timeNs === b.timeNs && a.seq < b.seq);
}

function siftDown(heap: QueuedEvent[], start: number): void {
  const n = heap.length;
  const item = heap[start]!;
  let i = start;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    let c = l;
    if (l + 1 < n && before(heap[l + 1]!, heap[l]!)) c = l + 1;
    if (!before(heap[c]!, item)) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = item;
}

export class EventQueue {
  private heap: QueuedEvent[] = [];
  private cancelled = 0;
  /** Heap rebuilds so far (observability for tests). */
  compactions = 0;

  /** `compactAfter`: cancelled entries tolerated before a rebuild is considered (tests lower it). */
  constructor(private readonly compactAfter = 1024) {}

  /** Entries in the heap, live or cancelled-but-not-yet-removed. */
  get size(): number {
    return this.heap.length;
  }

  /** Live (not cancelled) events. */
  get liveCount(): number {
    return this.heap.length - this.cancelled;
  }

  push(event: QueuedEvent): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  /** Removes and returns the earliest live event, or undefined when none is left. */
  pop(): QueuedEvent | undefined {
    for (;;) {
      const top = this.popAny();
      if (top === undefined) return undefined;
      if (top.callback !== null) return top;
      this.cancelled--;
    }
  }

  /** The earliest live event without removing it. */
  peek(): QueuedEvent | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.callback !== null) return top;
      this.popAny();
      this.cancelled--;
    }
  }

  /** Marks an event cancelled; returns false if it already fired or was cancelled. */
  cancel(event: QueuedEvent): boolean {
    if (event.callback === null) return false;
    event.callback = null;
    this.cancelled++;
    if (this.cancelled > this.compactAfter && this.cancelled * 2 > this.heap.length) this.compact();
    return true;
  }

  /** Cancels every event whose owner is `owner` (a killed scope); returns how many. */
  cancelOwnedBy(owner: unknown): number {
    let n = 0;
    for (const e of this.heap) {
      if (e.owner === owner && e.callback !== null) {
        e.callback = null;
        this.cancelled++;
        n++;
      }
    }
    if (this.cancelled * 2 > this.heap.length) this.compact();
    return n;
  }

  private popAny(): QueuedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let child = heap[l]!;
        if (r < n) {
          const rc = heap[r]!;
          if (before(rc, child)) {
            c = r;
            child = rc;
          }
        }
        if (!before(child, last)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  private compact(): void {
    const live = this.heap.filter((e) => e.callback !== null);
    // Floyd's bottom-up heap construction: O(n), cheaper than sorting.
    for (let i = (live.length >> 1) - 1; i >= 0; i--) siftDown(live, i);
    this.heap = live;
    this.cancelled = 0;
    this.compactions++;
    assert(this.liveCount === live.length, 'compaction keeps every live event');
  }
}
