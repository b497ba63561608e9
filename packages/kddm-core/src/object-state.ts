// Object coherence states, reference §1.4 (include/kddm/object.h). The index
// values are Kerrighed's so traces read the same; 9 and 12 are unused there.

export const ObjectState = {
  INV_COPY: 0,
  READ_COPY: 1,
  INV_OWNER: 2,
  READ_OWNER: 3,
  WRITE_OWNER: 4,
  WRITE_GHOST: 5,
  WAIT_ACK_INV: 6,
  WAIT_ACK_WRITE: 7,
  WAIT_CHG_OWN_ACK: 8,
  WAIT_OBJ_READ: 10,
  WAIT_OBJ_WRITE: 11,
  WAIT_OBJ_RM_DONE: 13,
  WAIT_OBJ_RM_ACK: 14,
  WAIT_OBJ_RM_ACK2: 15,
  INV_FILLING: 16,
} as const;

export type ObjectState = (typeof ObjectState)[keyof typeof ObjectState];

const NAMES = new Map<ObjectState, string>(
  Object.entries(ObjectState).map(([name, v]) => [v, name]),
);

export function objectStateName(s: ObjectState): string {
  return NAMES.get(s) ?? `?${String(s)}`;
}

export function isObjectState(v: unknown): v is ObjectState {
  return typeof v === 'number' && NAMES.has(v as ObjectState);
}

/** Owner bit (bit 20 in Kerrighed): the node answers requests for the object. */
export function isOwnerState(s: ObjectState): boolean {
  return (
    s === ObjectState.INV_OWNER ||
    s === ObjectState.READ_OWNER ||
    s === ObjectState.WRITE_OWNER ||
    s === ObjectState.WRITE_GHOST ||
    s === ObjectState.WAIT_ACK_INV ||
    s === ObjectState.WAIT_ACK_WRITE ||
    s === ObjectState.WAIT_CHG_OWN_ACK
  );
}

/**
 * Read bit (bit 21): a local reader may use the local copy. Difference from
 * Kerrighed: WAIT_CHG_OWN_ACK is not readable. The copy is being handed to
 * another reader, which may upgrade to write before our ack arrives; a new
 * local reader would then read a stale copy.
 */
export function isReadableState(s: ObjectState): boolean {
  return (
    s === ObjectState.READ_COPY ||
    s === ObjectState.READ_OWNER ||
    s === ObjectState.WRITE_OWNER ||
    s === ObjectState.WRITE_GHOST ||
    s === ObjectState.WAIT_ACK_INV ||
    s === ObjectState.WAIT_ACK_WRITE
  );
}

/** Write bit (bit 22): the local copy is the only one and may be changed. */
export function isWritableState(s: ObjectState): boolean {
  return s === ObjectState.WRITE_OWNER || s === ObjectState.WRITE_GHOST;
}

/** States in which the node holds object data (a copy exists here). */
export function holdsCopyState(s: ObjectState): boolean {
  return isReadableState(s);
}

/** The remove path is running on this entry. */
export function isRemovingState(s: ObjectState): boolean {
  return (
    s === ObjectState.WAIT_OBJ_RM_DONE ||
    s === ObjectState.WAIT_OBJ_RM_ACK ||
    s === ObjectState.WAIT_OBJ_RM_ACK2
  );
}
