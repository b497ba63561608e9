import { describe, expect, it } from 'vitest';
import {
  GhostAccessError,
  GhostCorrupted,
  GhostInvalidValue,
  GhostLimitExceeded,
  GhostTypeMismatch,
} from './errors.js';
import { GHOST_STRING_MAX_BYTES, PAGE_RUN_MAX_PAGES, PAGE_SIZE_BYTES } from './limits.js';
import { MemoryGhost } from './memory-ghost.js';

async function written(write: (ghost: MemoryGhost) => Promise<void>): Promise<MemoryGhost> {
  const ghost = MemoryGhost.create();
  await write(ghost);
  await ghost.close();
  return ghost.toReader();
}

describe('MemoryGhost', () => {
  it('reads back mirrored values', async () => {
    const pages = new Uint8Array(3 * PAGE_SIZE_BYTES).map((_, i) => i % 251);
    const reader = await written(async (g) => {
      await g.writeU32(7);
      await g.writeString('task_42');
      await g.writeRecord({ pid: 42, tgid: 42n, sig: new Map([[9, 'kill']]) });
      await g.writePages(pages);
      await g.writeI64(-5n);
    });
    expect(await reader.readU32()).toBe(7);
    expect(await reader.readString()).toBe('task_42');
    expect(await reader.readRecord()).toStrictEqual({
      pid: 42,
      tgid: 42n,
      sig: new Map([[9, 'kill']]),
    });
    expect(await reader.readPages()).toStrictEqual(pages);
    expect(await reader.readI64()).toBe(-5n);
    await reader.readEnd();
    await reader.close();
  });

  it('buffers a run of small values into one frame', async () => {
    const ghost = MemoryGhost.create();
    for (let i = 0; i < 1000; i++) await ghost.writeU32(i);
    expect(ghost.frames()).toHaveLength(0);
    await ghost.close();
    expect(ghost.frames()).toHaveLength(1);
  });

  it('reports a kind mismatch with its offset and leaves the reader where it was', async () => {
    const reader = await written(async (g) => {
      await g.writeU8(1);
      await g.writeU32(2);
    });
    expect(await reader.readU8()).toBe(1);
    const error = await reader.readString().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhostTypeMismatch);
    expect(error).toMatchObject({ offset: 2, expected: 'a string', found: 'a u32' });
    expect(await reader.readU32()).toBe(2);
    await reader.readEnd();
  });

  it('reports reading past the end marker as a mismatch', async () => {
    const reader = await written(async (g) => g.writeU8(1));
    await reader.readU8();
    await expect(reader.readU8()).rejects.toBeInstanceOf(GhostTypeMismatch);
    await reader.readEnd();
    await expect(reader.readU8()).rejects.toBeInstanceOf(GhostTypeMismatch);
  });

  it('reports a stream without end marker as truncated', async () => {
    const ghost = MemoryGhost.create();
    await ghost.writeU8(1);
    await ghost.flush();
    const reader = MemoryGhost.fromFrames(ghost.frames());
    await reader.readU8();
    await expect(reader.readEnd()).rejects.toBeInstanceOf(GhostCorrupted);
  });

  it('refuses invalid values and over-limit sizes without writing anything', async () => {
    const ghost = MemoryGhost.create();
    await expect(ghost.writeU8(256)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeU16(-1)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeU32(1.5)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeI32(2 ** 31)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeU64(-1n)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeI64(2n ** 63n)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeU64(1 as unknown as bigint)).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeBool(1 as unknown as boolean)).rejects.toBeInstanceOf(
      GhostInvalidValue,
    );
    await expect(ghost.writeString('\udc00')).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writeString('x'.repeat(GHOST_STRING_MAX_BYTES + 1))).rejects.toBeInstanceOf(
      GhostLimitExceeded,
    );
    await expect(ghost.writePages(new Uint8Array(100))).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(ghost.writePages(new Uint8Array(0))).rejects.toBeInstanceOf(GhostInvalidValue);
    await expect(
      ghost.writePages(new Uint8Array((PAGE_RUN_MAX_PAGES + 1) * PAGE_SIZE_BYTES)),
    ).rejects.toBeInstanceOf(GhostLimitExceeded);
    await ghost.close();
    const reader = ghost.toReader();
    await reader.readEnd();
  });

  it('enforces access and lifetime', async () => {
    const ghost = MemoryGhost.create();
    await expect(ghost.readU8()).rejects.toBeInstanceOf(GhostAccessError);
    expect(() => ghost.toReader()).toThrow(GhostAccessError);
    await ghost.close();
    await expect(ghost.writeU8(1)).rejects.toBeInstanceOf(GhostAccessError);
    await expect(ghost.close()).rejects.toBeInstanceOf(GhostAccessError);
    const reader = ghost.toReader();
    expect(() => ghost.toReader()).toThrow(GhostAccessError);
    await expect(reader.writeU8(1)).rejects.toBeInstanceOf(GhostAccessError);
    expect(reader.access).toBe('read');
  });

  it('detects corruption inside a frame: unknown tag, length past the frame, bad UTF-8', async () => {
    const cases: [number[], RegExp][] = [
      [[0x55], /an item tag/],
      [[0x10, 10, 0, 0, 0, 0x61], /inside its frame/],
      [[0x10, 2, 0, 0, 0, 0xc3, 0x28, 0x7f], /UTF-8/],
      [[0x10, 0xff, 0xff, 0xff, 0xff], /length of at most/],
      [[0x08, 2, 0x7f], /bool byte/],
    ];
    for (const [frame, message] of cases) {
      const reader = MemoryGhost.fromFrames([Uint8Array.from(frame)]);
      const read =
        frame[0] === 0x08
          ? reader.readBool()
          : frame[0] === 0x55
            ? reader.readU8()
            : reader.readString();
      const error = await read.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GhostCorrupted);
      expect((error as Error).message).toMatch(message);
    }
  });
});
