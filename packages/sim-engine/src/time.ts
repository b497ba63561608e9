// Simulated time: integer nanoseconds held in a `number` (a safe integer).
// We chose `number` over `bigint` once for the whole project: it keeps the
// event loop in the JIT's small-integer/double fast path (bigint arithmetic
// allocates), and 2^53 ns (~104 days) is far beyond any scenario we run.
import { InvalidSimTime } from './errors.js';
import { MAX_SIM_TIME_NS } from './limits.js';

/** An instant or a duration of simulated time, in nanoseconds (a safe integer >= 0). */
export type SimTimeNs = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** Throws `InvalidSimTime` unless `value` is a safe integer in [0, MAX_SIM_TIME_NS]. */
export function checkTimeNs(what: string, value: number): SimTimeNs {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_SIM_TIME_NS) {
    throw new InvalidSimTime(what, value);
  }
  return value;
}
