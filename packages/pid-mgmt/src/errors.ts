// Operating errors of pid-mgmt: bad input or an exhausted resource. Each has
// a stable `code` and the fields a caller needs to act on it.

/** A value that is not a valid PID or node id reached a pid-mgmt function. */
export class PidInvalid extends Error {
  override readonly name = 'PidInvalid';
  readonly code = 'PID_INVALID';
  constructor(
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`Invalid PID input: expected ${expected}, found ${String(value)}`);
  }
}

/** The PID asked for is already allocated or reserved in its pidmap. */
export class PidBusy extends Error {
  override readonly name = 'PidBusy';
  readonly code = 'PID_BUSY';
  constructor(readonly pid: number) {
    super(`PID ${pid} is already in use`);
  }
}

/** Freeing a PID that its pidmap does not hold. */
export class PidNotAllocated extends Error {
  override readonly name = 'PidNotAllocated';
  readonly code = 'PID_NOT_ALLOCATED';
  constructor(readonly pid: number) {
    super(`PID ${pid} is not allocated`);
  }
}

/** Every PID number below pid_max is in use on this pidmap (Linux's EAGAIN from fork). */
export class PidmapExhausted extends Error {
  override readonly name = 'PidmapExhausted';
  readonly code = 'PIDMAP_EXHAUSTED';
  constructor(
    readonly node: number,
    readonly pidMax: number,
  ) {
    super(`No free PID on the pidmap of node ${node} (pid_max ${pidMax})`);
  }
}

/** A pidmap image (from a ghost or a message) that does not decode. */
export class PidmapImageInvalid extends Error {
  override readonly name = 'PidmapImageInvalid';
  readonly code = 'PIDMAP_IMAGE_INVALID';
  constructor(readonly reason: string) {
    super(`Invalid pidmap image: ${reason}`);
  }
}
