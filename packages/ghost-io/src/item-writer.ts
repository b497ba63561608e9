// Buffers items and hands full buffers to a FrameSink. Small values are
// copied into the buffer and cost no I/O; a large body (a page run, a big
// record) closes the current frame as its borrowed tail, so it is never
// copied by us on its way to a file.
import { GhostAccessError, GhostInvalidValue, GhostLimitExceeded } from './errors.js';
import {
  FIXED_BODY_BYTES,
  ItemTag,
  VARIABLE_ITEM_HEADER_BYTES,
  type FixedKind,
} from './item-format.js';
import type { FrameSink } from './frame-port.js';
import { GHOST_INLINE_PAGES_MAX_BYTES, GHOST_WRITE_BUFFER_BYTES } from './limits.js';

export class ItemWriter {
  private buffer: Buffer;
  private used: number;
  private failure: unknown = null;

  constructor(private readonly sink: FrameSink) {
    this.buffer = this.freshBuffer();
    this.used = sink.headerBytes;
  }

  /** Appends a fixed-size item; `fill` writes the body at `at`. Values were validated by the caller. */
  async writeFixed(kind: FixedKind, fill: (buffer: Buffer, at: number) => void): Promise<void> {
    const bodyBytes = FIXED_BODY_BYTES[kind];
    await this.reserve(1 + bodyBytes);
    this.buffer[this.used] = ItemTag[kind];
    fill(this.buffer, this.used + 1);
    this.used += 1 + bodyBytes;
  }

  /**
   * Appends a variable-size item: tag, u32 length (or page count), body.
   * Bodies up to GHOST_INLINE_PAGES_MAX_BYTES that fit are copied into the
   * buffer (batched); larger ones end the frame as its borrowed tail.
   */
  async writeVariable(tag: number, lengthField: number, body: Uint8Array): Promise<void> {
    this.assertUsable('write');
    const itemBytes = VARIABLE_ITEM_HEADER_BYTES + body.byteLength;
    if (body.byteLength <= GHOST_INLINE_PAGES_MAX_BYTES) {
      await this.reserve(itemBytes);
      this.putVariableHeader(tag, lengthField);
      this.buffer.set(body, this.used);
      this.used += body.byteLength;
      return;
    }
    await this.reserve(VARIABLE_ITEM_HEADER_BYTES);
    this.putVariableHeader(tag, lengthField);
    await this.emit(body);
  }

  /** Sends the buffered items, if any, as one frame. */
  async flush(): Promise<void> {
    this.assertUsable('flush');
    if (this.used > this.sink.headerBytes) await this.emit(null);
  }

  /** Writes the end item, flushes and finishes the sink. */
  async close(): Promise<void> {
    await this.writeFixed('end', () => {});
    await this.emit(null);
    try {
      await this.sink.finish();
    } catch (error) {
      this.failure = error;
      throw error;
    }
    this.failure = new GhostAccessError('write', 'the ghost is closed');
  }

  async abort(): Promise<void> {
    if (this.failure === null)
      this.failure = new GhostAccessError('write', 'the ghost was aborted');
    await this.sink.abort();
  }

  private putVariableHeader(tag: number, lengthField: number): void {
    this.buffer[this.used] = tag;
    this.buffer.writeUInt32LE(lengthField, this.used + 1);
    this.used += VARIABLE_ITEM_HEADER_BYTES;
  }

  private async reserve(itemBytes: number): Promise<void> {
    this.assertUsable('write');
    if (this.used + itemBytes > this.buffer.byteLength) await this.emit(null);
  }

  private async emit(borrowed: Uint8Array | null): Promise<void> {
    const owned = this.buffer.subarray(0, this.used);
    // The sink owns `owned` from here on; the next items go to a new buffer.
    this.buffer = this.freshBuffer();
    this.used = this.sink.headerBytes;
    try {
      await this.sink.writeFrame(owned, borrowed);
    } catch (error) {
      // A failed frame leaves the stream with a gap: refuse every later write.
      this.failure = error;
      throw error;
    }
  }

  private freshBuffer(): Buffer {
    return Buffer.allocUnsafe(this.sink.headerBytes + GHOST_WRITE_BUFFER_BYTES);
  }

  private assertUsable(operation: string): void {
    if (this.failure === null) return;
    if (this.failure instanceof GhostAccessError) throw this.failure;
    const reason = this.failure instanceof Error ? this.failure.message : 'an unknown failure';
    throw new GhostAccessError(operation, `an earlier write failed (${reason})`);
  }
}

/** Checks `value` is an integer in [min, max]; throws GhostInvalidValue otherwise. */
export function checkInteger(kind: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new GhostInvalidValue(kind, describe(value));
  }
  return value;
}

export function checkBigInt(kind: string, value: unknown, min: bigint, max: bigint): bigint {
  if (typeof value !== 'bigint' || value < min || value > max) {
    throw new GhostInvalidValue(kind, describe(value));
  }
  return value;
}

export function checkLength(what: string, actual: number, limit: number): void {
  if (actual > limit) throw new GhostLimitExceeded(what, limit, actual);
}

export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return String(value);
}
