// Assertions for invariants that only a bug can break. They stay on in
// production: a hart that keeps running on a broken invariant corrupts a
// guest silently, which is worse than stopping loudly.

/** Thrown when an invariant does not hold. Never caught. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
  readonly code = 'ARCH_RISCV_ASSERTION';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
