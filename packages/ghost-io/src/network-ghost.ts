// A ghost over a ByteChannel (Kerrighed's network_ghost.c, reference §2: a
// ghost over an RPC descriptor, used for migration and remote clone). The
// channel is a reliable ordered byte stream, so frames carry only a length:
//
//   frame: u32 payload length | payload (whole items)
//
// The writer sends one message per frame (its buffer of small values, or
// that buffer plus one large body copied once); the reader reassembles
// frames from whatever chunking the channel delivers, and bounds each length
// before allocating. A network ghost may be bidirectional.
import type { ByteChannel } from './byte-channel.js';
import { GhostCorrupted } from './errors.js';
import type { FrameSink, FrameSource, ReceivedFrame } from './frame-port.js';
import type { GhostAccess } from './ghost.js';
import { GHOST_FRAME_MAX_PAYLOAD_BYTES } from './limits.js';
import { StreamGhost } from './stream-ghost.js';

const NETWORK_NAME = '<network>';
const LENGTH_BYTES = 4;

class ChannelFrameSink implements FrameSink {
  readonly headerBytes = LENGTH_BYTES;

  constructor(private readonly channel: ByteChannel) {}

  async writeFrame(owned: Uint8Array, borrowed: Uint8Array | null): Promise<void> {
    const payloadBytes = owned.byteLength - LENGTH_BYTES + (borrowed?.byteLength ?? 0);
    let message = owned;
    if (borrowed !== null) {
      // The channel takes ownership of what it is sent and the caller keeps
      // its pages: this is the one copy of a large body.
      message = new Uint8Array(owned.byteLength + borrowed.byteLength);
      message.set(owned, 0);
      message.set(borrowed, owned.byteLength);
    }
    new DataView(message.buffer, message.byteOffset, LENGTH_BYTES).setUint32(0, payloadBytes, true);
    await this.channel.send(message);
  }

  finish(): Promise<void> {
    return this.channel.close();
  }

  abort(): Promise<void> {
    return this.channel.close();
  }
}

class ChannelFrameSource implements FrameSource {
  readonly name = NETWORK_NAME;
  endOffset = 0;
  /** Received bytes not yet consumed: chunks, the first one from `chunkStart`. */
  private readonly chunks: Uint8Array[] = [];
  private chunkStart = 0;
  private bufferedBytes = 0;
  private isChannelEnded = false;

  constructor(private readonly channel: ByteChannel) {}

  async nextFrame(): Promise<ReceivedFrame | null> {
    const offset = this.endOffset;
    if (!(await this.fill(1))) return null;
    if (!(await this.fill(LENGTH_BYTES)))
      throw this.truncated(offset, `a ${LENGTH_BYTES}-byte frame length`);
    const header = this.take(LENGTH_BYTES);
    const payloadBytes = new DataView(header.buffer, header.byteOffset, LENGTH_BYTES).getUint32(
      0,
      true,
    );
    if (payloadBytes === 0 || payloadBytes > GHOST_FRAME_MAX_PAYLOAD_BYTES) {
      throw new GhostCorrupted(
        this.name,
        offset,
        `a frame length in [1, ${GHOST_FRAME_MAX_PAYLOAD_BYTES}]`,
        String(payloadBytes),
      );
    }
    if (!(await this.fill(payloadBytes)))
      throw this.truncated(offset, `a ${payloadBytes}-byte frame payload`);
    const payload = this.take(payloadBytes);
    this.endOffset = offset + LENGTH_BYTES + payloadBytes;
    return { payload, offset: offset + LENGTH_BYTES };
  }

  async release(): Promise<void> {}

  /** Receives until `bytes` are buffered; false if the stream ends first. */
  private async fill(bytes: number): Promise<boolean> {
    while (this.bufferedBytes < bytes) {
      if (this.isChannelEnded) return false;
      const chunk = await this.channel.receive();
      if (chunk === null) {
        this.isChannelEnded = true;
        continue;
      }
      if (chunk.byteLength === 0) continue;
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.byteLength;
    }
    return true;
  }

  /** Takes `bytes` buffered bytes: a view when one chunk holds them, else one copy. */
  private take(bytes: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.byteLength - this.chunkStart >= bytes) {
      const view = first.subarray(this.chunkStart, this.chunkStart + bytes);
      this.consume(bytes);
      return view;
    }
    const out = new Uint8Array(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[0];
      if (chunk === undefined)
        throw new Error('assertion failed: take() beyond the buffered bytes');
      const piece = chunk.subarray(this.chunkStart, this.chunkStart + (bytes - filled));
      out.set(piece, filled);
      filled += piece.byteLength;
      this.consume(piece.byteLength);
    }
    return out;
  }

  private consume(bytes: number): void {
    this.chunkStart += bytes;
    this.bufferedBytes -= bytes;
    const first = this.chunks[0];
    if (first !== undefined && this.chunkStart === first.byteLength) {
      this.chunks.shift();
      this.chunkStart = 0;
    }
  }

  private truncated(offset: number, expected: string): GhostCorrupted {
    return new GhostCorrupted(
      this.name,
      offset,
      expected,
      `the end of the stream after ${this.bufferedBytes} bytes (truncated)`,
    );
  }
}

export class NetworkGhost extends StreamGhost {
  private constructor(access: GhostAccess, channel: ByteChannel) {
    super(
      access,
      NETWORK_NAME,
      access === 'read' ? null : new ChannelFrameSink(channel),
      access === 'write' ? null : new ChannelFrameSource(channel),
    );
  }

  /**
   * A ghost over `channel`: 'write' sends, 'read' receives, 'read-write' both
   * (the two directions are independent streams). Closing a writing ghost
   * sends the end marker and closes the channel's sending direction.
   */
  static create(channel: ByteChannel, access: GhostAccess): NetworkGhost {
    return new NetworkGhost(access, channel);
  }
}
