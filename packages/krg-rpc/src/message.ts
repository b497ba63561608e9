// The RPC messages that travel as reliable-link frames. The envelope is
// binary, in the frame's two header words; only the payload (call arguments,
// a result, a packed value) goes through ghost-io's codec, so the codec
// walks and encodes nothing but what the caller handed over.
//
//   word0 = kind (bits 0-7) | flag (bits 8-15) | serviceId (bits 16-31)
//   word1 = conversation id
//
// A conversation is named by the client's node id and a conversation id the
// client allocated. `flag` is the call mode for BEGIN, isOk for RESULT, and
// for the descriptor messages whether the message goes to the server side.
//
// Bodies: BEGIN — the encoded arguments (for a descriptor, the client's
// deadline in ns; for a bytes cast, the caller's bytes as they are); RESULT — the encoded value (an error travels as
// [code, message]); DATA — the packed bytes themselves (already encoded by
// the descriptor, not wrapped again); CREDIT — the encoded count of bytes
// consumed; END, CANCEL — empty.
import { assert } from './assert.js';
import { MAX_SERVICE_ID } from './limits.js';

export const M_BEGIN = 0;
export const M_DATA = 1;
export const M_END = 2;
export const M_CANCEL = 3;
export const M_RESULT = 4;
export const M_CREDIT = 5;
const M_LAST = M_CREDIT;

/** How a conversation was opened. */
export const MODE_CALL = 0;
export const MODE_CAST = 1;
export const MODE_DESCRIPTOR = 2;
/** A cast whose body is the caller's own bytes: no codec on either side (`castBytes`). */
export const MODE_BYTES_CAST = 3;

/** The first header word of a message. */
export function headerWord(kind: number, flag: number, serviceId = 0): number {
  return (kind | (flag << 8) | (serviceId << 16)) >>> 0;
}

export function messageKind(word0: number): number {
  return word0 & 0xff;
}

export function messageFlag(word0: number): number {
  return (word0 >>> 8) & 0xff;
}

export function messageServiceId(word0: number): number {
  return word0 >>> 16;
}

/**
 * Whether a received header word is one this layer writes (the frame comes
 * from the network: a bad one is counted and dropped, never trusted).
 */
export function isWellFormedHeader(word0: number): boolean {
  const kind = messageKind(word0);
  const flag = messageFlag(word0);
  if (kind > M_LAST) return false;
  if (kind === M_BEGIN) return flag <= MODE_BYTES_CAST;
  if (messageServiceId(word0) !== 0) return false;
  return flag <= 1;
}

assert(MAX_SERVICE_ID <= 0xffff, 'a service id fits in the top 16 bits of word0');

/** How a handler's failure travels: its `code` (or name) and message. */
export function describeError(error: unknown): [string, string] {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return [typeof code === 'string' ? code : error.name, error.message];
  }
  return ['Error', String(error)];
}
