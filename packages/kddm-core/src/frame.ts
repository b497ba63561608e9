// KDDM frames: what one KDDM message is on the wire. An object-server
// message (the hot path: every get, grab, invalidation and ack) is a fixed
// binary layout of integers, followed by its node lists and, for a message
// that carries the object, the IO linker's export encoded with ghost-io's
// codec — the only bytes of the frame the codec sees. The rare control
// messages (set lookups, the crash recovery round) are a tag byte and a
// codec-encoded value. Every frame comes from the network: `decodeFrame`
// checks every field (and decodes the object payload) before anything
// reaches the protocol, so a malformed frame throws `KddmBadMessage` and
// changes nothing.
//
// Object frame (little-endian; 53-bit integers as two u32 words, low first):
//
//   0   tag = FRAME_OBJECT          1  message type (index in MESSAGE_TYPES)
//   2   fields present (F_* bits)   3  reply node
//   4   flags (u16)                 6  new owner (0 when absent)
//   7   object state (0 when absent)
//   8   set id        16 object id        24 request id     32 version (0 when absent)
//   40  copyset, master rmset (F_MASTER), rmset (F_RMSET): each a u16 count
//       and that many node ids, strictly ascending
//   ..  the object payload (F_DATA): the rest of the frame, 1..MAX_OBJECT_BYTES
import { CodecMalformed, decodeValue, encodeValue } from '@krg/ghost-io';
import { KddmBadMessage, assert } from './errors.js';
import { MAX_NODES, MAX_OBJECT_BYTES } from './limits.js';
import { type KddmMessage, MESSAGE_TYPES, type MessageType } from './messages.js';
import { type NodeSet } from './node-set.js';
import { isObjectState } from './object-state.js';
import { ALL_REQUEST_FLAGS } from './request-flags.js';
import { type KddmWire, checkWireKind } from './wire.js';

/** First byte of a frame. */
export const FRAME_OBJECT = 1;
export const FRAME_CONTROL = 2;

/** The fixed part of an object frame. */
export const OBJECT_FRAME_HEADER_BYTES = 40;
/** The largest object frame: the header, three full node lists, the largest payload. */
export const MAX_OBJECT_FRAME_BYTES =
  OBJECT_FRAME_HEADER_BYTES + 3 * (2 + MAX_NODES) + MAX_OBJECT_BYTES;

const F_VERSION = 0x01;
const F_NEW_OWNER = 0x02;
const F_OBJECT_STATE = 0x04;
const F_MASTER = 0x08;
const F_RMSET = 0x10;
const F_DATA = 0x20;
const F_ALL = 0x3f;

const TWO_32 = 2 ** 32;
/** The high word of a safe integer is below 2^21. */
const MAX_HIGH_WORD = 2 ** 21;

const TYPE_INDEX = new Map<MessageType, number>(MESSAGE_TYPES.map((t, i) => [t, i]));
assert(MESSAGE_TYPES.length < 256, 'a message type fits in a byte');
assert(ALL_REQUEST_FLAGS <= 0xffff, 'request flags fit in 16 bits');
assert(MAX_NODES <= 256, 'a node id fits in a byte');

/** The payload slot of a decoded object frame that carries no object. */
export const NO_PAYLOAD: unique symbol = Symbol('no payload');
export type Payload = unknown;

/** A decoded object-server message and its decoded object payload (or NO_PAYLOAD). */
export interface ObjectFrame {
  readonly kind: 'object';
  readonly msg: KddmMessage;
  readonly payload: Payload;
}

export interface ControlFrame {
  readonly kind: 'control';
  readonly wire: KddmWire;
}

export type DecodedFrame = ObjectFrame | ControlFrame;

// Frames are carved out of shared slabs: a small typed array with its own
// ArrayBuffer costs a backing-store allocation and GC bookkeeping per
// message. A slab is never rewritten once a frame was handed out, so a
// frame stays valid for as long as anyone keeps it (a transport may hold it
// without copying); a slab is freed when no frame of it is referenced.
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_FRAME_BYTES = 4 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabOffset = 0;

function allocateFrame(sizeBytes: number): Uint8Array {
  if (sizeBytes > SLAB_MAX_FRAME_BYTES) return new Uint8Array(sizeBytes);
  if (slabOffset + sizeBytes > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabOffset = 0;
  }
  const frame = new Uint8Array(slab.buffer, slabOffset, sizeBytes);
  slabOffset += (sizeBytes + 7) & ~7;
  return frame;
}

function bad(what: string): never {
  throw new KddmBadMessage(`bad KDDM frame: ${what}`);
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = v >>> 24;
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A safe integer >= 0 as two words (the caller's values are asserted safe). */
function writeU53(b: Uint8Array, at: number, v: number): void {
  writeU32(b, at, v >>> 0);
  writeU32(b, at + 4, Math.floor(v / TWO_32));
}

/** A safe integer >= 0, or -1 when the high word is out of range. */
function readU53(b: Uint8Array, at: number): number {
  const hi = readU32(b, at + 4);
  // Most ids are small: no float arithmetic (and no heap number) for them.
  if (hi === 0) return readU32(b, at);
  if (hi >= MAX_HIGH_WORD) return -1;
  return hi * TWO_32 + readU32(b, at);
}

/** Members of a node set, counted and written 32 bits at a time (a bigint shift allocates). */
function nodeSetSize(s: NodeSet): number {
  let n = 0;
  for (let v = s; v !== 0n; v >>= 32n) {
    let w = Number(BigInt.asUintN(32, v)) | 0;
    while (w !== 0) {
      w &= w - 1;
      n++;
    }
  }
  return n;
}

function writeNodeList(b: Uint8Array, at: number, s: NodeSet, count: number): number {
  b[at] = count & 0xff;
  b[at + 1] = count >>> 8;
  let p = at + 2;
  let v = s;
  for (let base = 0; v !== 0n; base += 32) {
    let w = Number(BigInt.asUintN(32, v)) | 0;
    v >>= 32n;
    while (w !== 0) {
      b[p++] = base + 31 - Math.clz32(w & -w);
      w &= w - 1;
    }
  }
  return p;
}

/** Reads a node list at `at`; returns the set and the offset after it. */
function readNodeList(b: Uint8Array, at: number, what: string): [NodeSet, number] {
  if (at + 2 > b.byteLength) bad(`${what}: truncated`);
  const count = b[at]! | (b[at + 1]! << 8);
  if (count > MAX_NODES) bad(`${what}: ${count} nodes (at most ${MAX_NODES})`);
  const end = at + 2 + count;
  if (end > b.byteLength) bad(`${what}: truncated`);
  // Most lists are short: build the 256-bit mask from 32-bit words.
  const words = [0, 0, 0, 0, 0, 0, 0, 0];
  let last = -1;
  for (let p = at + 2; p < end; p++) {
    const n = b[p]!;
    if (n <= last) bad(`${what}: node ids not strictly ascending`);
    last = n;
    words[n >>> 5]! |= 1 << (n & 31);
  }
  let s = 0n;
  for (let i = 7; i >= 0; i--) s = (s << 32n) | BigInt(words[i]! >>> 0);
  return [s, end];
}

/**
 * The frame of an object-server message; `data` is the encoded export of
 * the object when the message carries it. The frame is never rewritten.
 */
export function encodeObjectFrame(msg: KddmMessage, data: Uint8Array | undefined): Uint8Array {
  const type = TYPE_INDEX.get(msg.type);
  if (type === undefined) assert(false, `message type ${msg.type} is known`);
  let fields = 0;
  let size = OBJECT_FRAME_HEADER_BYTES;
  let copysetCount = 0;
  let masterRmsetCount = 0;
  let rmsetCount = 0;
  if (msg.version !== undefined) fields |= F_VERSION;
  if (msg.newOwner !== undefined) fields |= F_NEW_OWNER;
  if (msg.objectState !== undefined) fields |= F_OBJECT_STATE;
  if (msg.master !== undefined) {
    fields |= F_MASTER;
    copysetCount = nodeSetSize(msg.master.copyset);
    masterRmsetCount = nodeSetSize(msg.master.rmset);
    size += 4 + copysetCount + masterRmsetCount;
  }
  if (msg.rmset !== undefined) {
    fields |= F_RMSET;
    rmsetCount = nodeSetSize(msg.rmset);
    size += 2 + rmsetCount;
  }
  if (data !== undefined) {
    assert(data.byteLength > 0 && data.byteLength <= MAX_OBJECT_BYTES, 'payload size in bounds');
    fields |= F_DATA;
    size += data.byteLength;
  }
  const b = allocateFrame(size);
  b[0] = FRAME_OBJECT;
  b[1] = type;
  b[2] = fields;
  b[3] = msg.replyNode;
  b[4] = msg.flags & 0xff;
  b[5] = msg.flags >>> 8;
  b[6] = msg.newOwner ?? 0;
  b[7] = msg.objectState ?? 0;
  writeU53(b, 8, msg.setId);
  writeU53(b, 16, msg.objId);
  writeU53(b, 24, msg.reqId ?? 0);
  writeU53(b, 32, msg.version ?? 0);
  let p = OBJECT_FRAME_HEADER_BYTES;
  if (msg.master !== undefined) {
    p = writeNodeList(b, p, msg.master.copyset, copysetCount);
    p = writeNodeList(b, p, msg.master.rmset, masterRmsetCount);
  }
  if (msg.rmset !== undefined) p = writeNodeList(b, p, msg.rmset, rmsetCount);
  if (data !== undefined) {
    b.set(data, p);
    p += data.byteLength;
  }
  assert(p === size, 'the frame is filled exactly');
  return b;
}

/** The frame of a control message (set lookup, its reply, a recovery-round message). */
export function encodeControlFrame(wire: KddmWire): Uint8Array {
  const body = encodeValue(wire);
  const b = allocateFrame(1 + body.byteLength);
  b[0] = FRAME_CONTROL;
  b.set(body, 1);
  return b;
}

function decodeObjectFrame(b: Uint8Array): ObjectFrame {
  if (b.byteLength < OBJECT_FRAME_HEADER_BYTES) bad(`${b.byteLength} bytes, shorter than a header`);
  if (b.byteLength > MAX_OBJECT_FRAME_BYTES) bad(`${b.byteLength} bytes, longer than any frame`);
  const type = MESSAGE_TYPES[b[1]!];
  if (type === undefined) bad(`unknown message type ${b[1]}`);
  const fields = b[2]!;
  if ((fields & ~F_ALL) !== 0) bad(`unknown field bits ${fields.toString(16)}`);
  const flags = b[4]! | (b[5]! << 8);
  if ((flags & ~ALL_REQUEST_FLAGS) !== 0) bad(`request flags ${flags.toString(16)}`);
  const setId = readU53(b, 8);
  if (setId < 1) bad('set id');
  const objId = readU53(b, 16);
  if (objId < 0) bad('object id');
  const reqId = readU53(b, 24);
  if (reqId < 0) bad('request id');
  const version = readU53(b, 32);
  if (version < 0) bad('version');
  const msg: {
    -readonly [K in keyof KddmMessage]: KddmMessage[K];
  } = {
    type,
    setId,
    objId,
    flags,
    reqId,
    version: undefined,
    replyNode: b[3]!,
    newOwner: undefined,
    objectState: undefined,
    master: undefined,
    rmset: undefined,
    carriesObject: undefined,
  };
  // Absent fields are zero: one message has exactly one frame.
  if ((fields & F_VERSION) !== 0) msg.version = version;
  else if (version !== 0) bad('version without its field bit');
  if ((fields & F_NEW_OWNER) !== 0) msg.newOwner = b[6]!;
  else if (b[6] !== 0) bad('new owner without its field bit');
  if ((fields & F_OBJECT_STATE) !== 0) {
    const st = b[7]!;
    if (!isObjectState(st)) bad(`object state ${st}`);
    msg.objectState = st;
  } else if (b[7] !== 0) bad('object state without its field bit');
  let p = OBJECT_FRAME_HEADER_BYTES;
  if ((fields & F_MASTER) !== 0) {
    const [copyset, afterCopyset] = readNodeList(b, p, 'copyset');
    const [rmset, afterRmset] = readNodeList(b, afterCopyset, 'master rmset');
    msg.master = { copyset, rmset };
    p = afterRmset;
  }
  if ((fields & F_RMSET) !== 0) {
    const [rmset, after] = readNodeList(b, p, 'rmset');
    msg.rmset = rmset;
    p = after;
  }
  let payload: Payload = NO_PAYLOAD;
  if ((fields & F_DATA) !== 0) {
    const n = b.byteLength - p;
    if (n < 1 || n > MAX_OBJECT_BYTES) bad(`object payload of ${n} bytes`);
    try {
      payload = decodeValue(new Uint8Array(b.buffer, b.byteOffset + p, n));
    } catch (error) {
      if (error instanceof CodecMalformed) bad(`object payload: ${error.message}`);
      throw error;
    }
    msg.carriesObject = true;
  } else if (p !== b.byteLength) bad(`${b.byteLength - p} bytes after the message`);
  return { kind: 'object', msg, payload };
}

/** Validate and decode a frame from the network; throws KddmBadMessage. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  if (!(frame instanceof Uint8Array) || frame.byteLength === 0) bad('empty');
  switch (frame[0]) {
    case FRAME_OBJECT:
      return decodeObjectFrame(frame);
    case FRAME_CONTROL: {
      let value: unknown;
      try {
        value = decodeValue(
          new Uint8Array(frame.buffer, frame.byteOffset + 1, frame.byteLength - 1),
        );
      } catch (error) {
        if (error instanceof CodecMalformed) bad(`control message: ${error.message}`);
        throw error;
      }
      const wire = checkWireKind(value);
      return { kind: 'control', wire };
    }
    default:
      return bad(`unknown tag ${frame[0]}`);
  }
}

/** The message type of an object frame, or 'control' (for counters and traces; no validation). */
export function frameLabel(frame: Uint8Array): string {
  return frame[0] === FRAME_OBJECT ? (MESSAGE_TYPES[frame[1]!] ?? 'bad') : 'control';
}
