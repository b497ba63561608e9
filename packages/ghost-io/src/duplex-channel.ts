// A ByteChannel over a Node duplex stream in binary mode (a TCP socket, a
// pipe): send writes and waits for 'drain' when the stream's buffer is full;
// receive reads in paused mode, so unread data stays in the stream and its
// producer is held back (flow control both ways).
import type { Duplex } from 'node:stream';
import type { ByteChannel } from './byte-channel.js';
import { ChannelClosed } from './errors.js';

class DuplexByteChannel implements ByteChannel {
  private failure: Error | null = null;
  private isEnded = false;
  private isClosed = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly stream: Duplex) {
    const wake = (): void => {
      for (const waiter of this.waiters.splice(0)) waiter();
    };
    stream.on('readable', wake);
    stream.on('drain', wake);
    stream.on('end', () => {
      this.isEnded = true;
      wake();
    });
    stream.on('error', (error: Error) => {
      this.failure = error;
      wake();
    });
    stream.on('close', () => {
      if (!this.isEnded && this.failure === null) {
        this.failure = new Error('the stream closed before its end');
      }
      wake();
    });
  }

  async send(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new ChannelClosed('send after close');
    this.throwIfFailed();
    // A destroyed stream may not have told us yet ('close' comes a tick later).
    if (this.stream.destroyed || !this.stream.writable)
      throw new ChannelClosed('the stream is not writable');
    if (this.stream.write(bytes)) return;
    while (this.stream.writableNeedDrain) {
      this.throwIfFailed();
      await this.nextEvent();
    }
  }

  async receive(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk: unknown = this.stream.read();
      if (chunk !== null) {
        if (!(chunk instanceof Uint8Array)) {
          throw new ChannelClosed('the stream is not in binary mode (it yielded a non-byte chunk)');
        }
        return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
      if (this.isEnded) return null;
      this.throwIfFailed();
      await this.nextEvent();
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.throwIfFailed();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => {
        if (error) reject(new ChannelClosed(error.message));
        else resolve();
      });
    });
  }

  private nextEvent(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw new ChannelClosed(this.failure.message);
  }
}

/** A ByteChannel over a binary Node duplex stream; the channel owns the stream from now on. */
export function duplexByteChannel(stream: Duplex): ByteChannel {
  return new DuplexByteChannel(stream);
}
