// A pending-signal queue (Linux's struct sigpending): the set of pending
// signals plus the queued siginfo of each instance. A standard signal that is
// already pending is coalesced (the first instance's info is kept); every
// real-time instance is queued, in order, up to the RLIMIT_SIGPENDING budget
// the caller enforces. One queue is private to a thread, another shared by
// the thread group (in the `signal` object).
import { isRealtime, sigAdd, sigDel, sigHas, type Sigset } from '@krg/epm-core';
import { nextSignal } from './next-signal.js';
import type { SigInfo } from '@krg/arch-riscv';

export type EnqueueResult = 'queued' | 'coalesced';

export class SigPending {
  #set: Sigset = 0n;
  // In arrival order; at most one entry per standard signal.
  #queue: SigInfo[] = [];

  get set(): Sigset {
    return this.#set;
  }

  /** Queued instances (what RLIMIT_SIGPENDING counts). */
  get queued(): number {
    return this.#queue.length;
  }

  has(sig: number): boolean {
    return sigHas(this.#set, sig);
  }

  enqueue(info: SigInfo): EnqueueResult {
    if (!isRealtime(info.signo) && this.has(info.signo)) return 'coalesced';
    this.#queue.push(info);
    this.#set = sigAdd(this.#set, info.signo);
    return 'queued';
  }

  /** Takes the next deliverable signal's first instance, or undefined. */
  dequeue(blocked: Sigset): SigInfo | undefined {
    const sig = nextSignal(this.#set, blocked);
    return sig === 0 ? undefined : this.take(sig);
  }

  /** Takes the first instance of `sig` (sigtimedwait picks a given one). */
  take(sig: number): SigInfo | undefined {
    const i = this.#queue.findIndex((q) => q.signo === sig);
    if (i < 0) return undefined;
    const [info] = this.#queue.splice(i, 1);
    if (!this.#queue.some((q) => q.signo === sig)) this.#set = sigDel(this.#set, sig);
    return info;
  }

  /** Discards every instance of the signals in `set` (SIGCONT flushing stops, SIG_IGN). */
  flush(set: Sigset): void {
    if ((this.#set & set) === 0n) return;
    this.#queue = this.#queue.filter((q) => !sigHas(set, q.signo));
    this.#set &= ~set;
  }

  /** The queue as a plain value, for a ghost section. */
  toImage(): SigInfo[] {
    return [...this.#queue];
  }

  /** Rebuilds a queue from an image whose entries the caller has validated. */
  static fromImage(entries: readonly SigInfo[]): SigPending {
    const pending = new SigPending();
    for (const info of entries) pending.enqueue(info);
    return pending;
  }
}
