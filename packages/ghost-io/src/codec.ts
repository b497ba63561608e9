// The one msgpackr configuration of the whole project. Ghost records, RPC
// messages and KDDM objects are all encoded here, so a value means the same
// thing on every path. The rules (also in the README):
//
// - Value kinds: undefined, null, booleans, numbers, bigints in the 64-bit
//   range [-2^63, 2^64 - 1], well-formed strings, Uint8Array (Buffer too),
//   arrays, plain objects (string keys, not `__proto__`) and Maps, nested at
//   most CODEC_MAX_DEPTH deep. Anything else is refused with
//   CodecUnsupportedValue before a byte is written: a Date, Set, class
//   instance or other typed array would otherwise come back as something else.
// - Integers: a JS number always decodes as a number (msgpackr writes integers
//   beyond 32 bits as float64, exactly); a bigint always decodes as a bigint
//   (written as int64/uint64, read back with int64AsType 'bigint'). So the type
//   survives the round trip; simulated time in bigint nanoseconds stays bigint.
//   The one lossy case: -0 decodes as 0.
// - Maps stay Maps (mapsAsObjects false); plain objects stay plain objects
//   (msgpackr's record extension, with the structure inlined in each encoded
//   value, so every value decodes on its own).
// - Byte arrays decode as plain Uint8Array copies (never Buffer, never a view
//   into the input), so a decoded value does not pin or alias the source.
import { Packr, Unpackr, type Options } from 'msgpackr';
import { CodecMalformed, CodecUnsupportedValue } from './errors.js';
import { CODEC_MAX_DEPTH } from './limits.js';
import { isWellFormedString } from './well-formed.js';

const OPTIONS: Options = {
  useRecords: true,
  mapsAsObjects: false,
  int64AsType: 'bigint',
  copyBuffers: true,
  moreTypes: false,
  structuredClone: false,
};

const packr = new Packr(OPTIONS);
const unpackr = new Unpackr(OPTIONS);

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Encodes one value with the project's codec configuration; throws CodecUnsupportedValue. */
export function encodeValue(value: unknown): Uint8Array {
  checkEncodable(value);
  const packed = packr.pack(value);
  // msgpackr hands back a Buffer view of its own arena; callers get a plain
  // Uint8Array over the same bytes (no copy). msgpackr never rewrites bytes it
  // has returned: the next pack starts after them.
  return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
}

/** Decodes exactly one value that fills `bytes`; throws CodecMalformed on anything else. */
export function decodeValue(bytes: Uint8Array): unknown {
  // A fresh plain view: msgpackr caches a DataView on its input object, and
  // byte arrays sliced from a plain Uint8Array come out as plain Uint8Arrays.
  const source = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (source.byteLength === 0) throw new CodecMalformed('empty input');
  let value: unknown;
  try {
    value = unpackr.unpack(source);
  } catch (error) {
    // msgpackr reports truncation, trailing bytes, bad extensions and deep
    // nesting (stack overflow) as plain Errors/RangeErrors.
    const reason = error instanceof Error ? error.message : String(error);
    throw new CodecMalformed(reason);
  }
  // Bytes our encoder did not write can still decode to msgpackr's other
  // kinds (a Date, a typed array, its 0xc1 marker object): refuse them, so a
  // decoded value is always one the codec could have encoded.
  try {
    checkEncodable(value);
  } catch (error) {
    if (!(error instanceof CodecUnsupportedValue)) throw error;
    throw new CodecMalformed(`decoded a value outside the codec's kinds: ${error.message}`);
  }
  return value;
}

/**
 * Throws CodecUnsupportedValue unless `value` is of the codec's kinds. A
 * path-free walk first (every message goes through it); only a value that
 * fails is walked again to name the path of what failed.
 */
function checkEncodable(value: unknown): void {
  if (!isEncodable(value, 0)) assertEncodable(value, 'value', 0);
}

/** The same rules as `assertEncodable`, answering only yes or no (no strings built). */
function isEncodable(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'number':
      return true;
    case 'bigint':
      return value >= INT64_MIN && value <= UINT64_MAX;
    case 'string':
      return isWellFormedString(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null || value instanceof Uint8Array) return true;
  if (depth >= CODEC_MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isEncodable(value[i], depth + 1)) return false;
    return true;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      if (!isEncodable(key, depth + 1) || !isEncodable(item, depth + 1)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key in value) {
    // for-in also walks inherited keys; a plain object (checked above) has none but own ones.
    if (key === '__proto__') return false;
    if (!isEncodable((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function assertEncodable(value: unknown, path: string, depth: number): void {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'number':
      return;
    case 'bigint':
      if (value < INT64_MIN || value > UINT64_MAX) {
        throw new CodecUnsupportedValue(path, `bigint ${value} is outside [-2^63, 2^64 - 1]`);
      }
      return;
    case 'string':
      if (!isWellFormedString(value)) {
        throw new CodecUnsupportedValue(path, 'a string with a lone surrogate');
      }
      return;
    case 'object':
      break;
    default:
      throw new CodecUnsupportedValue(path, `a ${typeof value}`);
  }
  if (value === null || value instanceof Uint8Array) return;
  if (depth >= CODEC_MAX_DEPTH) {
    throw new CodecUnsupportedValue(path, `nesting deeper than ${CODEC_MAX_DEPTH} (or a cycle)`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      assertEncodable(value[i], `${path}[${i}]`, depth + 1);
    }
    return;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [key, item] of value) {
      assertEncodable(key, `${path}.<key ${i}>`, depth + 1);
      assertEncodable(item, `${path}.<value ${i}>`, depth + 1);
      i++;
    }
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
    throw new CodecUnsupportedValue(path, `an instance of ${name}`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new CodecUnsupportedValue(path, 'an object with symbol keys');
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') throw new CodecUnsupportedValue(path, 'a "__proto__" key');
    assertEncodable((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
  }
}
