// Test helpers for damaged ghost files: a one-file FsPort over given bytes,
// and the frame layout of a clean ghost file, to say which frame a damaged
// byte belongs to.
import { CrashFs } from './crash-fs.test-util.js';
import { FILE_HEADER_BYTES, FRAME_HEADER_BYTES } from './file-format.js';
import type { FsPort } from './fs-port.js';

export const GHOST_PATH = '/ghost.bin';

/** A file system holding exactly one file, GHOST_PATH, with `bytes`. */
export async function fsWithGhostBytes(bytes: Uint8Array): Promise<FsPort> {
  const fs = new CrashFs();
  const file = await fs.createExclusive(GHOST_PATH);
  await file.writeAt([bytes], 0);
  await file.close();
  return fs;
}

/** Start offsets of the structures of a clean ghost file: 0 (header), then each frame. */
export function structureStarts(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts = [0];
  let at = FILE_HEADER_BYTES;
  while (at < bytes.byteLength) {
    starts.push(at);
    at += FRAME_HEADER_BYTES + view.getUint32(at, true);
  }
  if (at !== bytes.byteLength) throw new Error('not a clean ghost file');
  return starts;
}

/** The start of the structure holding byte `offset` (or the end of file for offset == length). */
export function structureAt(starts: readonly number[], offset: number): number {
  let found = 0;
  for (const start of starts) if (start <= offset) found = start;
  return found;
}
