// Named errors of kddm-core, each with a stable `code`. Operating errors (bad
// input, busy object, node down) are thrown as these; broken invariants are
// bugs and throw KddmProtocolBug via `assert`.

export abstract class KddmError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An object id is not an integer in 0 .. 2^53-1. */
export class KddmBadObjectId extends KddmError {
  readonly code = 'KDDM_BAD_OBJECT_ID';
  constructor(readonly objId: unknown) {
    super(`object id must be an integer in 0..${Number.MAX_SAFE_INTEGER}, got ${String(objId)}`);
  }
}

/** A set id is not an integer in 1 .. 2^53-1 (0 is KDDM_SET_UNUSED). */
export class KddmBadSetId extends KddmError {
  readonly code = 'KDDM_BAD_SET_ID';
  constructor(readonly setId: unknown) {
    super(`set id must be an integer in 1..${Number.MAX_SAFE_INTEGER}, got ${String(setId)}`);
  }
}

/** A node id is not an integer in 0..255. */
export class KddmBadNodeId extends KddmError {
  readonly code = 'KDDM_BAD_NODE_ID';
  constructor(readonly node: unknown) {
    super(`node id must be an integer in 0..255, got ${String(node)}`);
  }
}

/** A value is outside a named limit of limits.ts. */
export class KddmLimitExceeded extends KddmError {
  readonly code = 'KDDM_LIMIT_EXCEEDED';
  constructor(
    readonly limit: string,
    readonly max: number,
    readonly found: number,
  ) {
    super(`${limit} is ${max}, found ${found}`);
  }
}

/** A unique-id generator ran out of its 45-bit local counter. */
export class KddmUniqueIdExhausted extends KddmError {
  readonly code = 'KDDM_UNIQUE_ID_EXHAUSTED';
  constructor(readonly node: number) {
    super(`node ${node} has used all 2^45 unique ids`);
  }
}

/** The set is not known on this node and could not be looked up. */
export class KddmUnknownSet extends KddmError {
  readonly code = 'KDDM_UNKNOWN_SET';
  constructor(readonly setId: number) {
    super(`KDDM set ${setId} is not known`);
  }
}

/** A set with this id already exists on this node. */
export class KddmSetExists extends KddmError {
  readonly code = 'KDDM_SET_EXISTS';
  constructor(readonly setId: number) {
    super(`KDDM set ${setId} already exists`);
  }
}

/** try_grab found the object busy (Kerrighed returns -EBUSY). */
export class KddmObjectBusy extends KddmError {
  readonly code = 'KDDM_OBJECT_BUSY';
  constructor(
    readonly setId: number,
    readonly objId: number,
  ) {
    super(`object ${setId}:${objId} is busy`);
  }
}

/** A remove of this object is already running (Kerrighed returns -EALREADY). */
export class KddmRemoveInProgress extends KddmError {
  readonly code = 'KDDM_REMOVE_IN_PROGRESS';
  constructor(
    readonly setId: number,
    readonly objId: number,
  ) {
    super(`object ${setId}:${objId} is already being removed`);
  }
}

/** flush of the only copy with no destination node (Kerrighed returns -ENOSPC). */
export class KddmNoFlushDestination extends KddmError {
  readonly code = 'KDDM_NO_FLUSH_DESTINATION';
  constructor(
    readonly setId: number,
    readonly objId: number,
  ) {
    super(`object ${setId}:${objId} has its only copy here and no flush destination was given`);
  }
}

/** flush of an object this node holds no copy of (Kerrighed returns -ENOENT). */
export class KddmNoLocalCopy extends KddmError {
  readonly code = 'KDDM_NO_LOCAL_COPY';
  constructor(
    readonly setId: number,
    readonly objId: number,
  ) {
    super(`object ${setId}:${objId} has no entry on this node`);
  }
}

/** put (or set_object, or sync) of an object the caller does not hold frozen. */
export class KddmNotFrozen extends KddmError {
  readonly code = 'KDDM_NOT_FROZEN';
  constructor(
    readonly setId: number,
    readonly objId: number,
    readonly verb: string,
  ) {
    super(`${verb} of object ${setId}:${objId}, which is not held (get/grab) on this node`);
  }
}

/** A verb was used in a state or on a set where the reference does not allow it. */
export class KddmBadUsage extends KddmError {
  readonly code = 'KDDM_BAD_USAGE';
}

/** A feature of the reference that this package does not implement yet. */
export class KddmNotSupported extends KddmError {
  readonly code = 'KDDM_NOT_SUPPORTED';
  constructor(readonly feature: string) {
    super(`not supported yet: ${feature}`);
  }
}

/** A protocol message failed validation (bad shape, out-of-range field). */
export class KddmBadMessage extends KddmError {
  readonly code = 'KDDM_BAD_MESSAGE';
}

/** A broken protocol invariant: a bug, never an operating error. */
export class KddmProtocolBug extends KddmError {
  readonly code = 'KDDM_PROTOCOL_BUG';
}

/** Assert an invariant the code owns; failure is a bug. */
export function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new KddmProtocolBug(`invariant broken: ${what}`);
}

/** An operation waited on a node that crashed; it may be retried. */
export class KddmNodeDown extends KddmError {
  readonly code = 'KDDM_NODE_DOWN';
  constructor(
    readonly setId: number,
    readonly objId: number,
    readonly node: number,
  ) {
    super(`object ${setId}:${objId}: node ${node} went down while the operation waited on it`);
  }
}

/**
 * The object was lost while the operation waited: its owner died (or a remove
 * of it was under way when a node died), README "Crash semantics". A new get
 * first-touches a new incarnation.
 */
export class KddmObjectLost extends KddmError {
  readonly code = 'KDDM_OBJECT_LOST';
  constructor(
    readonly setId: number,
    readonly objId: number,
  ) {
    super(`object ${setId}:${objId} was lost with a node that went down`);
  }
}
