// A ghost held in memory: for tests and for in-process transfer. The writer
// keeps each frame as one buffer (page runs copied once, into it); the
// reader hands those buffers out without copying again, so an image is read
// once: toReader() hands the writer's frames over to exactly one reader.
import { GhostAccessError } from './errors.js';
import type { FrameSink, FrameSource, ReceivedFrame } from './frame-port.js';
import { StreamGhost } from './stream-ghost.js';

const MEMORY_NAME = '<memory>';

class MemoryFrameSink implements FrameSink {
  readonly headerBytes = 0;
  readonly frames: Uint8Array[] = [];
  isFinished = false;

  async writeFrame(owned: Uint8Array, borrowed: Uint8Array | null): Promise<void> {
    if (borrowed === null) {
      this.frames.push(owned);
      return;
    }
    const frame = new Uint8Array(owned.byteLength + borrowed.byteLength);
    frame.set(owned, 0);
    frame.set(borrowed, owned.byteLength);
    this.frames.push(frame);
  }

  async finish(): Promise<void> {
    this.isFinished = true;
  }

  async abort(): Promise<void> {}
}

class MemoryFrameSource implements FrameSource {
  readonly name = MEMORY_NAME;
  endOffset = 0;
  private index = 0;

  constructor(private readonly frames: readonly Uint8Array[]) {}

  async nextFrame(): Promise<ReceivedFrame | null> {
    const payload = this.frames[this.index];
    if (payload === undefined) return null;
    this.index += 1;
    const frame = { payload, offset: this.endOffset };
    this.endOffset += payload.byteLength;
    return frame;
  }

  async release(): Promise<void> {}
}

export class MemoryGhost extends StreamGhost {
  private readonly sink: MemoryFrameSink | null;
  private isHandedOver = false;

  private constructor(sink: MemoryFrameSink | null, source: MemoryFrameSource | null) {
    super(sink === null ? 'read' : 'write', MEMORY_NAME, sink, source);
    this.sink = sink;
  }

  /** A new, empty ghost open for writing. */
  static create(): MemoryGhost {
    return new MemoryGhost(new MemoryFrameSink(), null);
  }

  /**
   * A ghost open for reading over `frames` (the payloads a writer produced,
   * e.g. from frames()). The reader takes ownership: page runs it returns
   * are views into these buffers.
   */
  static fromFrames(frames: readonly Uint8Array[]): MemoryGhost {
    return new MemoryGhost(null, new MemoryFrameSource([...frames]));
  }

  /** The frames written so far (not copied). */
  frames(): readonly Uint8Array[] {
    if (this.sink === null)
      throw new GhostAccessError('list frames', 'the ghost was opened for reading');
    return this.sink.frames;
  }

  /** Total bytes written so far. */
  sizeBytes(): number {
    return this.frames().reduce((sum, frame) => sum + frame.byteLength, 0);
  }

  /** After close(): a reader over what was written; the frames move to it, so this works once. */
  toReader(): MemoryGhost {
    if (this.sink === null)
      throw new GhostAccessError('open a reader', 'the ghost was opened for reading');
    if (!this.sink.isFinished)
      throw new GhostAccessError('open a reader', 'the writer is not closed yet');
    if (this.isHandedOver)
      throw new GhostAccessError('open a reader', 'the frames were already handed to a reader');
    this.isHandedOver = true;
    return MemoryGhost.fromFrames(this.sink.frames);
  }
}
