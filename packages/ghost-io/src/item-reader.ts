// Pulls frames from a FrameSource and hands out items, checking each item's
// kind against what the caller asks for and every length against the frame
// it sits in (and against the limits) before slicing.
import { GhostCorrupted, GhostTypeMismatch } from './errors.js';
import {
  FIXED_BODY_BYTES,
  VARIABLE_ITEM_HEADER_BYTES,
  kindOfTag,
  type FixedKind,
  type ItemKind,
} from './item-format.js';
import type { FrameSource, ReceivedFrame } from './frame-port.js';

const NO_FRAME: ReceivedFrame = { payload: new Uint8Array(0), offset: 0 };

export class ItemReader {
  private frame: ReceivedFrame = NO_FRAME;
  private view = new DataView(NO_FRAME.payload.buffer);
  private position = 0;
  private isAtEnd = false;

  constructor(readonly source: FrameSource) {}

  /** Reads a fixed-size item of `kind`; returns the view and body position to decode from. */
  async readFixed(kind: FixedKind): Promise<{ view: DataView; at: number; offset: number }> {
    const start = await this.readTag(kind);
    const bodyBytes = FIXED_BODY_BYTES[kind];
    this.requireInFrame(start, bodyBytes, `a ${bodyBytes}-byte ${kind} body`);
    const at = this.position;
    this.position += bodyBytes;
    return { view: this.view, at, offset: start };
  }

  /**
   * Reads a variable-size item of `kind` whose length field (a byte length,
   * or a page count) is at most `maxLengthField`; `bodyBytesOf` turns the
   * length field into the body size. Returns a view into the frame.
   */
  async readVariable(
    kind: ItemKind,
    maxLengthField: number,
    bodyBytesOf: (lengthField: number) => number,
  ): Promise<{ body: Uint8Array; lengthField: number; offset: number }> {
    const start = await this.readTag(kind);
    this.requireInFrame(start, VARIABLE_ITEM_HEADER_BYTES - 1, `the ${kind} length`);
    const lengthField = this.view.getUint32(this.position, true);
    if (lengthField > maxLengthField) {
      throw this.corrupted(
        start,
        `a ${kind} length of at most ${maxLengthField}`,
        String(lengthField),
      );
    }
    this.position += VARIABLE_ITEM_HEADER_BYTES - 1;
    const bodyBytes = bodyBytesOf(lengthField);
    this.requireInFrame(start, bodyBytes, `a ${bodyBytes}-byte ${kind} body`);
    const body = this.frame.payload.subarray(this.position, this.position + bodyBytes);
    this.position += bodyBytes;
    return { body, lengthField, offset: start };
  }

  /** Reads the end item and checks that nothing follows it. */
  async readEnd(): Promise<void> {
    const start = await this.readTag('end');
    if (this.position !== this.frame.payload.byteLength) {
      throw this.corrupted(start + 1, 'end of stream after the end marker', 'more items');
    }
    const next = await this.source.nextFrame();
    if (next !== null) {
      throw this.corrupted(next.offset, 'end of stream after the end marker', 'another frame');
    }
    this.isAtEnd = true;
  }

  corrupted(offset: number, expected: string, found: string): GhostCorrupted {
    return new GhostCorrupted(this.source.name, offset, expected, found);
  }

  /** Reads the next tag, fetching frames as needed; returns the item's stream offset. */
  private async readTag(kind: ItemKind): Promise<number> {
    if (this.isAtEnd) {
      throw new GhostTypeMismatch(
        this.source.name,
        this.source.endOffset,
        describeKind(kind),
        'the end of the ghost',
      );
    }
    while (this.position >= this.frame.payload.byteLength) {
      const next = await this.source.nextFrame();
      if (next === null) {
        throw this.corrupted(
          this.source.endOffset,
          describeKind(kind),
          'the end of the stream (truncated)',
        );
      }
      if (next.payload.byteLength === 0)
        throw this.corrupted(next.offset, 'a non-empty frame', 'an empty one');
      // A plain Uint8Array view (not a Buffer), so slices handed out are plain too.
      const { buffer, byteOffset, byteLength } = next.payload;
      this.frame = { payload: new Uint8Array(buffer, byteOffset, byteLength), offset: next.offset };
      this.view = new DataView(buffer, byteOffset, byteLength);
      this.position = 0;
    }
    const offset = this.frame.offset + this.position;
    const tag = this.frame.payload[this.position] ?? -1;
    const found = kindOfTag(tag);
    if (found === undefined)
      throw this.corrupted(offset, 'an item tag', `byte 0x${tag.toString(16)}`);
    if (found !== kind) {
      // The end marker is a well-formed item too: reading past it is a mismatch.
      throw new GhostTypeMismatch(
        this.source.name,
        offset,
        describeKind(kind),
        describeKind(found),
      );
    }
    this.position += 1;
    return offset;
  }

  private requireInFrame(itemOffset: number, bytes: number, expected: string): void {
    const left = this.frame.payload.byteLength - this.position;
    if (bytes > left) {
      throw this.corrupted(
        itemOffset,
        `${expected} inside its frame`,
        `only ${left} bytes left in the frame`,
      );
    }
  }
}

function describeKind(kind: ItemKind): string {
  return kind === 'end' ? 'the end marker' : `a ${kind}`;
}
