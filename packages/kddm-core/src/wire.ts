// What KDDM puts on the wire: plain values that ghost-io's codec encodes
// (node sets as number arrays, object payloads as codec bytes). Everything
// received is validated before it reaches the protocol; a bad message gets
// KddmBadMessage and changes nothing.
import { KddmBadMessage } from './errors.js';
import { MAX_OBJECT_BYTES, MAX_PRIVATE_DATA_BYTES } from './limits.js';
import { type KddmMessage, MESSAGE_TYPES, type MessageType } from './messages.js';
import { isNodeId, type NodeId } from './node-id.js';
import { nodeSetFromArray, nodeSetToArray } from './node-set.js';
import { isObjectId } from './object-id.js';
import { isObjectState } from './object-state.js';
import { ALL_REQUEST_FLAGS } from './request-flags.js';
import { type RecoveryWire } from './recovery.js';
import { isSetId, type SetId } from './set-id.js';

/** One object-server message. */
export interface ObjectWire {
  readonly kind: 'object';
  readonly type: MessageType;
  readonly setId: number;
  readonly objId: number;
  readonly flags: number;
  readonly replyNode: number;
  readonly reqId: number;
  readonly version?: number;
  readonly newOwner?: number;
  readonly objectState?: number;
  readonly copyset?: number[];
  readonly masterRmset?: number[];
  readonly rmset?: number[];
  /** The exported object, encoded with ghost-io's codec. */
  readonly data?: Uint8Array;
}

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

/** Object messages, set lookups, and the crash recovery round's marks and reports. */
export type KddmWire = ObjectWire | SetLookupWire | SetLookupReplyWire | RecoveryWire;

const TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

export function messageToWire(msg: KddmMessage, data?: Uint8Array): ObjectWire {
  const w: {
    -readonly [K in keyof ObjectWire]: ObjectWire[K];
  } = {
    kind: 'object',
    type: msg.type,
    setId: msg.setId,
    objId: msg.objId,
    flags: msg.flags,
    replyNode: msg.replyNode,
    reqId: msg.reqId ?? 0,
  };
  if (msg.version !== undefined) w.version = msg.version;
  if (msg.newOwner !== undefined) w.newOwner = msg.newOwner;
  if (msg.objectState !== undefined) w.objectState = msg.objectState;
  if (msg.master !== undefined) {
    w.copyset = nodeSetToArray(msg.master.copyset);
    w.masterRmset = nodeSetToArray(msg.master.rmset);
  }
  if (msg.rmset !== undefined) w.rmset = nodeSetToArray(msg.rmset);
  if (data !== undefined) w.data = data;
  return w;
}

function bad(what: string): never {
  throw new KddmBadMessage(`bad KDDM message: ${what}`);
}

function nodeArray(v: unknown, what: string): bigint {
  if (!Array.isArray(v) || v.length > 256) bad(`${what} is not a node list`);
  if (!v.every(isNodeId)) bad(`${what} holds an invalid node id`);
  return nodeSetFromArray(v);
}

/** Validate an object wire and turn it into a protocol message. */
export function wireToMessage(w: ObjectWire): { msg: KddmMessage; data: Uint8Array | undefined } {
  if (typeof w.type !== 'string' || !TYPES.has(w.type)) bad(`unknown type ${String(w.type)}`);
  if (!isSetId(w.setId)) bad(`set id ${String(w.setId)}`);
  if (!isObjectId(w.objId)) bad(`object id ${String(w.objId)}`);
  if (!Number.isInteger(w.flags) || (w.flags & ~ALL_REQUEST_FLAGS) !== 0)
    bad(`flags ${String(w.flags)}`);
  if (!isNodeId(w.replyNode)) bad(`reply node ${String(w.replyNode)}`);
  if (!Number.isSafeInteger(w.reqId) || w.reqId < 0) bad(`request id ${String(w.reqId)}`);
  if (w.newOwner !== undefined && !isNodeId(w.newOwner)) bad(`new owner ${String(w.newOwner)}`);
  if (w.objectState !== undefined && !isObjectState(w.objectState))
    bad(`object state ${String(w.objectState)}`);
  if (
    w.data !== undefined &&
    (!(w.data instanceof Uint8Array) || w.data.byteLength > MAX_OBJECT_BYTES)
  ) {
    bad(`object payload (at most ${MAX_OBJECT_BYTES} bytes)`);
  }
  const msg: {
    -readonly [K in keyof KddmMessage]: KddmMessage[K];
  } = {
    type: w.type,
    setId: w.setId,
    objId: w.objId,
    flags: w.flags,
    replyNode: w.replyNode,
    reqId: w.reqId,
  };
  if (w.version !== undefined) {
    if (!Number.isSafeInteger(w.version) || w.version < 0) bad(`version ${String(w.version)}`);
    msg.version = w.version;
  }
  if (w.newOwner !== undefined) msg.newOwner = w.newOwner;
  if (w.objectState !== undefined) msg.objectState = w.objectState;
  if (w.copyset !== undefined || w.masterRmset !== undefined) {
    msg.master = {
      copyset: nodeArray(w.copyset ?? [], 'copyset'),
      rmset: nodeArray(w.masterRmset ?? [], 'master rmset'),
    };
  }
  if (w.rmset !== undefined) msg.rmset = nodeArray(w.rmset, 'rmset');
  if (w.data !== undefined) msg.carriesObject = true;
  return { msg, data: w.data };
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

/** A wire of any kind, validated at its top level. */
export function checkWireKind(w: unknown): KddmWire {
  if (typeof w !== 'object' || w === null) bad('not an object');
  const kind = (w as { kind?: unknown }).kind;
  if (kind !== 'object' && kind !== 'setLookup' && kind !== 'setLookupReply' && kind !== 'recovery')
    bad(`kind ${String(kind)}`);
  return w as KddmWire;
}

export type { NodeId };
