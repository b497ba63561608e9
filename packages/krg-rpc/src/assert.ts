// Invariant checks: a failure is a bug in krg, never an operating error.

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`krg-rpc invariant violated: ${message}`);
}
