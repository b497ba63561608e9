// A wait queue: processes blocked on a kernel object register a wake-up and
// the object wakes them all when its state changes (Linux's wait_queue_head
// with wake_up_all). Wake-ups are callbacks so the scheduler decides how a
// woken process is resumed (on the engine, in simulated time); waking never
// runs a process directly. Order is registration order: deterministic.

export class WaitQueue {
  #waiters: (() => void)[] = [];

  get size(): number {
    return this.#waiters.length;
  }

  /** Registers a wake-up; the returned function cancels it (a signal, a timeout). */
  add(wake: () => void): () => void {
    this.#waiters.push(wake);
    return () => {
      const i = this.#waiters.indexOf(wake);
      if (i >= 0) this.#waiters.splice(i, 1);
    };
  }

  /** Wakes every waiter once, in registration order, and empties the queue. */
  wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
