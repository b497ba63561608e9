// The Ghost every transport shares: typed values over the item layer. The
// memory, file and network ghosts differ only in their FrameSink and
// FrameSource; this class checks values, access and the limits.
import { decodeValue, encodeValue } from './codec.js';
import { CodecMalformed, GhostAccessError, GhostCorrupted, GhostInvalidValue } from './errors.js';
import type { FrameSink, FrameSource } from './frame-port.js';
import type { Ghost, GhostAccess } from './ghost.js';
import { ItemTag, type ItemKind } from './item-format.js';
import { ItemReader } from './item-reader.js';
import { ItemWriter, checkBigInt, checkInteger, checkLength, describe } from './item-writer.js';
import {
  GHOST_BYTES_MAX_BYTES,
  GHOST_RECORD_MAX_BYTES,
  GHOST_STRING_MAX_BYTES,
  PAGE_RUN_MAX_PAGES,
  PAGE_SIZE_BYTES,
} from './limits.js';
import { isWellFormedString } from './well-formed.js';

const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export abstract class StreamGhost implements Ghost {
  private readonly writer: ItemWriter | null;
  private readonly reader: ItemReader | null;
  private isClosed = false;
  private hasClosedCleanly = false;

  protected constructor(
    readonly access: GhostAccess,
    readonly name: string,
    sink: FrameSink | null,
    source: FrameSource | null,
  ) {
    this.writer = sink === null ? null : new ItemWriter(sink);
    this.reader = source === null ? null : new ItemReader(source);
  }

  // --- writing -------------------------------------------------------------

  async writeU8(value: number): Promise<void> {
    checkInteger('u8', value, 0, 0xff);
    await this.out('writeU8').writeFixed('u8', (b, at) => b.writeUInt8(value, at));
  }

  async writeU16(value: number): Promise<void> {
    checkInteger('u16', value, 0, 0xffff);
    await this.out('writeU16').writeFixed('u16', (b, at) => b.writeUInt16LE(value, at));
  }

  async writeU32(value: number): Promise<void> {
    checkInteger('u32', value, 0, 0xffff_ffff);
    await this.out('writeU32').writeFixed('u32', (b, at) => b.writeUInt32LE(value, at));
  }

  async writeI32(value: number): Promise<void> {
    checkInteger('i32', value, -0x8000_0000, 0x7fff_ffff);
    await this.out('writeI32').writeFixed('i32', (b, at) => b.writeInt32LE(value, at));
  }

  async writeF64(value: number): Promise<void> {
    if (typeof value !== 'number') throw new GhostInvalidValue('f64', describe(value));
    await this.out('writeF64').writeFixed('f64', (b, at) => b.writeDoubleLE(value, at));
  }

  async writeU64(value: bigint): Promise<void> {
    checkBigInt('u64', value, 0n, U64_MAX);
    await this.out('writeU64').writeFixed('u64', (b, at) => b.writeBigUInt64LE(value, at));
  }

  async writeI64(value: bigint): Promise<void> {
    checkBigInt('i64', value, I64_MIN, I64_MAX);
    await this.out('writeI64').writeFixed('i64', (b, at) => b.writeBigInt64LE(value, at));
  }

  async writeBool(value: boolean): Promise<void> {
    if (typeof value !== 'boolean') throw new GhostInvalidValue('bool', describe(value));
    await this.out('writeBool').writeFixed('bool', (b, at) => b.writeUInt8(value ? 1 : 0, at));
  }

  async writeString(value: string): Promise<void> {
    if (typeof value !== 'string' || !isWellFormedString(value)) {
      throw new GhostInvalidValue('well-formed string', describe(value));
    }
    const writer = this.out('writeString');
    const bytes = utf8Encoder.encode(value);
    checkLength('string length in UTF-8 bytes', bytes.byteLength, GHOST_STRING_MAX_BYTES);
    await writer.writeVariable(ItemTag.string, bytes.byteLength, bytes);
  }

  async writeBytes(value: Uint8Array): Promise<void> {
    if (!(value instanceof Uint8Array)) throw new GhostInvalidValue('Uint8Array', describe(value));
    const writer = this.out('writeBytes');
    checkLength('byte array length', value.byteLength, GHOST_BYTES_MAX_BYTES);
    await writer.writeVariable(ItemTag.bytes, value.byteLength, value);
  }

  async writeRecord(value: unknown): Promise<void> {
    const writer = this.out('writeRecord');
    const bytes = encodeValue(value);
    checkLength('encoded record length', bytes.byteLength, GHOST_RECORD_MAX_BYTES);
    await writer.writeVariable(ItemTag.record, bytes.byteLength, bytes);
  }

  async writePages(pages: Uint8Array): Promise<void> {
    if (!(pages instanceof Uint8Array))
      throw new GhostInvalidValue('page run (Uint8Array)', describe(pages));
    const writer = this.out('writePages');
    if (pages.byteLength === 0 || pages.byteLength % PAGE_SIZE_BYTES !== 0) {
      throw new GhostInvalidValue(
        `page run (a positive multiple of ${PAGE_SIZE_BYTES} bytes)`,
        `${pages.byteLength} bytes`,
      );
    }
    const pageCount = pages.byteLength / PAGE_SIZE_BYTES;
    checkLength('page run length in pages', pageCount, PAGE_RUN_MAX_PAGES);
    await writer.writeVariable(ItemTag.pages, pageCount, pages);
  }

  async flush(): Promise<void> {
    await this.out('flush').flush();
  }

  // --- reading -------------------------------------------------------------

  async readU8(): Promise<number> {
    const { view, at } = await this.in('readU8').readFixed('u8');
    return view.getUint8(at);
  }

  async readU16(): Promise<number> {
    const { view, at } = await this.in('readU16').readFixed('u16');
    return view.getUint16(at, true);
  }

  async readU32(): Promise<number> {
    const { view, at } = await this.in('readU32').readFixed('u32');
    return view.getUint32(at, true);
  }

  async readI32(): Promise<number> {
    const { view, at } = await this.in('readI32').readFixed('i32');
    return view.getInt32(at, true);
  }

  async readF64(): Promise<number> {
    const { view, at } = await this.in('readF64').readFixed('f64');
    return view.getFloat64(at, true);
  }

  async readU64(): Promise<bigint> {
    const { view, at } = await this.in('readU64').readFixed('u64');
    return view.getBigUint64(at, true);
  }

  async readI64(): Promise<bigint> {
    const { view, at } = await this.in('readI64').readFixed('i64');
    return view.getBigInt64(at, true);
  }

  async readBool(): Promise<boolean> {
    const reader = this.in('readBool');
    const { view, at, offset } = await reader.readFixed('bool');
    const byte = view.getUint8(at);
    if (byte > 1) throw reader.corrupted(offset, 'a bool byte 0 or 1', String(byte));
    return byte === 1;
  }

  async readString(): Promise<string> {
    const reader = this.in('readString');
    const { body, offset } = await reader.readVariable('string');
    try {
      return utf8Decoder.decode(body);
    } catch {
      throw reader.corrupted(offset, 'a UTF-8 string', 'invalid UTF-8');
    }
  }

  async readBytes(): Promise<Uint8Array> {
    const { body } = await this.in('readBytes').readVariable('bytes');
    return body.slice();
  }

  async readRecord(): Promise<unknown> {
    const reader = this.in('readRecord');
    const { body, offset } = await reader.readVariable('record');
    try {
      return decodeValue(body);
    } catch (error) {
      if (!(error instanceof CodecMalformed)) throw error;
      throw new GhostCorrupted(
        reader.source.name,
        offset,
        'a well-formed encoded record',
        error.reason,
      );
    }
  }

  async readPages(): Promise<Uint8Array> {
    const reader = this.in('readPages');
    const { body, offset } = await reader.readVariable('pages');
    if (body.byteLength === 0)
      throw reader.corrupted(offset, 'a page run of at least one page', 'zero pages');
    // A view into the frame: no copy here (valid until the next read, see Ghost).
    return body;
  }

  async readEnd(): Promise<void> {
    await this.in('readEnd').readEnd();
  }

  async skipValue(): Promise<ItemKind> {
    return this.in('skipValue').skipItem();
  }

  // --- lifetime ------------------------------------------------------------

  /**
   * True once close() has finished: for a written ghost, the end marker is
   * written and (for a file ghost) durable. False while open and after abort().
   */
  get isComplete(): boolean {
    return this.hasClosedCleanly;
  }

  async close(): Promise<void> {
    if (this.isClosed) throw new GhostAccessError('close', 'the ghost is already closed');
    this.isClosed = true;
    try {
      if (this.writer !== null) await this.writer.close();
      this.hasClosedCleanly = true;
    } catch (error) {
      // Release the transport; the close failure is what the caller needs to see.
      await this.writer?.abort().catch(() => {});
      throw error;
    } finally {
      if (this.reader !== null) await this.reader.source.release();
    }
  }

  async abort(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      if (this.writer !== null) await this.writer.abort();
    } finally {
      if (this.reader !== null) await this.reader.source.release();
    }
  }

  private out(operation: string): ItemWriter {
    if (this.writer === null)
      throw new GhostAccessError(operation, `the ghost ${this.name} is not open for writing`);
    if (this.isClosed) throw new GhostAccessError(operation, `the ghost ${this.name} is closed`);
    return this.writer;
  }

  private in(operation: string): ItemReader {
    if (this.reader === null)
      throw new GhostAccessError(operation, `the ghost ${this.name} is not open for reading`);
    if (this.isClosed) throw new GhostAccessError(operation, `the ghost ${this.name} is closed`);
    return this.reader;
  }
}
