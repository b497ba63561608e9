// Named errors of ghost-io. Each has a stable `code` and typed fields; the
// message says what was expected and what was found. These are operating
// errors (bad input, a damaged file, a closed peer): whoever throws them has
// changed nothing it cannot undo. Broken invariants are `assert`s instead.

/** Base class of every ghost-io error; `code` is stable across versions. */
export abstract class GhostIoError extends Error {
  abstract readonly code: string;
}

/**
 * The bytes are not a well-formed ghost: a checksum does not match, the stream
 * ends early (truncation), a length is out of bounds, a tag is unknown.
 * `file` names the source (a path, or `<memory>` / `<network>`), `offset` is
 * the byte offset of the structure that failed to verify.
 */
export class GhostCorrupted extends GhostIoError {
  readonly code = 'GHOST_CORRUPTED';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: corrupted ghost at offset ${offset}: expected ${expected}, found ${found}`);
    this.name = 'GhostCorrupted';
  }
}

/** The header is intact but names a format version this code does not read. */
export class GhostFormatUnsupported extends GhostIoError {
  readonly code = 'GHOST_FORMAT_UNSUPPORTED';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `${file}: unsupported ghost format at offset ${offset}: expected ${expected}, found ${found}`,
    );
    this.name = 'GhostFormatUnsupported';
  }
}

/**
 * The reader asked for a different kind of value than the writer wrote at this
 * position: export and import did not mirror each other.
 */
export class GhostTypeMismatch extends GhostIoError {
  readonly code = 'GHOST_TYPE_MISMATCH';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `${file}: at offset ${offset} the reader expected ${expected} but the ghost holds ${found}`,
    );
    this.name = 'GhostTypeMismatch';
  }
}

/** A value handed to a write is out of its bound (see limits.ts). Nothing was written. */
export class GhostLimitExceeded extends GhostIoError {
  readonly code = 'GHOST_LIMIT_EXCEEDED';
  constructor(
    readonly what: string,
    readonly limit: number,
    readonly actual: number,
  ) {
    super(`${what}: ${actual} exceeds the limit of ${limit}`);
    this.name = 'GhostLimitExceeded';
  }
}

/** A value handed to a write does not fit its declared kind (e.g. writeU8(300)). Nothing was written. */
export class GhostInvalidValue extends GhostIoError {
  readonly code = 'GHOST_INVALID_VALUE';
  constructor(
    readonly kind: string,
    readonly found: string,
  ) {
    super(`not a valid ${kind}: ${found}`);
    this.name = 'GhostInvalidValue';
  }
}

/** A read on a write-only ghost, a write on a read-only one, or any use after close. */
export class GhostAccessError extends GhostIoError {
  readonly code = 'GHOST_ACCESS';
  constructor(
    readonly operation: string,
    readonly reason: string,
  ) {
    super(`cannot ${operation}: ${reason}`);
    this.name = 'GhostAccessError';
  }
}

/** Exclusive create found an existing file or directory: ghosts are never overwritten. */
export class GhostFileExists extends GhostIoError {
  readonly code = 'GHOST_FILE_EXISTS';
  constructor(readonly file: string) {
    super(`${file}: already exists; ghost files and directories are never overwritten`);
    this.name = 'GhostFileExists';
  }
}

/** The codec was asked to encode a value outside its documented value kinds. */
export class CodecUnsupportedValue extends GhostIoError {
  readonly code = 'CODEC_UNSUPPORTED_VALUE';
  constructor(
    readonly path: string,
    readonly found: string,
  ) {
    super(`cannot encode ${path}: ${found}`);
    this.name = 'CodecUnsupportedValue';
  }
}

/** The codec was asked to decode bytes that are not one complete, well-formed value. */
export class CodecMalformed extends GhostIoError {
  readonly code = 'CODEC_MALFORMED';
  constructor(readonly reason: string) {
    super(`malformed encoded value: ${reason}`);
    this.name = 'CodecMalformed';
  }
}

/** A channel operation after the channel (or its peer's stream) failed or was closed. */
export class ChannelClosed extends GhostIoError {
  readonly code = 'CHANNEL_CLOSED';
  constructor(readonly reason: string) {
    super(`channel closed: ${reason}`);
    this.name = 'ChannelClosed';
  }
}
