// Typed errors of SysV shm (guest-visible failures are errnos, never these).
// Each has a stable `code`.

/** Misuse of the shm layer by krg's own code (a bug in the caller). */
export class ShmBadUsage extends Error {
  override readonly name = 'ShmBadUsage';
  readonly code = 'SHM_BAD_USAGE';
}

/**
 * A process with SysV shm attachments cannot be written to a ghost yet
 * (checkpoint, migration): its shm pages live in the segment's KDDM set,
 * which the mm section does not save or reattach.
 */
export class ShmGhostNotSupported extends Error {
  override readonly name = 'ShmGhostNotSupported';
  readonly code = 'SHM_GHOST_NOT_SUPPORTED';
  constructor(
    readonly pid: number,
    readonly shmIds: readonly number[],
  ) {
    super(
      `process ${pid} has SysV shm attachments (segments ${shmIds.join(', ')}): ` +
        'saving or moving a process with shm attachments is not supported yet',
    );
  }
}
