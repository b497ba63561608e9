// The one door through which host operations (disk I/O of file ghosts, host
// stdin) enter a simulated run. Host I/O completes in wall-clock order, which
// differs run to run; the gate hides that order. While any operation is in
// flight the engine dispatches nothing, so no simulated instant passes; when
// all are done, each one's result is handed back as an ordinary engine event
// at (issue instant + its simulated cost), in issue order. Wall-clock speed
// of the host can then change how long a run takes, never what it does.
import { LimitExceeded } from './errors.js';
import { MAX_PENDING_HOST_OPS } from './limits.js';

export interface HostOpEntry {
  /** Settles when the host operation finished, with the outcome recorded below. */
  readonly finished: Promise<void>;
  isOk: boolean;
  value: unknown;
  error: unknown;
  /** Delivers the outcome to simulated code (schedules the completion event). */
  readonly complete: (entry: HostOpEntry) => void;
}

export class HostGate {
  private pending: HostOpEntry[] = [];

  get inFlight(): number {
    return this.pending.length;
  }

  /** Starts `op` on the host now; `complete` runs once the engine settles the gate. */
  issue(op: () => Promise<unknown>, complete: (entry: HostOpEntry) => void): void {
    if (this.pending.length >= MAX_PENDING_HOST_OPS) {
      throw new LimitExceeded('MAX_PENDING_HOST_OPS', MAX_PENDING_HOST_OPS);
    }
    const entry: HostOpEntry = {
      finished: Promise.resolve(),
      isOk: false,
      value: undefined,
      error: undefined,
      complete,
    };
    // Through `then` so that an `op` that throws synchronously is a rejection too.
    const started = Promise.resolve().then(op);
    (entry as { finished: Promise<void> }).finished = started.then(
      (value) => {
        entry.isOk = true;
        entry.value = value;
      },
      (error: unknown) => {
        entry.isOk = false;
        entry.error = error;
      },
    );
    this.pending.push(entry);
  }

  /**
   * Waits (in wall-clock time) for every operation in flight, then completes
   * them in issue order. Only the engine loop calls this, between events.
   */
  async settle(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await Promise.all(batch.map((e) => e.finished));
      for (const entry of batch) entry.complete(entry);
    }
  }
}
