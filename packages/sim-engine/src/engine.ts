// The engine interface every krg layer programs against. The simulated engine
// (`SimEngine`) implements it on a discrete-event queue; a wall-clock engine
// for real mode can implement the same surface later (timers on the host
// clock, host operations run directly), so callers never name the engine
// class, only these types.
import type { Rng } from './rng.js';
import type { SimTimeNs } from './time.js';

/** A scheduled callback that can be cancelled until it fires. */
export interface Timer {
  /** True until the timer fires or is cancelled. */
  readonly isPending: boolean;
  /** Cancels the timer; returns false if it had already fired or was cancelled. */
  cancel(): boolean;
}

/**
 * A promise that simulated code awaits and an engine event (or another task)
 * settles. Settling one through the engine is what tells the engine that a
 * continuation must run before the next event; see `Scheduler.defer`.
 */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  /** True once resolved or rejected. */
  readonly isSettled: boolean;
  /** Resolves; returns false (and does nothing) if already settled or its scope is dead. */
  resolve(value: T): boolean;
  /** Rejects; returns false (and does nothing) if already settled or its scope is dead. */
  reject(reason: unknown): boolean;
}

/** A simulated activity: an async function run on the engine. */
export interface Task<T> {
  readonly id: number;
  readonly name: string;
  /** Settles with the body's result. A body that throws stops the run (`TaskFailed`). */
  readonly done: Promise<T>;
  readonly isFinished: boolean;
}

/**
 * What simulated code uses to wait and to schedule. Every await of simulated
 * code must end on one of these primitives (or on a promise settled by code
 * that itself runs inside a task): that is what keeps promise scheduling
 * from leaking host order into a run.
 */
export interface Scheduler {
  /** The current simulated instant. */
  readonly nowNs: SimTimeNs;
  /** Runs `callback` at `nowNs + delayNs`, after events already scheduled for that instant. */
  schedule(delayNs: SimTimeNs, callback: () => void): Timer;
  /**
   * Runs `callback(arg)` at `nowNs + delayNs`, ordered exactly like
   * `schedule`, but gives no handle back: the event cannot be cancelled
   * (except by killing its scope), so the engine recycles its queue entry,
   * and a shared callback with an argument needs no closure per event. For
   * high-volume one-shot events such as packet deliveries.
   */
  post<A>(delayNs: SimTimeNs, callback: (arg: A) => void, arg: A): void;
  /** Resolves at `nowNs + delayNs`. */
  sleep(delayNs: SimTimeNs): Promise<void>;
  /** A promise to be settled later by an event callback or another task. */
  defer<T>(): Deferred<T>;
  /** Starts `body` as a task at the current instant (after events already due now). */
  spawn<T>(name: string, body: () => Promise<T>): Task<T>;
  /**
   * Starts `body` as a task right now, inside the current event: its
   * synchronous part runs before `spawnNow` returns, its continuations before
   * the engine dispatches the next event. For code that reacts to an event
   * by starting an activity (an RPC handler for a delivered request) and
   * would otherwise pay for a second event with `spawn`.
   */
  spawnNow<T>(name: string, body: () => Promise<T>): Task<T>;
  /**
   * The gate for host operations (disk I/O, stdin). `op` runs on the host;
   * the engine dispatches nothing further until it completes, then settles
   * the returned promise at `issue instant + costNs(result)` of simulated
   * time. `op` itself must not touch the engine.
   */
  hostOp<T>(op: () => Promise<T>, costNs: SimTimeNs | ((value: T) => SimTimeNs)): Promise<T>;
}

/**
 * A group of timers, deferreds and tasks that dies together: a node.
 * After `kill()`, nothing created through the scope ever fires or resumes
 * again; suspended tasks are simply abandoned (as a crashed machine's code is).
 */
export interface Scope extends Scheduler {
  readonly name: string;
  readonly isAlive: boolean;
  kill(): void;
}

export interface RunOptions {
  /** Dispatch events up to and including this instant, then set the clock to it. */
  untilNs?: SimTimeNs;
  /** Stop after this many events. */
  maxEvents?: number;
}

export interface RunResult {
  /** Why the run returned: no events left, the `untilNs` bound, `maxEvents`, or `stop()`. */
  reason: 'idle' | 'until' | 'max-events' | 'stopped';
  /** Events dispatched by this call of `run`. */
  events: number;
  nowNs: SimTimeNs;
}

/** The engine: the root scheduler (never dies), scopes, randomness, the trace and the loop. */
export interface Engine extends Scheduler {
  /** The engine's seeded PRNG. Fork it per subsystem (`rng.fork(label)`). */
  readonly rng: Rng;
  /** A new scope, alive until killed. */
  createScope(name: string): Scope;
  /** Mixes a value that matters to the run (message id, size) into the trace hash. */
  trace(value: number): void;
  /** Hash of every dispatched event and traced value so far (16 hex digits). */
  readonly traceHash: string;
  /** Events dispatched since the engine was created. */
  readonly eventsDispatched: number;
  /** Dispatches events until idle or a bound; rejects with `TaskFailed` if simulated code threw. */
  run(options?: RunOptions): Promise<RunResult>;
  /** Makes a running `run()` return after the current event. */
  stop(): void;
}
