// The discrete-event engine.
//
// How awaits stay deterministic: JavaScript resumes an awaiting async function
// in a microtask, not when our event fires. So after an event that settled an
// engine promise (a sleep ended, a deferred was resolved, a task started, a
// host operation completed) the loop waits until the microtask queue is
// empty — every chain that event started has run to completion or is blocked
// on a later event — before it dispatches the next event. Events that settle
// nothing (plain timer callbacks) run back to back with no wait at all, which
// is what makes timer-heavy runs fast. The microtask queue is FIFO and
// deterministic, so what happens inside one settle is the same run after run;
// the only host-ordered input, host I/O, enters through the `HostGate`.
import { assert } from './assert.js';
import type { Deferred, Engine, RunOptions, RunResult, Scope, Task, Timer } from './engine.js';
import { EngineBusy, InvalidArgument, LimitExceeded, TaskFailed } from './errors.js';
import { EventQueue, QueuedEvent } from './event-queue.js';
import { HostGate, type HostOpEntry } from './host-gate.js';
import { MAX_NAME_LENGTH, MAX_PENDING_EVENTS, MAX_SIM_TIME_NS } from './limits.js';
import { Rng } from './rng.js';
import { checkTimeNs, type SimTimeNs } from './time.js';
import { TraceHash } from './trace-hash.js';

export interface SimEngineOptions {
  /** Seed of the engine's PRNG (a safe integer >= 0). */
  seed: number;
}

function checkName(what: string, name: string): void {
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH) {
    throw new InvalidArgument(what, `a string of at most ${MAX_NAME_LENGTH} characters`, name);
  }
}

/**
 * Resolves once the microtask queue is empty. Node drains the whole V8
 * microtask queue (including microtasks queued while draining) before it
 * runs the next `process.nextTick` callback; a tick queued from inside a
 * microtask therefore fires exactly when every pending chain has settled.
 * It is ~3x cheaper than a `setImmediate` turn (no trip through the I/O
 * poll), and it does not let host I/O callbacks interleave with a run.
 */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => queueMicrotask(() => process.nextTick(resolve)));
}

/**
 * The same, for code that already runs inside a microtask (the engine loop
 * after its first `await`): the tick can be queued directly, one hop fewer.
 */
function settleMicrotasksFromMicrotask(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

/** The state shared by the engine and all its scopes. */
class Core {
  nowNs = 0;
  seq = 0;
  taskIds = 0;
  dispatched = 0;
  /** Set when an event settled an engine promise: the loop must let microtasks run. */
  isSettleNeeded = false;
  failure: TaskFailed | null = null;
  readonly queue = new EventQueue();
  readonly gate = new HostGate();
  readonly trace = new TraceHash();

  fail(error: TaskFailed): void {
    if (this.failure === null) this.failure = error;
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}

class EngineDeferred<T> implements Deferred<T> {
  readonly promise: Promise<T>;
  private resolveFn!: (value: T) => void;
  private rejectFn!: (reason: unknown) => void;
  private settled = false;

  constructor(
    private readonly core: Core,
    private readonly scope: ScopeImpl,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  get isSettled(): boolean {
    return this.settled;
  }

  resolve(value: T): boolean {
    if (this.settled || !this.scope.isAlive) return false;
    this.settled = true;
    this.core.isSettleNeeded = true;
    this.resolveFn(value);
    return true;
  }

  reject(reason: unknown): boolean {
    if (this.settled || !this.scope.isAlive) return false;
    this.settled = true;
    this.core.isSettleNeeded = true;
    this.rejectFn(reason);
    return true;
  }
}

class TaskImpl<T> implements Task<T> {
  isFinished = false;
  private outcome: { isOk: boolean; value: unknown } | null = null;
  // Created only when someone asks for `done`: most tasks (RPC handlers) are
  // never joined, and two promises per task add up on hot paths.
  private deferred: EngineDeferred<T> | null = null;

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly core: Core,
    private readonly scope: ScopeImpl,
  ) {}

  get done(): Promise<T> {
    if (this.deferred === null) {
      this.deferred = new EngineDeferred<T>(this.core, this.scope);
      // The engine reports a failed task itself; no unhandled-rejection noise.
      this.deferred.promise.catch(() => undefined);
      if (this.outcome !== null) this.settle();
    }
    return this.deferred.promise;
  }

  finish(isOk: boolean, value: unknown): void {
    this.isFinished = true;
    this.outcome = { isOk, value };
    if (this.deferred !== null) this.settle();
  }

  private settle(): void {
    const { isOk, value } = this.outcome!;
    if (isOk) this.deferred!.resolve(value as T);
    else this.deferred!.reject(value);
  }
}

class ScopeImpl implements Scope {
  private alive = true;

  constructor(
    private readonly core: Core,
    readonly name: string,
    private readonly isRoot: boolean,
  ) {}

  get isAlive(): boolean {
    return this.alive;
  }

  get nowNs(): SimTimeNs {
    return this.core.nowNs;
  }

  kill(): void {
    assert(!this.isRoot, 'the root scope never dies');
    if (!this.alive) return;
    this.alive = false;
    this.core.queue.cancelOwnedBy(this);
  }

  schedule(delayNs: SimTimeNs, callback: () => void): Timer {
    const core = this.core;
    const atNs = core.nowNs + delayNs;
    if (!(delayNs >= 0) || !Number.isSafeInteger(atNs) || atNs > MAX_SIM_TIME_NS) {
      checkTimeNs('schedule delayNs', delayNs);
      checkTimeNs('schedule instant (nowNs + delayNs)', atNs);
    }
    if (core.queue.size >= MAX_PENDING_EVENTS) {
      throw new LimitExceeded('MAX_PENDING_EVENTS', MAX_PENDING_EVENTS);
    }
    const event = new QueuedEvent(atNs, core.seq++, callback, this, core.queue);
    // A dead scope's timers never fire; hand back an already-cancelled timer.
    if (!this.alive) event.callback = null;
    else core.queue.push(event);
    return event;
  }

  sleep(delayNs: SimTimeNs): Promise<void> {
    const d = new EngineDeferred<void>(this.core, this);
    this.schedule(delayNs, () => d.resolve());
    return d.promise;
  }

  defer<T>(): Deferred<T> {
    return new EngineDeferred<T>(this.core, this);
  }

  spawn<T>(name: string, body: () => Promise<T>): Task<T> {
    checkName('spawn name', name);
    const core = this.core;
    const task = new TaskImpl<T>(++core.taskIds, name, core, this);
    this.schedule(0, () => {
      core.isSettleNeeded = true;
      let result: Promise<T>;
      try {
        result = body();
      } catch (error) {
        // A body that throws synchronously fails like one that rejects, with
        // whatever it threw (the reason is passed on unchanged, Error or not).
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        result = Promise.reject(error);
      }
      result.then(
        (value) => task.finish(true, value),
        (error: unknown) => {
          if (!this.alive) return;
          task.finish(false, error);
          core.fail(new TaskFailed(name, error));
        },
      );
    });
    return task;
  }

  hostOp<T>(op: () => Promise<T>, costNs: SimTimeNs | ((value: T) => SimTimeNs)): Promise<T> {
    if (typeof costNs === 'number') checkTimeNs('hostOp costNs', costNs);
    const d = new EngineDeferred<T>(this.core, this);
    // A dead node touches no disk: the operation is not even started.
    if (!this.alive) return d.promise;
    this.core.gate.issue(op, (entry: HostOpEntry) => {
      let cost = 0;
      if (entry.isOk) {
        cost =
          typeof costNs === 'number'
            ? costNs
            : checkTimeNs('hostOp costNs()', costNs(entry.value as T));
      } else if (typeof costNs === 'number') {
        cost = costNs;
      }
      this.schedule(cost, () => {
        if (entry.isOk) d.resolve(entry.value as T);
        else d.reject(entry.error);
      });
    });
    return d.promise;
  }
}

/** The simulated engine. See `Engine` for the contract. */
export class SimEngine implements Engine {
  readonly rng: Rng;
  private readonly core = new Core();
  private readonly root: ScopeImpl;
  private isRunning = false;
  private isStopRequested = false;

  constructor(options: SimEngineOptions) {
    this.rng = new Rng(options.seed);
    this.root = new ScopeImpl(this.core, 'root', true);
  }

  get nowNs(): SimTimeNs {
    return this.core.nowNs;
  }

  get traceHash(): string {
    return this.core.trace.digest();
  }

  get eventsDispatched(): number {
    return this.core.dispatched;
  }

  /** Live events waiting in the queue. */
  get pendingEvents(): number {
    return this.core.queue.liveCount;
  }

  schedule(delayNs: SimTimeNs, callback: () => void): Timer {
    return this.root.schedule(delayNs, callback);
  }

  sleep(delayNs: SimTimeNs): Promise<void> {
    return this.root.sleep(delayNs);
  }

  defer<T>(): Deferred<T> {
    return this.root.defer<T>();
  }

  spawn<T>(name: string, body: () => Promise<T>): Task<T> {
    return this.root.spawn(name, body);
  }

  hostOp<T>(op: () => Promise<T>, costNs: SimTimeNs | ((value: T) => SimTimeNs)): Promise<T> {
    return this.root.hostOp(op, costNs);
  }

  createScope(name: string): Scope {
    checkName('scope name', name);
    return new ScopeImpl(this.core, name, false);
  }

  trace(value: number): void {
    this.core.trace.mix(value);
  }

  stop(): void {
    this.isStopRequested = true;
  }

  async run(options: RunOptions = {}): Promise<RunResult> {
    if (this.isRunning) throw new EngineBusy();
    const untilNs =
      options.untilNs === undefined ? MAX_SIM_TIME_NS : checkTimeNs('run untilNs', options.untilNs);
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    if (!(maxEvents >= 0)) throw new InvalidArgument('run maxEvents', 'a number >= 0', maxEvents);
    const core = this.core;
    core.throwIfFailed();
    this.isRunning = true;
    this.isStopRequested = false;
    let events = 0;
    let reason: RunResult['reason'] = 'idle';
    try {
      // Work that happened before run() (spawns, resolves) may have queued microtasks.
      await settleMicrotasks();
      for (;;) {
        core.throwIfFailed();
        if (core.gate.inFlight > 0) {
          await core.gate.settle();
          continue;
        }
        if (this.isStopRequested) {
          reason = 'stopped';
          break;
        }
        if (events >= maxEvents) {
          reason = 'max-events';
          break;
        }
        const next = core.queue.peek();
        if (next === undefined) {
          reason = 'idle';
          break;
        }
        if (next.timeNs > untilNs) {
          reason = 'until';
          break;
        }
        const event = core.queue.pop()!;
        const callback = event.callback!;
        event.callback = null;
        assert(event.timeNs >= core.nowNs, 'simulated time never goes back');
        core.nowNs = event.timeNs;
        core.trace.mix(event.timeNs);
        core.trace.mix(event.seq);
        core.dispatched++;
        events++;
        try {
          callback();
        } catch (error) {
          core.fail(new TaskFailed('event callback', error));
        }
        if (core.isSettleNeeded) {
          core.isSettleNeeded = false;
          // The loop body always runs as the continuation of an earlier
          // await (run() awaits once before the loop), i.e. in a microtask.
          await settleMicrotasksFromMicrotask();
        }
      }
      if (options.untilNs !== undefined && reason !== 'stopped' && reason !== 'max-events') {
        core.nowNs = Math.max(core.nowNs, untilNs);
      }
      return { reason, events, nowNs: core.nowNs };
    } finally {
      this.isRunning = false;
    }
  }
}
