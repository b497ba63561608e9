/** Thrown when an invariant of epm-core is broken: a bug, never an operating error. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Asserts an invariant; a failure is a bug and must crash loudly. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
