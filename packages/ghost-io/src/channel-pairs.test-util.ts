// Channel pairs for tests: the in-memory pair, the duplex adapter over a real
// loopback TCP connection and over an in-process stream pair, and a wrapper
// that re-chunks everything it sends (to exercise frame reassembly).
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import type { ByteChannel } from './byte-channel.js';
import { duplexByteChannel } from './duplex-channel.js';
import { createMemoryChannelPair } from './memory-channel.js';

export interface ChannelPair {
  readonly ends: [ByteChannel, ByteChannel];
  dispose(): Promise<void>;
}

export function memoryPair(maxBufferedBytes?: number): ChannelPair {
  return {
    ends: createMemoryChannelPair(maxBufferedBytes === undefined ? {} : { maxBufferedBytes }),
    dispose: async () => {},
  };
}

/** Two duplex streams wired back to back in memory. */
export function streamPair(): ChannelPair {
  const aToB = new PassThrough({ highWaterMark: 16 * 1024 });
  const bToA = new PassThrough({ highWaterMark: 16 * 1024 });
  const a = Duplex.from({ writable: aToB, readable: bToA });
  const b = Duplex.from({ writable: bToA, readable: aToB });
  return { ends: [duplexByteChannel(a), duplexByteChannel(b)], dispose: async () => {} };
}

/** A real TCP connection over the loopback interface. */
export async function tcpPair(): Promise<ChannelPair> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(address.port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = await accepted;
  return {
    ends: [duplexByteChannel(client), duplexByteChannel(serverSide)],
    dispose: async () => {
      client.destroy();
      serverSide.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Sends every chunk as pieces of 1..maxPiece bytes (deterministic sizes). */
export function rechunking(channel: ByteChannel, maxPiece: number): ByteChannel {
  let counter = 0;
  return {
    async send(bytes) {
      for (let at = 0; at < bytes.byteLength;) {
        counter = (counter * 1103515245 + 12345) % 2147483648;
        const size = 1 + (counter % maxPiece);
        await channel.send(bytes.slice(at, at + size));
        at += size;
      }
    },
    receive: () => channel.receive(),
    close: () => channel.close(),
  };
}
