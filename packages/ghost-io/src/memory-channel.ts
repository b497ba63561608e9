// An in-memory ByteChannel pair: what one end sends, the other receives, in
// order, with flow control (a sender waits while its peer holds more than
// `maxBufferedBytes` unread). For tests and for in-process transfer.
import { ChannelClosed, GhostInvalidValue } from './errors.js';
import { MEMORY_CHANNEL_MAX_BUFFERED_BYTES } from './limits.js';
import type { ByteChannel } from './byte-channel.js';

export interface MemoryChannelOptions {
  /** Unread bytes one direction holds before send() waits; default MEMORY_CHANNEL_MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
}

/** One direction of the pair: a bounded queue of owned chunks. */
class Direction {
  private readonly chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  private isClosed = false;
  private readonly waitingReceivers: ((chunk: Uint8Array | null) => void)[] = [];
  private readonly waitingSenders: (() => void)[] = [];

  constructor(private readonly maxBufferedBytes: number) {}

  async send(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new ChannelClosed('send after close');
    // Wait for room; an oversized chunk still goes into an empty queue so a
    // large send cannot deadlock.
    while (
      this.bufferedBytes > 0 &&
      this.bufferedBytes + bytes.byteLength > this.maxBufferedBytes
    ) {
      await new Promise<void>((resolve) => this.waitingSenders.push(resolve));
      if (this.isClosed) throw new ChannelClosed('send after close');
    }
    if (bytes.byteLength === 0) return;
    const receiver = this.waitingReceivers.shift();
    if (receiver !== undefined) {
      receiver(bytes);
      return;
    }
    this.chunks.push(bytes);
    this.bufferedBytes += bytes.byteLength;
  }

  async receive(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk !== undefined) {
      this.bufferedBytes -= chunk.byteLength;
      this.wakeSenders();
      return chunk;
    }
    if (this.isClosed) return null;
    return new Promise((resolve) => this.waitingReceivers.push(resolve));
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // Queued data stays readable; receivers waiting on an empty queue see the end.
    for (const receiver of this.waitingReceivers.splice(0)) receiver(null);
    this.wakeSenders();
  }

  private wakeSenders(): void {
    for (const sender of this.waitingSenders.splice(0)) sender();
  }
}

class MemoryChannelEnd implements ByteChannel {
  constructor(
    private readonly outgoing: Direction,
    private readonly incoming: Direction,
  ) {}

  send(bytes: Uint8Array): Promise<void> {
    return this.outgoing.send(bytes);
  }

  receive(): Promise<Uint8Array | null> {
    return this.incoming.receive();
  }

  async close(): Promise<void> {
    this.outgoing.close();
  }
}

/** Creates two connected in-memory channel ends. */
export function createMemoryChannelPair(
  options: MemoryChannelOptions = {},
): [ByteChannel, ByteChannel] {
  const maxBufferedBytes = options.maxBufferedBytes ?? MEMORY_CHANNEL_MAX_BUFFERED_BYTES;
  if (!Number.isSafeInteger(maxBufferedBytes) || maxBufferedBytes < 1) {
    throw new GhostInvalidValue('maxBufferedBytes (a positive integer)', String(maxBufferedBytes));
  }
  const aToB = new Direction(maxBufferedBytes);
  const bToA = new Direction(maxBufferedBytes);
  return [new MemoryChannelEnd(aToB, bToA), new MemoryChannelEnd(bToA, aToB)];
}
