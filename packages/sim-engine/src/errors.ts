// Named errors of @krg/sim-engine. Each has a stable `code` equal to its class
// name so callers can switch on it across package versions.

/** Base class of every operating error this package throws. */
export abstract class SimEngineError extends Error {
  abstract readonly code: string;
}

/** A time or duration was not a non-negative safe integer of nanoseconds, or overflowed. */
export class InvalidSimTime extends SimEngineError {
  readonly code = 'InvalidSimTime';
  constructor(
    readonly what: string,
    readonly value: unknown,
  ) {
    super(`${what}: expected a non-negative safe integer of nanoseconds, found ${String(value)}`);
  }
}

/** A caller passed a value outside its documented domain. */
export class InvalidArgument extends SimEngineError {
  readonly code = 'InvalidArgument';
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${what}: expected ${expected}, found ${String(found)}`);
  }
}

/** A bounded resource (queue, host-op table, rule table) is full. */
export class LimitExceeded extends SimEngineError {
  readonly code = 'LimitExceeded';
  constructor(
    readonly limit: string,
    readonly max: number,
  ) {
    super(`${limit} exceeded: at most ${max}`);
  }
}

/** `run()` was called while the engine was already running. */
export class EngineBusy extends SimEngineError {
  readonly code = 'EngineBusy';
  constructor() {
    super('engine is already running: run() is not re-entrant');
  }
}

/**
 * An exception escaped a task body or an event callback. The engine treats
 * it as a bug in simulated code and stops the run with this error.
 */
export class TaskFailed extends SimEngineError {
  readonly code = 'TaskFailed';
  constructor(
    readonly taskName: string,
    override readonly cause: unknown,
  ) {
    super(
      `simulated activity '${taskName}' threw: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** A saved PRNG state did not have the expected shape. */
export class InvalidRngState extends SimEngineError {
  readonly code = 'InvalidRngState';
  constructor(readonly found: unknown) {
    super(`PRNG state: expected 4 uint32 words, not all zero, found ${JSON.stringify(found)}`);
  }
}

/** A cost model field was missing, negative, not finite or not an integer where one is required. */
export class InvalidCostModel extends SimEngineError {
  readonly code = 'InvalidCostModel';
  constructor(
    readonly field: string,
    readonly found: unknown,
  ) {
    super(`cost model ${field}: expected a positive finite number, found ${String(found)}`);
  }
}
