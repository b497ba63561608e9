// KDDM's control messages as values (set lookups and their replies; the
// recovery round's messages are in recovery.ts): rare, so they travel as
// codec-encoded control frames (frame.ts), while object-server messages have
// a binary layout of their own. Everything received is validated before it
// is used; a bad message gets KddmBadMessage and changes nothing.
import { KddmBadMessage } from './errors.js';
import { MAX_PRIVATE_DATA_BYTES } from './limits.js';
import { isNodeId, type NodeId } from './node-id.js';
import { type RecoveryWire } from './recovery.js';
import { type SetId } from './set-id.js';

/** How a set is described to a node that looks it up (REQ_KDDM_SET_LOOKUP reply). */
export interface SetDescriptorWire {
  readonly setId: number;
  readonly linker: string;
  /** 'round-robin' | 'unique-id' | 'custom' | 'fixed' */
  readonly home: string;
  readonly homeNode?: number;
  readonly localExclusive: boolean;
  readonly ftLinked: boolean;
  /** Private data, encoded with ghost-io's codec (at most MAX_PRIVATE_DATA_BYTES). */
  readonly privateData?: Uint8Array;
}

export interface SetLookupWire {
  readonly kind: 'setLookup';
  readonly setId: number;
  readonly requestId: number;
}

export interface SetLookupReplyWire {
  readonly kind: 'setLookupReply';
  readonly setId: number;
  readonly requestId: number;
  readonly descriptor?: SetDescriptorWire;
}

/** Set lookups, and the crash recovery round's marks and reports. */
export type KddmWire = SetLookupWire | SetLookupReplyWire | RecoveryWire;

function bad(what: string): never {
  throw new KddmBadMessage(`bad KDDM message: ${what}`);
}

/** Validate a set descriptor received in a lookup reply. */
export function checkDescriptor(d: SetDescriptorWire, setId: SetId): SetDescriptorWire {
  if (typeof d !== 'object' || d === null) bad('set descriptor');
  if (d.setId !== setId) bad(`descriptor for set ${String(d.setId)}, asked ${setId}`);
  if (typeof d.linker !== 'string' || d.linker.length === 0 || d.linker.length > 64)
    bad('linker name');
  if (!['round-robin', 'unique-id', 'custom', 'fixed'].includes(d.home))
    bad(`home policy ${String(d.home)}`);
  if (d.home === 'fixed' && !isNodeId(d.homeNode)) bad('fixed home node');
  if (typeof d.localExclusive !== 'boolean' || typeof d.ftLinked !== 'boolean') bad('set flags');
  if (
    d.privateData !== undefined &&
    (!(d.privateData instanceof Uint8Array) || d.privateData.byteLength > MAX_PRIVATE_DATA_BYTES)
  ) {
    bad(`private data (at most ${MAX_PRIVATE_DATA_BYTES} bytes)`);
  }
  return d;
}

/** A control message of any kind, validated at its top level. */
export function checkWireKind(w: unknown): KddmWire {
  if (typeof w !== 'object' || w === null) bad('not an object');
  const kind = (w as { kind?: unknown }).kind;
  if (kind !== 'setLookup' && kind !== 'setLookupReply' && kind !== 'recovery')
    bad(`kind ${String(kind)}`);
  return w as KddmWire;
}

export type { NodeId };
