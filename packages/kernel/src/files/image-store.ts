// The read-only image store: the file tree every node sees (Kerrighed's
// shared root). Binaries a user runs and the files guests open live here.
// Paths resolve as Linux resolves them — absolute or relative to a working
// directory, `.` and `..`, repeated slashes, a trailing slash only on
// directories — and inode numbers are handed out in insertion order so
// listings and fstat are the same on every run and every node.
import { assert } from '@krg/epm-core';
import {
  IMAGE_FILE_BYTES_MAX,
  IMAGE_FILES_MAX,
  NAME_BYTES_MAX,
  PATH_BYTES_MAX,
} from '../limits.js';

export type ImageNode = ImageFile | ImageDirectory;

export interface ImageFile {
  readonly type: 'file';
  readonly ino: number;
  /** Permission bits (e.g. 0o755 for a program). */
  readonly mode: number;
  readonly bytes: Uint8Array;
}

export interface ImageDirectory {
  readonly type: 'directory';
  readonly ino: number;
  readonly mode: number;
  /** Children by name; iteration order is sorted at listing time. */
  readonly children: Map<string, ImageNode>;
  readonly parent: ImageDirectory | undefined;
}

export type PathErrno = 'ENOENT' | 'ENOTDIR' | 'ENAMETOOLONG' | 'EINVAL';
export type Lookup =
  | { readonly ok: true; readonly node: ImageNode; readonly path: string }
  | { readonly ok: false; readonly errno: PathErrno };

/** Thrown when a file cannot be added (by the cluster's owner, not by a guest). */
export class ImageStoreError extends Error {
  override readonly name = 'ImageStoreError';
  readonly code = 'IMAGE_STORE_INVALID';
}

export class ImageStore {
  #nextIno = 2;
  #files = 0;
  readonly root: ImageDirectory = {
    type: 'directory',
    ino: 1,
    mode: 0o755,
    children: new Map(),
    parent: undefined,
  };

  /** Adds a file at an absolute path, creating its directories. */
  addFile(path: string, bytes: Uint8Array, mode = 0o755): ImageFile {
    const parts = splitAbsolute(path);
    if (parts === undefined || parts.length === 0)
      throw new ImageStoreError(`not an absolute file path: ${JSON.stringify(path)}`);
    if (bytes.length > IMAGE_FILE_BYTES_MAX)
      throw new ImageStoreError(`${path}: ${bytes.length} bytes exceeds ${IMAGE_FILE_BYTES_MAX}`);
    if (this.#files >= IMAGE_FILES_MAX)
      throw new ImageStoreError(`the image store holds at most ${IMAGE_FILES_MAX} files`);
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
      throw new ImageStoreError(`bad mode ${mode}`);
    // Check the whole path before creating anything, so a failure adds nothing.
    let probe: ImageDirectory | undefined = this.root;
    for (const name of parts.slice(0, -1)) {
      const next: ImageNode | undefined = probe?.children.get(name);
      if (next !== undefined && next.type !== 'directory')
        throw new ImageStoreError(`${path}: ${name} is a file`);
      probe = next;
    }
    const leaf = parts[parts.length - 1]!;
    if (probe?.children.has(leaf)) throw new ImageStoreError(`${path} already exists`);
    let dir: ImageDirectory = this.root;
    for (const name of parts.slice(0, -1)) {
      let next: ImageNode | undefined = dir.children.get(name);
      if (next === undefined) {
        next = {
          type: 'directory',
          ino: this.#nextIno++,
          mode: 0o755,
          children: new Map(),
          parent: dir,
        };
        dir.children.set(name, next);
      }
      assert(next.type === 'directory', 'checked above');
      dir = next;
    }
    const file: ImageFile = { type: 'file', ino: this.#nextIno++, mode, bytes };
    dir.children.set(leaf, file);
    this.#files++;
    return file;
  }

  /** Resolves a guest path against a working directory (itself absolute and normalised). */
  lookup(path: string, cwd = '/'): Lookup {
    if (path.length === 0) return { ok: false, errno: 'ENOENT' };
    if (Buffer.byteLength(path) >= PATH_BYTES_MAX) return { ok: false, errno: 'ENAMETOOLONG' };
    const full = path.startsWith('/') ? path : `${cwd}/${path}`;
    const wantsDirectory = path.endsWith('/');
    let node: ImageNode = this.root;
    const names: string[] = [];
    for (const name of full.split('/')) {
      if (name === '' || name === '.') {
        if (node.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
        continue;
      }
      if (Buffer.byteLength(name) > NAME_BYTES_MAX) return { ok: false, errno: 'ENAMETOOLONG' };
      if (node.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
      if (name === '..') {
        node = node.parent ?? node;
        names.pop();
        continue;
      }
      const next = node.children.get(name);
      if (next === undefined) return { ok: false, errno: 'ENOENT' };
      node = next;
      names.push(name);
    }
    if (wantsDirectory && node.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
    return { ok: true, node, path: `/${names.join('/')}` };
  }

  /** Directory entries as getdents64 lists them: `.`, `..`, then names in byte order. */
  list(dir: ImageDirectory): { readonly name: string; readonly node: ImageNode }[] {
    const names = [...dir.children.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return [
      { name: '.', node: dir },
      { name: '..', node: dir.parent ?? dir },
      ...names.map((name) => ({ name, node: dir.children.get(name)! })),
    ];
  }
}

function splitAbsolute(path: string): string[] | undefined {
  if (!path.startsWith('/') || Buffer.byteLength(path) >= PATH_BYTES_MAX) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  for (const p of parts) {
    if (p === '.' || p === '..' || Buffer.byteLength(p) > NAME_BYTES_MAX || p.includes('\0'))
      return undefined;
  }
  return parts;
}
