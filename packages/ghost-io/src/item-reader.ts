// Pulls frames from a FrameSource and hands out items, checking each item's
// kind against what the caller asks for and every length against its bound
// and against the frame it sits in before slicing.
import { GhostCorrupted, GhostTypeMismatch } from './errors.js';
import {
  FIXED_BODY_BYTES,
  VARIABLE_BOUNDS,
  VARIABLE_ITEM_HEADER_BYTES,
  isFixedKind,
  kindOfTag,
  type FixedKind,
  type ItemKind,
  type VariableKind,
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
    const offset = await this.readTag(kind);
    const at = this.takeBody(offset, kind, FIXED_BODY_BYTES[kind]);
    return { view: this.view, at, offset };
  }

  /** Reads a variable-size item of `kind`; returns its body as a view into the frame. */
  async readVariable(
    kind: VariableKind,
  ): Promise<{ body: Uint8Array; lengthField: number; offset: number }> {
    const offset = await this.readTag(kind);
    return { ...this.takeVariableBody(offset, kind), offset };
  }

  /** Reads the end item and checks that nothing follows it. */
  async readEnd(): Promise<void> {
    const offset = await this.readTag('end');
    await this.finishAtEnd(offset);
  }

  /** Skips the next item whatever its kind (verification walks); returns the kind. */
  async skipItem(): Promise<ItemKind> {
    const { kind, offset } = await this.peekTag();
    this.position += 1;
    if (kind === 'end') await this.finishAtEnd(offset);
    else if (isFixedKind(kind)) this.takeBody(offset, kind, FIXED_BODY_BYTES[kind]);
    else this.takeVariableBody(offset, kind);
    return kind;
  }

  corrupted(offset: number, expected: string, found: string): GhostCorrupted {
    return new GhostCorrupted(this.source.name, offset, expected, found);
  }

  private async finishAtEnd(offset: number): Promise<void> {
    if (this.position !== this.frame.payload.byteLength) {
      throw this.corrupted(offset + 1, 'end of stream after the end marker', 'more items');
    }
    const next = await this.source.nextFrame();
    if (next !== null) {
      throw this.corrupted(next.offset, 'end of stream after the end marker', 'another frame');
    }
    this.isAtEnd = true;
  }

  /** Consumes the tag of the next item, which must be of `kind`; returns the item's stream offset. */
  private async readTag(kind: ItemKind): Promise<number> {
    const found = await this.peekTag();
    if (found.kind !== kind) {
      // The end marker is a well-formed item too: reading past it is a mismatch.
      throw new GhostTypeMismatch(
        this.source.name,
        found.offset,
        describeKind(kind),
        describeKind(found.kind),
      );
    }
    this.position += 1;
    return found.offset;
  }

  /** The kind and stream offset of the next item, fetching frames as needed; consumes nothing. */
  private async peekTag(): Promise<{ kind: ItemKind; offset: number }> {
    if (this.isAtEnd) return { kind: 'end', offset: this.source.endOffset };
    while (this.position >= this.frame.payload.byteLength) {
      const next = await this.source.nextFrame();
      if (next === null) {
        throw this.corrupted(
          this.source.endOffset,
          'another item or the end marker',
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
    const kind = kindOfTag(tag);
    if (kind === undefined)
      throw this.corrupted(offset, 'an item tag', `byte 0x${tag.toString(16)}`);
    return { kind, offset };
  }

  private takeVariableBody(
    offset: number,
    kind: VariableKind,
  ): { body: Uint8Array; lengthField: number } {
    const { maxLengthField, unitBytes } = VARIABLE_BOUNDS[kind];
    this.requireInFrame(offset, VARIABLE_ITEM_HEADER_BYTES - 1, `the ${kind} length`);
    const lengthField = this.view.getUint32(this.position, true);
    if (lengthField > maxLengthField) {
      throw this.corrupted(
        offset,
        `a ${kind} length of at most ${maxLengthField}`,
        String(lengthField),
      );
    }
    this.position += VARIABLE_ITEM_HEADER_BYTES - 1;
    const at = this.takeBody(offset, kind, lengthField * unitBytes);
    return { body: this.frame.payload.subarray(at, this.position), lengthField };
  }

  /** Consumes `bytes` of body after checking they lie inside the frame; returns where they start. */
  private takeBody(offset: number, kind: ItemKind, bytes: number): number {
    this.requireInFrame(offset, bytes, `a ${bytes}-byte ${kind} body`);
    const at = this.position;
    this.position += bytes;
    return at;
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
