// Typed errors of SysV shm (guest-visible failures are errnos, never these).
// Each has a stable `code`.

/** Misuse of the shm layer by krg's own code (a bug in the caller). */
export class ShmBadUsage extends Error {
  override readonly name = 'ShmBadUsage';
  readonly code = 'SHM_BAD_USAGE';
}
