import { afterEach, describe, expect, it } from 'vitest';
import {
  memoryPair,
  rechunking,
  streamPair,
  tcpPair,
  type ChannelPair,
} from './channel-pairs.test-util.js';
import { createMemoryChannelPair } from './memory-channel.js';
import { GhostCorrupted, GhostTypeMismatch, ChannelClosed } from './errors.js';
import { PAGE_RUN_MAX_PAGES, PAGE_SIZE_BYTES } from './limits.js';
import { NetworkGhost } from './network-ghost.js';

let pair: ChannelPair | null = null;
afterEach(async () => {
  await pair?.dispose();
  pair = null;
});

async function transfer(channels: ChannelPair): Promise<void> {
  pair = channels;
  const [a, b] = channels.ends;
  const pages = new Uint8Array(PAGE_RUN_MAX_PAGES * PAGE_SIZE_BYTES).map(
    (_, i) => (i >> 12) & 0xff,
  );
  const sender = NetworkGhost.create(a, 'write');
  const receiver = NetworkGhost.create(b, 'read');
  const sending = (async () => {
    for (let i = 0; i < 5000; i++) await sender.writeU32(i);
    for (let run = 0; run < 4; run++) await sender.writePages(pages);
    await sender.writeRecord({ done: true });
    await sender.close();
  })();
  for (let i = 0; i < 5000; i++) expect(await receiver.readU32()).toBe(i);
  for (let run = 0; run < 4; run++)
    expect(Buffer.compare(await receiver.readPages(), pages)).toBe(0);
  expect(await receiver.readRecord()).toStrictEqual({ done: true });
  await receiver.readEnd();
  await receiver.close();
  await sending;
}

describe('NetworkGhost', () => {
  it('transfers values and 4 MiB of pages over the in-memory pair', () => transfer(memoryPair()));
  it('works under tight flow control (64 KiB in flight)', () => transfer(memoryPair(64 * 1024)));
  it('transfers over a Node duplex stream pair', () => transfer(streamPair()));
  it('transfers over a real TCP connection', async () => transfer(await tcpPair()));

  it('reassembles frames from arbitrary chunking', async () => {
    const [a, b] = createMemoryChannelPair();
    const sender = NetworkGhost.create(rechunking(a, 7), 'write');
    const receiver = NetworkGhost.create(b, 'read');
    await sender.writeString('split me');
    await sender.writePages(new Uint8Array(5 * PAGE_SIZE_BYTES).fill(3));
    await sender.writeI64(-1n);
    await sender.close();
    expect(await receiver.readString()).toBe('split me');
    expect((await receiver.readPages()).every((byte) => byte === 3)).toBe(true);
    expect(await receiver.readI64()).toBe(-1n);
    await receiver.readEnd();
  });

  it('sends nothing until the buffer fills or the writer flushes', async () => {
    const [a, b] = createMemoryChannelPair();
    const sender = NetworkGhost.create(a, 'write');
    const receiver = NetworkGhost.create(b, 'read');
    for (let i = 0; i < 100; i++) await sender.writeU16(i);
    let hasArrived = false;
    const first = receiver.readU16().then((value) => {
      hasArrived = true;
      return value;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(hasArrived).toBe(false);
    await sender.flush();
    expect(await first).toBe(0);
  });

  it('is bidirectional in read-write mode', async () => {
    const [a, b] = createMemoryChannelPair();
    const left = NetworkGhost.create(a, 'read-write');
    const right = NetworkGhost.create(b, 'read-write');
    await left.writeString('ping');
    await left.flush();
    expect(await right.readString()).toBe('ping');
    await right.writeString('pong');
    await right.flush();
    expect(await left.readString()).toBe('pong');
  });

  it('reports a stream cut inside a frame as truncated, with its offset', async () => {
    const [a, b] = createMemoryChannelPair();
    await a.send(Uint8Array.from([10, 0, 0, 0, 0x01, 7]));
    await a.close();
    const receiver = NetworkGhost.create(b, 'read');
    const error = await receiver.readU8().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhostCorrupted);
    expect(error).toMatchObject({ file: '<network>', offset: 0 });
  });

  it('reports a peer that closes without the end marker', async () => {
    const [a, b] = createMemoryChannelPair();
    const sender = NetworkGhost.create(a, 'write');
    await sender.writeU8(1);
    await sender.abort();
    const receiver = NetworkGhost.create(b, 'read');
    await expect(receiver.readU8()).rejects.toBeInstanceOf(GhostCorrupted);
  });

  it('bounds a frame length before allocating', async () => {
    const [a, b] = createMemoryChannelPair();
    await a.send(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));
    const receiver = NetworkGhost.create(b, 'read');
    await expect(receiver.readU8()).rejects.toThrow(/frame length in/);
  });

  it('reports a kind mismatch with the stream offset', async () => {
    const [a, b] = createMemoryChannelPair();
    const sender = NetworkGhost.create(a, 'write');
    await sender.writeU8(1);
    await sender.writeBool(true);
    await sender.close();
    const receiver = NetworkGhost.create(b, 'read');
    await receiver.readU8();
    await expect(receiver.readU8()).rejects.toMatchObject({ offset: 6 });
    await expect(receiver.readU8()).rejects.toBeInstanceOf(GhostTypeMismatch);
  });

  it('surfaces a broken TCP connection as ChannelClosed', async () => {
    const tcp = await tcpPair();
    pair = tcp;
    const [a, b] = tcp.ends;
    const receiver = NetworkGhost.create(b, 'read');
    const reading = receiver.readU8().catch((e: unknown) => e);
    await tcp.dispose();
    pair = null;
    const error = await reading;
    expect(error instanceof ChannelClosed || error instanceof GhostCorrupted).toBe(true);
    await expect(a.send(new Uint8Array(1))).rejects.toBeInstanceOf(ChannelClosed);
  });
});
