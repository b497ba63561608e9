// Invariant checks. A failed assertion is a bug in krg, never an operating
// error: it throws a plain Error and is not meant to be caught.

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`sim-engine invariant violated: ${message}`);
}
