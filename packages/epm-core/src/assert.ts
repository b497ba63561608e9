/**
 * Thrown when an invariant is broken: a bug, never an operating error. The
 * one assertion of epm-core and every package above it (layer-0 packages and
 * pid-mgmt, below it, keep their own).
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Asserts an invariant; a failure is a bug and must crash loudly. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
