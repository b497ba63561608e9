// What the item layer needs from a transport. A ghost's bytes travel as
// frames: a payload of whole items, which the transport wraps in its own
// header (a file adds a length and a checksum, a network stream a length).

export interface FrameSink {
  /** Bytes the sink wants reserved at the start of each owned buffer for its frame header. */
  readonly headerBytes: number;
  /**
   * Writes one frame. `owned` holds `headerBytes` of free space and then the
   * start of the payload; the sink owns it from now on. `borrowed`, if given,
   * is the rest of the payload; it belongs to the caller and may be read only
   * until the returned promise resolves.
   */
  writeFrame(owned: Uint8Array, borrowed: Uint8Array | null): Promise<void>;
  /** After the frame with the end item: make the stream durable or end it. */
  finish(): Promise<void>;
  /** Release without finishing. */
  abort(): Promise<void>;
}

/** A frame's verified payload and the stream offset of its first byte. */
export interface ReceivedFrame {
  readonly payload: Uint8Array;
  readonly offset: number;
}

export interface FrameSource {
  /** The source named in errors: a path, `<memory>` or `<network>`. */
  readonly name: string;
  /**
   * The next frame, verified, or null at the end of the stream. Throws
   * GhostCorrupted for a damaged frame or a stream that ends inside one.
   */
  nextFrame(): Promise<ReceivedFrame | null>;
  /** Stream offset just past the last frame returned (for errors at end of stream). */
  readonly endOffset: number;
  release(): Promise<void>;
}
