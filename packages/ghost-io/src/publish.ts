// Atomic publication of a directory of ghosts, so app-cr can build each
// checkpoint version on it (reference §2: /var/chkpt/<app_id>/v<sn>/ holds
// global.bin, node_*.bin, task_*.bin). A directory is published when its
// commit marker exists; until then readers do not see it. The order:
//
//   begin:   mkdir <dir>; fsync <parent>
//   ghosts:  each file created exclusively, written, closed (close fsyncs it)
//   publish: fsync <dir> (the file entries are durable)
//            write the manifest as a ghost to COMMITTED.tmp, fsync it
//            rename COMMITTED.tmp -> COMMITTED; fsync <dir>
//
// A crash anywhere before the last fsync leaves no marker (or, on a file
// system that keeps the rename, a complete one, since its content was fsynced
// before the rename), so a reader sees the previous complete version or the
// new complete one. The manifest lists each file with its size.
import { join } from 'node:path';
import { GhostAccessError, GhostCorrupted, GhostFileExists, GhostInvalidValue } from './errors.js';
import { FileGhost } from './file-ghost.js';
import { errorCode, type FsPort } from './fs-port.js';
import { PUBLISHED_DIRECTORY_MAX_FILES, PUBLISHED_NAME_MAX_BYTES } from './limits.js';
import { nodeFs } from './node-fs.js';

export const COMMIT_MARKER_NAME = 'COMMITTED';
const COMMIT_MARKER_TEMP_NAME = 'COMMITTED.tmp';
const MANIFEST_FORMAT = 'krg-published-directory';
const MANIFEST_VERSION = 1;

export interface PublishOptions {
  /** The file system to use; the real one by default. */
  fs?: FsPort;
}

export interface PublishedFile {
  readonly name: string;
  readonly sizeBytes: number;
}

export interface PublishedDirectory {
  readonly path: string;
  /** The ghost files, in the order they were created. */
  readonly files: readonly PublishedFile[];
}

/** A directory being filled with ghosts; invisible to readers until publish(). */
export class DirectoryDraft {
  private readonly ghosts = new Map<string, FileGhost>();
  private state: 'open' | 'published' | 'discarded' = 'open';

  private constructor(
    readonly path: string,
    private readonly fs: FsPort,
  ) {}

  /** Creates `path` (its parent must exist); GhostFileExists if it exists. */
  static async begin(path: string, options: PublishOptions = {}): Promise<DirectoryDraft> {
    const fs = options.fs ?? nodeFs;
    try {
      await fs.mkdir(path);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw new GhostFileExists(path);
      throw error;
    }
    // The new entry must be durable before anything can be published in it.
    await fs.syncDirectory(join(path, '..'));
    return new DirectoryDraft(path, fs);
  }

  /** Creates a ghost file named `name` in the draft, open for writing. */
  async createGhost(name: string): Promise<FileGhost> {
    this.assertOpen('create a ghost');
    checkName(name);
    if (this.ghosts.size >= PUBLISHED_DIRECTORY_MAX_FILES) {
      throw new GhostInvalidValue(
        `draft with at most ${PUBLISHED_DIRECTORY_MAX_FILES} files`,
        `one more file`,
      );
    }
    const ghost = await FileGhost.create(join(this.path, name), { fs: this.fs });
    this.ghosts.set(name, ghost);
    return ghost;
  }

  /**
   * Publishes the draft: every ghost created in it must be closed. Once this
   * resolves the directory is durably visible to readers; a crash before that
   * leaves it invisible.
   */
  async publish(): Promise<PublishedDirectory> {
    this.assertOpen('publish');
    const files: PublishedFile[] = [];
    for (const [name, ghost] of this.ghosts) {
      if (!ghost.isComplete) {
        throw new GhostAccessError('publish', `the ghost ${name} in ${this.path} is not closed`);
      }
      const file = await this.fs.openForReading(join(this.path, name));
      try {
        files.push({ name, sizeBytes: await file.size() });
      } finally {
        await file.close();
      }
    }
    await this.fs.syncDirectory(this.path);
    const temp = join(this.path, COMMIT_MARKER_TEMP_NAME);
    const marker = await FileGhost.create(temp, { fs: this.fs });
    try {
      await marker.writeRecord({ format: MANIFEST_FORMAT, version: MANIFEST_VERSION, files });
      await marker.close();
    } catch (error) {
      await marker.abort();
      throw error;
    }
    await this.fs.rename(temp, join(this.path, COMMIT_MARKER_NAME));
    await this.fs.syncDirectory(this.path);
    this.state = 'published';
    return { path: this.path, files };
  }

  /** Abandons the draft: aborts open ghosts and removes the directory. */
  async discard(): Promise<void> {
    this.assertOpen('discard');
    this.state = 'discarded';
    for (const ghost of this.ghosts.values()) await ghost.abort();
    await removeDirectory(this.fs, this.path);
  }

  private assertOpen(operation: string): void {
    if (this.state !== 'open') {
      throw new GhostAccessError(operation, `the draft ${this.path} was already ${this.state}`);
    }
  }
}

/**
 * Reads the commit marker of `path`: the published files, or null when the
 * directory is absent or not published. A damaged marker, or a listed file
 * that is missing or has another size, is a GhostCorrupted.
 */
export async function readPublished(
  path: string,
  options: PublishOptions = {},
): Promise<PublishedDirectory | null> {
  const fs = options.fs ?? nodeFs;
  const markerPath = join(path, COMMIT_MARKER_NAME);
  let marker: FileGhost;
  try {
    marker = await FileGhost.open(markerPath, { fs });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  let manifest: unknown;
  try {
    manifest = await marker.readRecord();
    await marker.readEnd();
  } finally {
    await marker.abort();
  }
  const files = parseManifest(markerPath, manifest);
  for (const { name, sizeBytes } of files) {
    const filePath = join(path, name);
    let actual: number;
    try {
      const file = await fs.openForReading(filePath);
      try {
        actual = await file.size();
      } finally {
        await file.close();
      }
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      throw new GhostCorrupted(filePath, 0, 'a file listed in the commit marker', 'no such file');
    }
    if (actual !== sizeBytes) {
      throw new GhostCorrupted(
        filePath,
        Math.min(actual, sizeBytes),
        `${sizeBytes} bytes as published`,
        `${actual} bytes`,
      );
    }
  }
  return { path, files };
}

/** The names of the published directories inside `parent`, sorted. */
export async function listPublished(
  parent: string,
  options: PublishOptions = {},
): Promise<string[]> {
  const fs = options.fs ?? nodeFs;
  const published: string[] = [];
  for (const name of await fs.readdir(parent)) {
    if (await hasMarker(fs, join(parent, name))) published.push(name);
  }
  return published;
}

/**
 * Removes the directories inside `parent` that were never published (drafts
 * left by a crash or an abandoned checkpoint); returns their names.
 */
export async function removeUnpublished(
  parent: string,
  options: PublishOptions = {},
): Promise<string[]> {
  const fs = options.fs ?? nodeFs;
  const removed: string[] = [];
  for (const name of await fs.readdir(parent)) {
    const path = join(parent, name);
    if (!(await isDirectory(fs, path)) || (await hasMarker(fs, path))) continue;
    await removeDirectory(fs, path);
    removed.push(name);
  }
  if (removed.length > 0) await fs.syncDirectory(parent);
  return removed;
}

async function hasMarker(fs: FsPort, path: string): Promise<boolean> {
  try {
    return (await fs.readdir(path)).includes(COMMIT_MARKER_NAME);
  } catch (error) {
    if (errorCode(error) === 'ENOTDIR' || errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

async function isDirectory(fs: FsPort, path: string): Promise<boolean> {
  try {
    await fs.readdir(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOTDIR') return false;
    throw error;
  }
}

/** Removes a draft directory and the plain files in it (drafts hold no subdirectories). */
async function removeDirectory(fs: FsPort, path: string): Promise<void> {
  for (const name of await fs.readdir(path)) await fs.unlink(join(path, name));
  await fs.rmdir(path);
}

function checkName(name: string): void {
  const isPlain =
    typeof name === 'string' &&
    name.length > 0 &&
    Buffer.byteLength(name) <= PUBLISHED_NAME_MAX_BYTES &&
    !name.includes('/') &&
    !name.includes('\0') &&
    name !== '.' &&
    name !== '..' &&
    name !== COMMIT_MARKER_NAME &&
    name !== COMMIT_MARKER_TEMP_NAME;
  if (!isPlain)
    throw new GhostInvalidValue('ghost file name in a published directory', JSON.stringify(name));
}

function parseManifest(markerPath: string, manifest: unknown): PublishedFile[] {
  const fail = (found: string): GhostCorrupted =>
    new GhostCorrupted(
      markerPath,
      0,
      `a ${MANIFEST_FORMAT} manifest, version ${MANIFEST_VERSION}`,
      found,
    );
  if (typeof manifest !== 'object' || manifest === null) throw fail('a record that is no object');
  const { format, version, files } = manifest as Record<string, unknown>;
  if (format !== MANIFEST_FORMAT || version !== MANIFEST_VERSION) {
    throw fail(`format ${String(format)} version ${String(version)}`);
  }
  if (!Array.isArray(files) || files.length > PUBLISHED_DIRECTORY_MAX_FILES)
    throw fail('no valid file list');
  return files.map((entry: unknown) => {
    const { name, sizeBytes } = (entry ?? {}) as Record<string, unknown>;
    if (
      typeof name !== 'string' ||
      typeof sizeBytes !== 'number' ||
      !Number.isSafeInteger(sizeBytes)
    ) {
      throw fail('a file entry without a name and size');
    }
    try {
      checkName(name);
    } catch {
      throw fail(`a file entry named ${JSON.stringify(name)}`);
    }
    return { name, sizeBytes };
  });
}
