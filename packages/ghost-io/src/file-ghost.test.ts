import { crc32 } from 'node:zlib';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrashFs } from './crash-fs.test-util.js';
import {
  GhostAccessError,
  GhostCorrupted,
  GhostFileExists,
  GhostFormatUnsupported,
  GhostTypeMismatch,
} from './errors.js';
import { FileGhost } from './file-ghost.js';
import { PAGE_SIZE_BYTES } from './limits.js';
import { verifyFileGhost } from './verify-ghost.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'krg-file-ghost-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileGhost on the real file system', () => {
  it('writes a header, checksummed frames, and reads everything back', async () => {
    const path = join(dir, 'task_42.bin');
    const pages = new Uint8Array(40 * PAGE_SIZE_BYTES).map((_, i) => (i * 7) % 256);
    const ghost = await FileGhost.create(path);
    expect(ghost.access).toBe('write');
    await ghost.writeRecord({ pid: 42, comm: 'hello' });
    for (let i = 0; i < 100; i++) await ghost.writeU64(BigInt(i) << 40n);
    await ghost.writePages(pages);
    await ghost.writeString('after the pages');
    await ghost.close();

    const bytes = await readFile(path);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('KRGGHOST');
    expect(bytes.readUInt16LE(8)).toBe(1);

    const reader = await FileGhost.open(path);
    expect(reader.access).toBe('read');
    expect(await reader.readRecord()).toStrictEqual({ pid: 42, comm: 'hello' });
    for (let i = 0; i < 100; i++) expect(await reader.readU64()).toBe(BigInt(i) << 40n);
    expect(await reader.readPages()).toStrictEqual(pages);
    expect(await reader.readString()).toBe('after the pages');
    await reader.readEnd();
    await reader.close();

    expect(await verifyFileGhost(path)).toStrictEqual({
      itemCounts: { record: 1, u64: 100, pages: 1, string: 1 },
      itemCount: 103,
    });
  });

  it('never overwrites: exclusive create fails on an existing file and leaves it alone', async () => {
    const path = join(dir, 'exists.bin');
    await writeFile(path, 'precious');
    await expect(FileGhost.create(path)).rejects.toBeInstanceOf(GhostFileExists);
    expect(await readFile(path, 'utf8')).toBe('precious');
  });

  it('reports a missing file with its Node code', async () => {
    await expect(FileGhost.open(join(dir, 'missing.bin'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('rejects a file that is not a ghost, and a newer format version', async () => {
    const notGhost = join(dir, 'not-a-ghost.bin');
    await writeFile(notGhost, 'just some text, long enough for a header');
    await expect(FileGhost.open(notGhost)).rejects.toThrow(/magic/);

    const newer = join(dir, 'newer.bin');
    const header = Buffer.alloc(16);
    header.write('KRGGHOST', 0, 'latin1');
    header.writeUInt16LE(2, 8);
    header.writeUInt32LE(crc32(header.subarray(0, 12)), 12);
    await writeFile(newer, header);
    const error = await FileGhost.open(newer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhostFormatUnsupported);
    expect(error).toMatchObject({ file: newer, offset: 8 });
  });

  it('reports the file and offset of a kind mismatch', async () => {
    const path = join(dir, 'mismatch.bin');
    const ghost = await FileGhost.create(path);
    await ghost.writeU32(1);
    await ghost.writeString('x');
    await ghost.close();
    const reader = await FileGhost.open(path);
    await reader.readU32();
    const error = await reader.readBytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhostTypeMismatch);
    // header 16 + frame header 8 + the u32 item 5
    expect(error).toMatchObject({ file: path, offset: 29, expected: 'a bytes', found: 'a string' });
    await reader.close();
  });
});

describe('FileGhost on the crash model', () => {
  it('fsyncs on close: closed data survives a crash, unclosed data does not', async () => {
    const fs = new CrashFs();
    await fs.mkdir('/c');
    const closed = await FileGhost.create('/c/closed.bin', { fs });
    await closed.writeU32(7);
    await closed.close();
    const open = await FileGhost.create('/c/open.bin', { fs });
    await open.writeU32(8);
    await open.flush();

    const rebooted = fs.crash('keep-entries');
    const reader = await FileGhost.open('/c/closed.bin', { fs: rebooted });
    expect(await reader.readU32()).toBe(7);
    await reader.readEnd();
    await expect(FileGhost.open('/c/open.bin', { fs: rebooted })).rejects.toBeInstanceOf(
      GhostCorrupted,
    );
  });

  it('takes one write per full buffer, not one per value', async () => {
    const fs = new CrashFs();
    const ghost = await FileGhost.create('/g.bin', { fs });
    for (let i = 0; i < 10_000; i++) await ghost.writeU32(i);
    const writes = fs.steps.filter((step) => step === 'write').length;
    // 50 KB of items: the header, then no write until the 64 KiB buffer fills
    expect(writes).toBe(1);
    await ghost.close();
  });

  it('refuses use after close and writes on a reader', async () => {
    const fs = new CrashFs();
    const ghost = await FileGhost.create('/g.bin', { fs });
    await ghost.close();
    await expect(ghost.writeU8(1)).rejects.toBeInstanceOf(GhostAccessError);
    const reader = await FileGhost.open('/g.bin', { fs });
    await expect(reader.writeU8(1)).rejects.toBeInstanceOf(GhostAccessError);
    await reader.readEnd();
    await reader.close();
    await expect(reader.readU8()).rejects.toBeInstanceOf(GhostAccessError);
  });
});
