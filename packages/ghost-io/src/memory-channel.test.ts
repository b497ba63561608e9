import { describe, expect, it } from 'vitest';
import { ChannelClosed, GhostInvalidValue } from './errors.js';
import { createMemoryChannelPair } from './memory-channel.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('memory channel pair', () => {
  it('delivers chunks in order in both directions, then null after close', async () => {
    const [a, b] = createMemoryChannelPair();
    await a.send(bytes(1, 2));
    await a.send(bytes(3));
    await b.send(bytes(9));
    await a.close();
    expect(await b.receive()).toStrictEqual(bytes(1, 2));
    expect(await b.receive()).toStrictEqual(bytes(3));
    expect(await b.receive()).toBeNull();
    expect(await b.receive()).toBeNull();
    expect(await a.receive()).toStrictEqual(bytes(9));
  });

  it('wakes a waiting receiver on send and on close', async () => {
    const [a, b] = createMemoryChannelPair();
    const first = b.receive();
    const second = b.receive();
    await a.send(bytes(7));
    await a.close();
    expect(await first).toStrictEqual(bytes(7));
    expect(await second).toBeNull();
  });

  it('makes the sender wait while the peer holds more than the bound (flow control)', async () => {
    const [a, b] = createMemoryChannelPair({ maxBufferedBytes: 4 });
    await a.send(bytes(1, 2, 3));
    let isAccepted = false;
    const pending = a.send(bytes(4, 5)).then(() => {
      isAccepted = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(isAccepted).toBe(false);
    expect(await b.receive()).toStrictEqual(bytes(1, 2, 3));
    await pending;
    expect(isAccepted).toBe(true);
    expect(await b.receive()).toStrictEqual(bytes(4, 5));
  });

  it('accepts a chunk larger than the bound into an empty queue', async () => {
    const [a, b] = createMemoryChannelPair({ maxBufferedBytes: 2 });
    await a.send(new Uint8Array(100));
    expect((await b.receive())?.byteLength).toBe(100);
  });

  it('rejects send after close with ChannelClosed', async () => {
    const [a] = createMemoryChannelPair();
    await a.close();
    await expect(a.send(bytes(1))).rejects.toBeInstanceOf(ChannelClosed);
  });

  it('rejects a bad bound', () => {
    expect(() => createMemoryChannelPair({ maxBufferedBytes: 0 })).toThrow(GhostInvalidValue);
  });
});
