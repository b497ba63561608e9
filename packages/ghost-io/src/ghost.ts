// The Ghost interface: Kerrighed's ghost_t (reference §2) as a typed,
// asynchronous stream. Export functions write values in some order; import
// functions read them back in exactly the mirrored order. Every value carries
// its kind on the wire, so reading a kind other than the one written at that
// position is a GhostTypeMismatch, never garbage.
import type { ItemKind } from './item-format.js';

/** Which directions a ghost allows (Kerrighed's GHOST_READ / GHOST_WRITE). */
export type GhostAccess = 'read' | 'write' | 'read-write';

/** The writing half. Small values are buffered: they cost no I/O each. */
export interface GhostWriter {
  writeU8(value: number): Promise<void>;
  writeU16(value: number): Promise<void>;
  writeU32(value: number): Promise<void>;
  writeI32(value: number): Promise<void>;
  writeF64(value: number): Promise<void>;
  writeU64(value: bigint): Promise<void>;
  writeI64(value: bigint): Promise<void>;
  writeBool(value: boolean): Promise<void>;
  /** A well-formed string of at most GHOST_STRING_MAX_BYTES UTF-8 bytes. */
  writeString(value: string): Promise<void>;
  /** Raw bytes, at most GHOST_BYTES_MAX_BYTES. */
  writeBytes(value: Uint8Array): Promise<void>;
  /** Any value the codec encodes (see codec.ts), at most GHOST_RECORD_MAX_BYTES encoded. */
  writeRecord(value: unknown): Promise<void>;
  /**
   * A run of whole pages: `pages.byteLength` is a positive multiple of
   * PAGE_SIZE_BYTES, at most PAGE_RUN_MAX_PAGES pages. The ghost may read
   * `pages` until the returned promise resolves; it copies them at most once.
   */
  writePages(pages: Uint8Array): Promise<void>;
  /** Hands the buffered values to the transport now (a network peer can then read them). */
  flush(): Promise<void>;
}

/** The reading half; each read checks the kind written at this position. */
export interface GhostReader {
  readU8(): Promise<number>;
  readU16(): Promise<number>;
  readU32(): Promise<number>;
  readI32(): Promise<number>;
  readF64(): Promise<number>;
  readU64(): Promise<bigint>;
  readI64(): Promise<bigint>;
  readBool(): Promise<boolean>;
  readString(): Promise<string>;
  /** A fresh copy the caller owns. */
  readBytes(): Promise<Uint8Array>;
  readRecord(): Promise<unknown>;
  /**
   * One page run, as written. The bytes are valid until the next read on this
   * ghost (a file ghost reuses its read buffers): copy them to keep them.
   */
  readPages(): Promise<Uint8Array>;
  /**
   * Checks that the writer closed the ghost here and nothing follows: the
   * whole stream was read and verified. A truncated ghost fails here.
   */
  readEnd(): Promise<void>;
  /**
   * Skips the next value whatever its kind and says which kind it was; at the
   * end marker it checks, as readEnd, that nothing follows and returns 'end'.
   * For verification walks over ghosts whose layout the caller does not know.
   */
  skipValue(): Promise<ItemKind>;
}

export interface Ghost extends GhostWriter, GhostReader {
  readonly access: GhostAccess;
  /** The source named in errors: a file path, `<memory>` or `<network>`. */
  readonly name: string;
  /**
   * Writing side: writes the end marker, flushes and makes the ghost durable
   * (a file ghost fsyncs) or ends the stream (a network ghost closes its
   * channel's sending direction). Reading side: releases resources.
   */
  close(): Promise<void>;
  /** Releases resources without the end marker: readers of a written ghost will see it truncated. */
  abort(): Promise<void>;
}
