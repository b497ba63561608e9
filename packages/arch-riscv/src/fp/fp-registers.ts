// The FP register file seen by the arithmetic: f0–f31, 64 bits each, held in
// one ArrayBuffer with three views — the layout of the hart's `Cpu`, which
// satisfies this interface as it is. Register r lives in slots 2r (low word)
// and 2r + 1 (high word); every function here takes slot indices, as the
// decoder fills them into an `Op`. A binary64 value is read and written as a
// JavaScript number through `f64[slot >> 1]` (a non-NaN store is bit-exact),
// a binary32 value through `f32[slot]` (the low word, little-endian), and bit
// patterns through `fi`. NaN results are always written as bits, never
// through a number, because JavaScript engines may change a NaN's payload.
//
// Why numbers and not BigInt or hand-made bit pairs: bench/fp.bench.ts
// measures a binary64 add with its TwoSum inexact check through these views
// at a few nanoseconds, the same add on BigInt significands (exact.ts) at
// about a microsecond.

import type { FlagSink } from './fcsr.js';

export const FP_REGISTER_COUNT = 32;
/** Bytes of the register file: 32 registers of 8 bytes. */
export const FP_REGISTER_FILE_BYTES = FP_REGISTER_COUNT * 8;

/** Upper word (as int32) of a properly NaN-boxed single in a 64-bit register. */
export const NAN_BOX_HIGH = -1;
export const CANONICAL_NAN_32 = 0x7fc00000;
export const CANONICAL_NAN_64_HIGH = 0x7ff80000;

export interface FpRegisterFile extends FlagSink {
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  readonly fi: Int32Array;
}

/** Views over `buffer` (a fresh zeroed one by default) at an 8-aligned offset. */
export function createFpRegisterFile(
  buffer: ArrayBuffer = new ArrayBuffer(FP_REGISTER_FILE_BYTES),
  byteOffset = 0,
): FpRegisterFile {
  if (byteOffset % 8 !== 0 || byteOffset + FP_REGISTER_FILE_BYTES > buffer.byteLength) {
    throw new RangeError(
      `FP register file needs ${FP_REGISTER_FILE_BYTES} bytes at an 8-aligned offset; got offset ${byteOffset} in ${buffer.byteLength} bytes`,
    );
  }
  return {
    f64: new Float64Array(buffer, byteOffset, FP_REGISTER_COUNT),
    f32: new Float32Array(buffer, byteOffset, FP_REGISTER_COUNT * 2),
    fi: new Int32Array(buffer, byteOffset, FP_REGISTER_COUNT * 2),
    fflags: 0,
  };
}

/** The 64-bit pattern of the register at `slot`. */
export function readBits64(r: FpRegisterFile, slot: number): bigint {
  return (BigInt(r.fi[slot + 1]! >>> 0) << 32n) | BigInt(r.fi[slot]! >>> 0);
}

export function writeBits64(r: FpRegisterFile, slot: number, bits: bigint): void {
  r.fi[slot] = Number(bits & 0xffffffffn);
  r.fi[slot + 1] = Number((bits >> 32n) & 0xffffffffn);
}

/**
 * The binary32 operand at `slot` as an unsigned bit pattern: its low word
 * when properly NaN-boxed (upper 32 bits all ones), otherwise the canonical
 * NaN, as the F chapter requires of every operation but the transfers.
 */
export function readBits32(r: FpRegisterFile, slot: number): number {
  return r.fi[slot + 1] === NAN_BOX_HIGH ? r.fi[slot]! >>> 0 : CANONICAL_NAN_32;
}

/** Writes a binary32 result NaN-boxed. */
export function writeBits32(r: FpRegisterFile, slot: number, bits: number): void {
  r.fi[slot] = bits;
  r.fi[slot + 1] = NAN_BOX_HIGH;
}

export function writeCanonicalNaN64(r: FpRegisterFile, slot: number): void {
  r.fi[slot] = 0;
  r.fi[slot + 1] = CANONICAL_NAN_64_HIGH;
}
