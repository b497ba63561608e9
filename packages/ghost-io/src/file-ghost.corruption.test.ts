// Exhaustive damage of a small file ghost: every single-byte flip and every
// truncation is detected, as a GhostCorrupted naming the file and the offset
// of the header or frame that holds the damaged byte.
import { beforeAll, describe, expect, it } from 'vitest';
import { CrashFs } from './crash-fs.test-util.js';
import { GhostCorrupted } from './errors.js';
import { FileGhost } from './file-ghost.js';
import type { FsPort } from './fs-port.js';
import {
  GHOST_PATH,
  fsWithGhostBytes,
  structureAt,
  structureStarts,
} from './ghost-bytes.test-util.js';
import type { Ghost } from './ghost.js';
import { PAGE_SIZE_BYTES } from './limits.js';

async function writeSmallGhost(ghost: Ghost): Promise<void> {
  await ghost.writeU8(200);
  await ghost.writeString('task_7');
  await ghost.writeRecord({ pid: 7, chkptSn: 3n, fds: new Map([[0, 'tty']]) });
  await ghost.flush(); // a second frame from here
  await ghost.writeI64(-42n);
  await ghost.writeBool(true);
  await ghost.flush();
  await ghost.writePages(new Uint8Array(PAGE_SIZE_BYTES).fill(0xa5));
  await ghost.writeF64(Math.PI);
}

async function readSmallGhost(fs: FsPort): Promise<void> {
  const ghost = await FileGhost.open(GHOST_PATH, { fs });
  try {
    expect(await ghost.readU8()).toBe(200);
    expect(await ghost.readString()).toBe('task_7');
    expect(await ghost.readRecord()).toStrictEqual({
      pid: 7,
      chkptSn: 3n,
      fds: new Map([[0, 'tty']]),
    });
    expect(await ghost.readI64()).toBe(-42n);
    expect(await ghost.readBool()).toBe(true);
    expect((await ghost.readPages()).every((byte) => byte === 0xa5)).toBe(true);
    expect(await ghost.readF64()).toBe(Math.PI);
    await ghost.readEnd();
  } finally {
    await ghost.abort();
  }
}

/** Reads the damaged bytes; returns the error (the test fails if there is none). */
async function readDamaged(bytes: Uint8Array): Promise<unknown> {
  try {
    await readSmallGhost(await fsWithGhostBytes(bytes));
  } catch (error) {
    return error;
  }
  throw new Error('damaged ghost read without error');
}

let clean: Uint8Array = new Uint8Array(0);
let starts: number[] = [];

beforeAll(async () => {
  const fs = new CrashFs();
  const ghost = await FileGhost.create(GHOST_PATH, { fs });
  await writeSmallGhost(ghost);
  await ghost.close();
  clean = fs.fileBytes(GHOST_PATH);
  starts = structureStarts(clean);
  await readSmallGhost(fs); // the clean ghost reads
});

describe('file ghost damage, exhaustively', () => {
  it('has a header and three frames', () => {
    expect(starts).toHaveLength(4);
  });

  for (const mask of [0x01, 0x80, 0xff]) {
    it(`detects every single-byte flip (xor 0x${mask.toString(16)}) with its offset`, async () => {
      for (let offset = 0; offset < clean.byteLength; offset++) {
        const damaged = clean.slice();
        damaged[offset] = (damaged[offset] ?? 0) ^ mask;
        const error = await readDamaged(damaged);
        expect(error, `flip at ${offset}`).toBeInstanceOf(GhostCorrupted);
        expect(error, `flip at ${offset}`).toMatchObject({
          file: GHOST_PATH,
          offset: structureAt(starts, offset),
        });
      }
    });
  }

  it('detects every truncation with its offset', async () => {
    for (let length = 0; length < clean.byteLength; length++) {
      const error = await readDamaged(clean.subarray(0, length));
      expect(error, `cut at ${length}`).toBeInstanceOf(GhostCorrupted);
      expect(error, `cut at ${length}`).toMatchObject({
        file: GHOST_PATH,
        offset: structureAt(starts, length),
      });
    }
  });

  it('detects trailing bytes after the end marker', async () => {
    const error = await readDamaged(Uint8Array.from([...clean, 0]));
    expect(error).toBeInstanceOf(GhostCorrupted);
    expect(error).toMatchObject({ offset: clean.byteLength });
  });
});
