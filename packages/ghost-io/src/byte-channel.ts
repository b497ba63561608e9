// The transport a network ghost writes to: an ordered, reliable byte stream
// in one direction per end, with flow control. ghost-io is layer 0, so it
// defines the shape and others implement it: krg-rpc over its lock-step RPC
// descriptors, the in-memory pair here, and the Node duplex-stream adapter.

/**
 * One end of a bidirectional, ordered, reliable byte stream.
 *
 * Chunk boundaries carry no meaning: a receiver may see the bytes of two sends
 * in one chunk or one send split over several (a TCP stream does). Users frame
 * their own messages.
 */
export interface ByteChannel {
  /**
   * Sends bytes; resolves once the channel accepted them (flow control may make
   * it wait for the peer to drain). The channel takes ownership of `bytes`: the
   * caller must not modify them after the call, so a simulated network may hold
   * them in flight without copying. Rejects with ChannelClosed after close().
   */
  send(bytes: Uint8Array): Promise<void>;
  /** Resolves with the next chunk, or null at end of stream (the peer closed). */
  receive(): Promise<Uint8Array | null>;
  /** Closes the sending direction; the peer's receive() then yields null after the data already sent. */
  close(): Promise<void>;
}
