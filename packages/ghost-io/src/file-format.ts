// The on-disk layout of a file ghost.
//
//   header (16 bytes): magic "KRGGHOST" | u16 format version | u16 flags (0)
//                      | u32 crc32 of the 12 bytes before it
//   frames, each:      u32 payload length | u32 crc32(length bytes ++ payload)
//                      | payload (whole items, see item-format.ts)
//
// The last frame ends with the end item and the file ends right after it, so
// a file cut at a frame boundary is still detected as truncated. The checksum
// covers the length, so a damaged length cannot pass as a shorter frame. All
// integers are little-endian.
import { crc32 } from 'node:zlib';
import { GhostCorrupted, GhostFormatUnsupported } from './errors.js';
import { GHOST_FRAME_MAX_PAYLOAD_BYTES } from './limits.js';

export const FILE_MAGIC = Buffer.from('KRGGHOST', 'latin1');
export const FILE_FORMAT_VERSION = 1;
export const FILE_HEADER_BYTES = 16;
export const FRAME_HEADER_BYTES = 8;

export function encodeFileHeader(): Buffer {
  const header = Buffer.alloc(FILE_HEADER_BYTES);
  FILE_MAGIC.copy(header, 0);
  header.writeUInt16LE(FILE_FORMAT_VERSION, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt32LE(crc32(header.subarray(0, 12)), 12);
  return header;
}

/** Checks a header read from `file`; `header` holds what was read (maybe short). */
export function verifyFileHeader(file: string, header: Uint8Array): void {
  if (header.byteLength < FILE_HEADER_BYTES) {
    throw new GhostCorrupted(
      file,
      0,
      `a ${FILE_HEADER_BYTES}-byte ghost header`,
      `a ${header.byteLength}-byte file`,
    );
  }
  const bytes = Buffer.from(header.buffer, header.byteOffset, FILE_HEADER_BYTES);
  if (!bytes.subarray(0, 8).equals(FILE_MAGIC)) {
    throw new GhostCorrupted(
      file,
      0,
      'the magic "KRGGHOST"',
      JSON.stringify(bytes.subarray(0, 8).toString('latin1')),
    );
  }
  const stored = bytes.readUInt32LE(12);
  const computed = crc32(bytes.subarray(0, 12));
  if (stored !== computed) {
    throw new GhostCorrupted(file, 0, `header checksum ${hex(computed)}`, hex(stored));
  }
  const version = bytes.readUInt16LE(8);
  const flags = bytes.readUInt16LE(10);
  if (version !== FILE_FORMAT_VERSION || flags !== 0) {
    throw new GhostFormatUnsupported(
      file,
      8,
      `format version ${FILE_FORMAT_VERSION} with flags 0`,
      `version ${version} with flags ${flags}`,
    );
  }
}

/** Writes the payload length into the frame header at the start of `owned`; returns it. */
export function putFrameLength(owned: Buffer, borrowed: Uint8Array | null): number {
  const payloadBytes = owned.byteLength - FRAME_HEADER_BYTES + (borrowed?.byteLength ?? 0);
  owned.writeUInt32LE(payloadBytes, 0);
  return payloadBytes;
}

/** Computes the frame checksum (length field, then payload) into the header at the start of `owned`. */
export function putFrameChecksum(owned: Buffer, borrowed: Uint8Array | null): void {
  let crc = crc32(owned.subarray(0, 4));
  crc = crc32(owned.subarray(FRAME_HEADER_BYTES), crc);
  if (borrowed !== null) crc = crc32(borrowed, crc);
  owned.writeUInt32LE(crc, 4);
}

/** Reads a frame header's payload length, bounded before anyone allocates for it. */
export function frameLength(file: string, offset: number, header: Buffer): number {
  const length = header.readUInt32LE(0);
  if (length === 0 || length > GHOST_FRAME_MAX_PAYLOAD_BYTES) {
    throw new GhostCorrupted(
      file,
      offset,
      `a frame length in [1, ${GHOST_FRAME_MAX_PAYLOAD_BYTES}]`,
      String(length),
    );
  }
  return length;
}

/** Checks a frame's checksum (over its length field and payload). */
export function verifyFrame(
  file: string,
  offset: number,
  header: Buffer,
  payload: Uint8Array,
): void {
  const stored = header.readUInt32LE(4);
  const computed = crc32(payload, crc32(header.subarray(0, 4)));
  if (stored !== computed) {
    throw new GhostCorrupted(file, offset, `frame checksum ${hex(computed)}`, hex(stored));
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
