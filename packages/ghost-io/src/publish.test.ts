import { mkdtemp, readdir, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GhostAccessError, GhostCorrupted, GhostFileExists, GhostInvalidValue } from './errors.js';
import {
  COMMIT_MARKER_NAME,
  DirectoryDraft,
  listPublished,
  readPublished,
  removeUnpublished,
} from './publish.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'krg-publish-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function publishSmall(path: string): Promise<void> {
  const draft = await DirectoryDraft.begin(path);
  const ghost = await draft.createGhost('global.bin');
  await ghost.writeU32(1);
  await ghost.close();
  await draft.publish();
}

describe('publishing a directory of ghosts', () => {
  it('is invisible until publish, then lists its files with their sizes', async () => {
    const path = join(root, 'v1');
    const draft = await DirectoryDraft.begin(path);
    const ghost = await draft.createGhost('task_1.bin');
    await ghost.writeString('hello');
    await ghost.close();
    expect(await readPublished(path)).toBeNull();
    expect(await listPublished(root)).toStrictEqual([]);
    const published = await draft.publish();
    expect(published.files).toStrictEqual([
      { name: 'task_1.bin', sizeBytes: expect.any(Number) as number },
    ]);
    expect(await readPublished(path)).toStrictEqual(published);
    expect(await listPublished(root)).toStrictEqual(['v1']);
    expect((await readdir(path)).sort()).toStrictEqual([COMMIT_MARKER_NAME, 'task_1.bin']);
  });

  it('never reuses a directory', async () => {
    await publishSmall(join(root, 'v1'));
    await expect(DirectoryDraft.begin(join(root, 'v1'))).rejects.toBeInstanceOf(GhostFileExists);
  });

  it('refuses to publish a ghost that is not closed, and bad names', async () => {
    const draft = await DirectoryDraft.begin(join(root, 'v1'));
    await draft.createGhost('open.bin');
    await expect(draft.publish()).rejects.toBeInstanceOf(GhostAccessError);
    for (const name of ['', '.', '..', 'a/b', COMMIT_MARKER_NAME, 'x'.repeat(256)]) {
      await expect(draft.createGhost(name)).rejects.toBeInstanceOf(GhostInvalidValue);
    }
    await expect(draft.createGhost('open.bin')).rejects.toBeInstanceOf(GhostFileExists);
  });

  it('discards a draft entirely', async () => {
    const draft = await DirectoryDraft.begin(join(root, 'v1'));
    const ghost = await draft.createGhost('a.bin');
    await ghost.writeU8(1);
    await draft.discard();
    expect(await readdir(root)).toStrictEqual([]);
    await expect(draft.publish()).rejects.toBeInstanceOf(GhostAccessError);
  });

  it('reports a damaged published directory instead of hiding it', async () => {
    await publishSmall(join(root, 'v1'));
    await truncate(join(root, 'v1', 'global.bin'), 10);
    await expect(readPublished(join(root, 'v1'))).rejects.toBeInstanceOf(GhostCorrupted);

    await publishSmall(join(root, 'v2'));
    await unlink(join(root, 'v2', 'global.bin'));
    await expect(readPublished(join(root, 'v2'))).rejects.toThrow(/no such file/);

    await publishSmall(join(root, 'v3'));
    await writeFile(join(root, 'v3', COMMIT_MARKER_NAME), 'not a marker, but long enough');
    await expect(readPublished(join(root, 'v3'))).rejects.toBeInstanceOf(GhostCorrupted);
  });

  it('removes unpublished drafts and keeps published ones', async () => {
    await publishSmall(join(root, 'v1'));
    const draft = await DirectoryDraft.begin(join(root, 'v2'));
    const ghost = await draft.createGhost('global.bin');
    await ghost.close();
    await writeFile(join(root, 'notes.txt'), 'a plain file is left alone');
    expect(await removeUnpublished(root)).toStrictEqual(['v2']);
    expect((await readdir(root)).sort()).toStrictEqual(['notes.txt', 'v1']);
  });
});
