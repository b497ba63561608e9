// Operating errors of epm-core, each with a stable `code` and typed fields.

/** Base class of epm-core errors. */
export abstract class EpmError extends Error {
  abstract readonly code: string;
}

/** A section was registered twice, or under a name outside SECTION_ORDER. */
export class SectionRegistrationInvalid extends EpmError {
  readonly code = 'SECTION_REGISTRATION_INVALID';
  constructor(
    readonly section: string,
    readonly reason: string,
  ) {
    super(`Cannot register ghost section "${section}": ${reason}`);
    this.name = 'SectionRegistrationInvalid';
  }
}

/** A section refused or failed to export; the ghost must be discarded. */
export class ProcessExportFailed extends EpmError {
  readonly code = 'PROCESS_EXPORT_FAILED';
  constructor(
    readonly section: string,
    override readonly cause: unknown,
  ) {
    super(`Cannot export ghost section "${section}": ${describe(cause)}`);
    this.name = 'ProcessExportFailed';
  }
}

/**
 * An import failed; every section imported before it was undone, in reverse
 * order. `section` is the section that failed (or `header`).
 */
export class ProcessImportFailed extends EpmError {
  readonly code = 'PROCESS_IMPORT_FAILED';
  constructor(
    readonly section: string,
    readonly expected: string,
    readonly found: string,
    override readonly cause?: unknown,
  ) {
    super(`Cannot import ghost section "${section}": expected ${expected}, found ${found}`);
    this.name = 'ProcessImportFailed';
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error
    ? cause.message
    : typeof cause === 'string'
      ? cause
      : 'a non-error value was thrown';
}
