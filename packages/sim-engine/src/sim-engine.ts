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
import {
  MAX_NAME_LENGTH,
  MAX_PENDING_EVENTS,
  MAX_RECYCLED_EVENTS,
  MAX_SIM_TIME_NS,
} from './limits.js';
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
 * Queues `fn` as a microtask. Node's `queueMicrotask` wraps every callback in
 * an async resource (an allocation and a bind per call); a reaction on a
 * settled promise is the cheap way.
 */
const SETTLED = Promise.resolve();
function queueMicrotaskCheaply(fn: () => void): void {
  void SETTLED.then(fn);
}

/** The bounds and outcome of the `run` in progress. */
interface ActiveRun {
  readonly untilNs: SimTimeNs;
  readonly hasUntil: boolean;
  readonly maxEvents: number;
  events: number;
  readonly resolve: (result: RunResult) => void;
  readonly reject: (error: unknown) => void;
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
  /** Fired `post` entries ready for reuse (at most MAX_RECYCLED_EVENTS). */
  readonly recycled: QueuedEvent[] = [];

  /** Takes a queue entry for a `post`: a recycled one if any. */
  postEntry(
    atNs: number,
    callback: (arg: never) => void,
    arg: unknown,
    owner: unknown,
  ): QueuedEvent {
    let event = this.recycled.pop();
    if (event === undefined) {
      event = new QueuedEvent(atNs, this.seq++, callback, owner, this.queue);
      event.isPooled = true;
    } else {
      event.timeNs = atNs;
      event.seq = this.seq++;
      event.callback = callback;
      event.owner = owner;
    }
    event.arg = arg;
    return event;
  }

  fail(error: TaskFailed): void {
    if (this.failure === null) this.failure = error;
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}

// The deferred being constructed: one shared executor captures the resolving
// functions without a closure per deferred (deferreds are made per call).
let constructing: EngineDeferred<never> | null = null;
function captureResolvers(
  resolve: (value: never) => void,
  reject: (reason: unknown) => void,
): void {
  constructing!.resolveFn = resolve;
  constructing!.rejectFn = reject;
}

class EngineDeferred<T> implements Deferred<T> {
  readonly promise: Promise<T>;
  resolveFn!: (value: T) => void;
  rejectFn!: (reason: unknown) => void;
  private settled = false;

  constructor(
    private readonly core: Core,
    private readonly scope: ScopeImpl,
  ) {
    constructing = this as unknown as EngineDeferred<never>;
    this.promise = new Promise<T>(captureResolvers);
    constructing = null;
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

function resolveSleep(d: EngineDeferred<void>): void {
  d.resolve();
}

class TaskImpl<T> implements Task<T> {
  isFinished = false;
  private isOk = false;
  private value: unknown = undefined;
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
      if (this.isFinished) this.settle();
    }
    return this.deferred.promise;
  }

  finish(isOk: boolean, value: unknown): void {
    this.isFinished = true;
    this.isOk = isOk;
    this.value = value;
    if (this.deferred !== null) this.settle();
  }

  private settle(): void {
    if (this.isOk) this.deferred!.resolve(this.value as T);
    else this.deferred!.reject(this.value);
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
    const atNs = this.checkedInstant('schedule', delayNs);
    const event = new QueuedEvent(atNs, core.seq++, callback, this, core.queue);
    // A dead scope's timers never fire; hand back an already-cancelled timer.
    if (!this.alive) event.callback = null;
    else core.queue.push(event);
    return event;
  }

  post<A>(delayNs: SimTimeNs, callback: (arg: A) => void, arg: A): void {
    const atNs = this.checkedInstant('post', delayNs);
    // A dead scope's events never fire. The sequence number is drawn either
    // way, as `schedule` does, so a run's numbering does not depend on it.
    if (!this.alive) {
      this.core.seq++;
      return;
    }
    this.core.queue.push(this.core.postEntry(atNs, callback, arg, this));
  }

  /** `nowNs + delayNs`, checked, with room for one more event. */
  private checkedInstant(what: string, delayNs: SimTimeNs): number {
    const core = this.core;
    const atNs = core.nowNs + delayNs;
    if (!(delayNs >= 0) || !Number.isSafeInteger(atNs) || atNs > MAX_SIM_TIME_NS) {
      checkTimeNs(`${what} delayNs`, delayNs);
      checkTimeNs(`${what} instant (nowNs + delayNs)`, atNs);
    }
    if (core.queue.size >= MAX_PENDING_EVENTS) {
      throw new LimitExceeded('MAX_PENDING_EVENTS', MAX_PENDING_EVENTS);
    }
    return atNs;
  }

  sleep(delayNs: SimTimeNs): Promise<void> {
    const d = new EngineDeferred<void>(this.core, this);
    // A posted event (recycled queue entry, shared callback) rather than a
    // timer with a closure: nobody can cancel a sleep, and tasks sleep a lot.
    this.post(delayNs, resolveSleep, d);
    return d.promise;
  }

  defer<T>(): Deferred<T> {
    return new EngineDeferred<T>(this.core, this);
  }

  spawn<T>(name: string, body: () => Promise<T>): Task<T> {
    checkName('spawn name', name);
    const task = new TaskImpl<T>(++this.core.taskIds, name, this.core, this);
    this.schedule(0, () => this.start(task, body));
    return task;
  }

  spawnNow<T>(name: string, body: () => Promise<T>): Task<T> {
    checkName('spawnNow name', name);
    const task = new TaskImpl<T>(++this.core.taskIds, name, this.core, this);
    // A dead scope starts nothing (as a cancelled spawn event would not).
    if (this.alive) this.start(task, body);
    return task;
  }

  private start<T>(task: TaskImpl<T>, body: () => Promise<T>): void {
    const core = this.core;
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
        core.fail(new TaskFailed(task.name, error));
      },
    );
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
  /** The `run` in progress. */
  private active: ActiveRun | null = null;

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

  post<A>(delayNs: SimTimeNs, callback: (arg: A) => void, arg: A): void {
    this.root.post(delayNs, callback, arg);
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

  spawnNow<T>(name: string, body: () => Promise<T>): Task<T> {
    return this.root.spawnNow(name, body);
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
    this.core.throwIfFailed();
    this.isRunning = true;
    this.isStopRequested = false;
    return new Promise<RunResult>((resolve, reject) => {
      this.active = {
        untilNs,
        hasUntil: options.untilNs !== undefined,
        maxEvents,
        events: 0,
        resolve,
        reject,
      };
      // Work that happened before run() (spawns, resolves) may have queued microtasks.
      queueMicrotaskCheaply(this.pumpAfterMicrotasks);
    });
  }

  /**
   * Called in a microtask: queues the loop as a tick, which Node runs once
   * the whole microtask queue (including microtasks queued meanwhile) is
   * empty — every chain the last event started has run or is blocked on a
   * later event. No promise and no async resumption per settle.
   */
  private readonly pumpAfterMicrotasks = (): void => {
    process.nextTick(this.pump);
  };

  /** The loop: dispatches events until a bound, or until one needs its microtasks settled. */
  private readonly pump = (): void => {
    const run = this.active!;
    const core = this.core;
    try {
      for (;;) {
        core.throwIfFailed();
        if (core.gate.inFlight > 0) {
          core.gate.settle().then(this.pumpAfterMicrotasks, this.abort);
          return;
        }
        if (this.isStopRequested) return this.finish('stopped');
        if (run.events >= run.maxEvents) return this.finish('max-events');
        const next = core.queue.peek();
        if (next === undefined) return this.finish('idle');
        if (next.timeNs > run.untilNs) return this.finish('until');
        const event = core.queue.pop()!;
        const callback = event.callback as (arg: unknown) => void;
        const arg = event.arg;
        event.callback = null;
        if (event.isPooled) {
          // Nobody holds a handle to a posted event: its entry can serve the next post.
          event.arg = undefined;
          event.owner = null;
          if (core.recycled.length < MAX_RECYCLED_EVENTS) core.recycled.push(event);
        }
        assert(event.timeNs >= core.nowNs, 'simulated time never goes back');
        core.nowNs = event.timeNs;
        core.trace.mix(event.timeNs);
        core.trace.mix(event.seq);
        core.dispatched++;
        run.events++;
        try {
          callback(arg);
        } catch (error) {
          core.fail(new TaskFailed('event callback', error));
        }
        if (core.isSettleNeeded) {
          core.isSettleNeeded = false;
          // The loop runs in a tick: a tick queued from here would run before
          // the microtasks, so go through one microtask first.
          queueMicrotaskCheaply(this.pumpAfterMicrotasks);
          return;
        }
      }
    } catch (error) {
      this.abort(error);
    }
  };

  private finish(reason: RunResult['reason']): void {
    const run = this.active!;
    this.active = null;
    this.isRunning = false;
    const core = this.core;
    if (run.hasUntil && reason !== 'stopped' && reason !== 'max-events') {
      core.nowNs = Math.max(core.nowNs, run.untilNs);
    }
    run.resolve({ reason, events: run.events, nowNs: core.nowNs });
  }

  private readonly abort = (error: unknown): void => {
    const run = this.active!;
    this.active = null;
    this.isRunning = false;
    run.reject(error);
  };
}
