// The cluster's file tree (Kerrighed's shared root, NFS or KerFS there):
// one tree for every node of a Cluster, outside any node, so a file one
// node writes is read on another and outlives a node's crash and reboot.
// The cluster's owner adds programs and data (`addFile`); guests create,
// write, rename, link and remove through the path and descriptor syscalls,
// which call the mutations here once they have resolved their paths
// (path-walk.ts) and checked Linux's argument rules. Every mutation checks
// its limits before changing anything, so a refused one changes nothing.
// Inode numbers are handed out in creation order, so listings and fstat are
// the same on every run and every node.
import { assert } from '@krg/epm-core';
import {
  DIRECTORY_ENTRIES_MAX,
  IMAGE_FILE_BYTES_MAX,
  IMAGE_FILES_MAX,
  IMAGE_TREE_BYTES_MAX,
  LINKS_PER_INODE_MAX,
  NAME_BYTES_MAX,
  PATH_BYTES_MAX,
} from '../limits.js';
import {
  ImageDevice,
  ImageDirectory,
  ImageFile,
  ImageSymlink,
  type DeviceKind,
  type RandomSource,
  type ImageNode,
  type InodeInit,
} from './inode.js';
import { existing, walkPath, type PathErrno } from './path-walk.js';

export type Lookup =
  | { readonly ok: true; readonly node: ImageNode; readonly path: string }
  | { readonly ok: false; readonly errno: PathErrno };

/** Who creates an inode: its owner and group. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

export type TreeErrno = 'ENOSPC' | 'EMLINK' | 'EFBIG' | 'EEXIST';

/** Thrown when a file cannot be added (by the cluster's owner, not by a guest). */
export class ImageStoreError extends Error {
  override readonly name = 'ImageStoreError';
  readonly code = 'IMAGE_STORE_INVALID';
}

const ROOT_OWNER: Owner = { uid: 0, gid: 0 };
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;

export class ImageStore {
  /** CLOCK_REALTIME at simulated instant 0, ns since the epoch: timestamps are epoch + now. */
  readonly epochNs: bigint;
  readonly root: ImageDirectory;
  /** Bytes the files may hold together: IMAGE_TREE_BYTES_MAX, or less (a small tree for tests). */
  readonly treeBytesMax: number;
  readonly #sortedNames = new WeakMap<
    ImageDirectory,
    { changeCount: number; names: readonly string[]; keys: readonly Buffer[] }
  >();
  #nextIno = 1;
  #inodes = 0;
  #usedBytes = 0;

  constructor(
    options: { readonly epochNs?: number | bigint; readonly treeBytesMax?: number } = {},
  ) {
    this.epochNs = BigInt(options.epochNs ?? 0);
    this.treeBytesMax = options.treeBytesMax ?? IMAGE_TREE_BYTES_MAX;
    if (
      !Number.isSafeInteger(this.treeBytesMax) ||
      this.treeBytesMax < 0 ||
      this.treeBytesMax > IMAGE_TREE_BYTES_MAX
    )
      throw new ImageStoreError(`treeBytesMax must be in 0..${IMAGE_TREE_BYTES_MAX}`);
    this.root = new ImageDirectory(this.#init(0o755, ROOT_OWNER, this.epochNs), undefined, '');
  }

  /** Bytes regular files hold now (statfs, ENOSPC). */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** Inodes alive now (statfs). */
  get inodeCount(): number {
    return this.#inodes;
  }

  /** The timestamp of simulated instant `nowNs`. */
  timeAt(nowNs: number): bigint {
    return this.epochNs + BigInt(nowNs);
  }

  // --- the cluster's owner ---------------------------------------------------

  /** Adds a file at an absolute path, creating its directories (mtime: the epoch). */
  addFile(path: string, bytes: Uint8Array, mode = 0o755): ImageFile {
    if (bytes.length > IMAGE_FILE_BYTES_MAX)
      throw new ImageStoreError(`${path}: ${bytes.length} bytes exceeds ${IMAGE_FILE_BYTES_MAX}`);
    if (this.#usedBytes + bytes.length > this.treeBytesMax)
      throw new ImageStoreError(`${path}: the tree holds at most ${this.treeBytesMax} bytes`);
    const file = this.#addNode(path, mode, (init) => new ImageFile(init, bytes));
    this.#usedBytes += bytes.length;
    return file;
  }

  /** Adds a directory (and its parents) at an absolute path. */
  addDirectory(path: string, mode = 0o755): ImageDirectory {
    const parts = splitAbsolute(path);
    if (parts === undefined)
      throw new ImageStoreError(`not an absolute path: ${JSON.stringify(path)}`);
    const dir = this.#ensureDirectories(parts, path);
    if (dir !== this.root) dir.mode = checkedMode(mode);
    return dir;
  }

  /** Adds a character device (/dev/null, /dev/zero) at an absolute path. */
  addDevice(path: string, device: DeviceKind, mode = 0o666, random?: RandomSource): ImageDevice {
    if ((device === 'random' || device === 'urandom') !== (random !== undefined))
      throw new ImageStoreError(`${path}: a random device, and only one, needs a random source`);
    return this.#addNode(path, mode, (init) => new ImageDevice(init, device, random));
  }

  /** Resolves a path against a working directory (itself absolute), following every link. */
  lookup(path: string, cwd = '/'): Lookup {
    let start = this.root;
    if (!path.startsWith('/')) {
      const base = existing(walkPath(this.root, this.root, cwd, true));
      if (!base.ok) return base;
      if (base.node.type !== 'directory') return { ok: false, errno: 'ENOTDIR' };
      start = base.node;
    }
    const walked = walkPath(this.root, start, path, true);
    const found = existing(walked);
    if (!found.ok || !walked.ok) return found.ok ? { ok: false, errno: 'ENOENT' } : found;
    const node = found.node;
    return {
      ok: true,
      node,
      path: node.type === 'directory' ? node.path : joinPath(walked.parent, walked.name),
    };
  }

  /** Directory entries as a fresh listing shows them: `.`, `..`, then names in byte order. */
  list(dir: ImageDirectory): { readonly name: string; readonly node: ImageNode }[] {
    return [
      { name: '.', node: dir },
      { name: '..', node: dir.parent ?? dir },
      ...this.namesAfter(dir, undefined).map((name) => ({ name, node: dir.children.get(name)! })),
    ];
  }

  /**
   * A directory's names in byte order, those after `after` only
   * (getdents64's cookie). The sorted list is kept until the directory
   * changes, so listing a large directory in many calls sorts it once.
   */
  namesAfter(dir: ImageDirectory, after: string | undefined): readonly string[] {
    if (dir.isRemoved) return [];
    let sorted = this.#sortedNames.get(dir);
    if (sorted === undefined || sorted.changeCount !== dir.changeCount) {
      const entries = [...dir.children.keys()].map((name) => ({ name, key: Buffer.from(name) }));
      entries.sort((a, b) => Buffer.compare(a.key, b.key));
      sorted = {
        changeCount: dir.changeCount,
        names: entries.map((e) => e.name),
        keys: entries.map((e) => e.key),
      };
      this.#sortedNames.set(dir, sorted);
    }
    if (after === undefined) return sorted.names;
    // The first name greater than `after`, by binary search.
    const key = Buffer.from(after);
    let lo = 0;
    let hi = sorted.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(sorted.keys[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return sorted.names.slice(lo);
  }

  /** One path naming `node` now, or undefined when no directory does (unlinked). */
  pathOf(node: ImageNode, hint?: string): string | undefined {
    if (node.type === 'directory') return node.isRemoved ? undefined : node.path;
    if (hint !== undefined) {
      const found = walkPath(this.root, this.root, hint, false);
      if (found.ok && found.node === node) return hint;
    }
    if (node.nlink === 0) return undefined;
    // Renamed since it was opened: search the tree, directories in name order.
    const stack: ImageDirectory[] = [this.root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const names = this.namesAfter(dir, undefined);
      for (const name of names) if (dir.children.get(name) === node) return joinPath(dir, name);
      for (let i = names.length - 1; i >= 0; i--) {
        const child = dir.children.get(names[i]!);
        if (child?.type === 'directory') stack.push(child);
      }
    }
    return undefined;
  }

  // --- what guests change ----------------------------------------------------

  /** A new regular file `name` in `parent` (the caller checked it is free). */
  createFile(
    parent: ImageDirectory,
    name: string,
    mode: number,
    owner: Owner,
    timeNs: bigint,
  ): ImageFile | TreeErrno {
    const room = this.#roomFor(parent);
    if (room !== undefined) return room;
    const file = new ImageFile(this.#init(mode, owner, timeNs), new Uint8Array(0));
    this.#link(parent, name, file, timeNs);
    return file;
  }

  mkdir(
    parent: ImageDirectory,
    name: string,
    mode: number,
    owner: Owner,
    timeNs: bigint,
  ): ImageDirectory | TreeErrno {
    const room = this.#roomFor(parent);
    if (room !== undefined) return room;
    if (parent.nlink >= LINKS_PER_INODE_MAX) return 'EMLINK';
    const dir = new ImageDirectory(this.#init(mode, owner, timeNs), parent, name);
    this.#link(parent, name, dir, timeNs);
    parent.nlink++;
    return dir;
  }

  symlink(
    parent: ImageDirectory,
    name: string,
    target: string,
    owner: Owner,
    timeNs: bigint,
  ): ImageSymlink | TreeErrno {
    const room = this.#roomFor(parent);
    if (room !== undefined) return room;
    const link = new ImageSymlink(this.#init(0o777, owner, timeNs), target);
    this.#link(parent, name, link, timeNs);
    return link;
  }

  /** A hard link to a non-directory. */
  link(parent: ImageDirectory, name: string, node: ImageNode, timeNs: bigint): 0 | TreeErrno {
    assert(node.type !== 'directory', 'no hard links to directories');
    if (node.nlink >= LINKS_PER_INODE_MAX) return 'EMLINK';
    if (parent.children.size >= DIRECTORY_ENTRIES_MAX) return 'ENOSPC';
    parent.children.set(name, node);
    touchChanged(parent, timeNs);
    node.nlink++;
    node.ctimeNs = timeNs;
    return 0;
  }

  /** Removes the entry `name` (not a directory: the caller checked). */
  unlink(parent: ImageDirectory, name: string, timeNs: bigint): void {
    const node = parent.children.get(name);
    assert(node !== undefined && node.type !== 'directory', 'unlink names a non-directory');
    parent.children.delete(name);
    touchChanged(parent, timeNs);
    this.#dropLink(node, timeNs);
  }

  /** Removes the empty directory `name` (the caller checked it is one and empty). */
  rmdir(parent: ImageDirectory, name: string, timeNs: bigint): void {
    const dir = parent.children.get(name);
    assert(dir?.type === 'directory' && dir.children.size === 0, 'rmdir names an empty directory');
    parent.children.delete(name);
    parent.nlink--;
    touchChanged(parent, timeNs);
    this.#removeDirectory(dir, timeNs);
  }

  /**
   * rename/renameat2 once both paths resolved to (directory, name) with the
   * source existing: Linux's checks in vfs_rename's order, then the move.
   */
  rename(
    from: { readonly parent: ImageDirectory; readonly name: string },
    to: { readonly parent: ImageDirectory; readonly name: string },
    flags: number,
    timeNs: bigint,
  ): 0 | 'EEXIST' | 'ENOENT' | 'EINVAL' | 'ENOTEMPTY' | 'ENOTDIR' | 'EISDIR' | 'ENOSPC' | 'EMLINK' {
    const source = from.parent.children.get(from.name);
    assert(source !== undefined, 'the rename source exists');
    const target = to.parent.children.get(to.name);
    if ((flags & RENAME_NOREPLACE) !== 0 && target !== undefined) return 'EEXIST';
    if ((flags & RENAME_EXCHANGE) !== 0 && target === undefined) return 'ENOENT';
    // Moving a directory below itself, or onto one of its own ancestors.
    if (source.type === 'directory' && source.contains(to.parent)) return 'EINVAL';
    if (target?.type === 'directory' && target.contains(from.parent))
      return (flags & RENAME_EXCHANGE) !== 0 ? 'EINVAL' : 'ENOTEMPTY';
    if (source === target) return 0;
    if ((flags & RENAME_EXCHANGE) !== 0) {
      assert(target !== undefined, 'checked above');
      from.parent.children.set(from.name, target);
      to.parent.children.set(to.name, source);
      for (const [node, parent, name] of [
        [source, to.parent, to.name],
        [target, from.parent, from.name],
      ] as const) {
        if (node.type === 'directory') {
          node.parent!.nlink--;
          node.parent = parent;
          node.name = name;
          parent.nlink++;
        }
        node.ctimeNs = timeNs;
      }
      touchChanged(from.parent, timeNs);
      touchChanged(to.parent, timeNs);
      return 0;
    }
    if (target !== undefined) {
      if (source.type === 'directory') {
        if (target.type !== 'directory') return 'ENOTDIR';
        if (target.children.size > 0) return 'ENOTEMPTY';
      } else if (target.type === 'directory') return 'EISDIR';
    } else if (to.parent !== from.parent) {
      if (to.parent.children.size >= DIRECTORY_ENTRIES_MAX) return 'ENOSPC';
      if (source.type === 'directory' && to.parent.nlink >= LINKS_PER_INODE_MAX) return 'EMLINK';
    }
    if (target !== undefined) {
      to.parent.children.delete(to.name);
      if (target.type === 'directory') {
        to.parent.nlink--;
        this.#removeDirectory(target, timeNs);
      } else this.#dropLink(target, timeNs);
    }
    from.parent.children.delete(from.name);
    to.parent.children.set(to.name, source);
    if (source.type === 'directory') {
      from.parent.nlink--;
      to.parent.nlink++;
      source.parent = to.parent;
      source.name = to.name;
    }
    source.ctimeNs = timeNs;
    touchChanged(from.parent, timeNs);
    touchChanged(to.parent, timeNs);
    return 0;
  }

  /**
   * Writes at `at` (the caller checked `at` ≤ IMAGE_FILE_BYTES_MAX): as much
   * as the file-size and tree limits allow, as Linux's write-limit checks
   * shorten a write; EFBIG or ENOSPC when nothing fits.
   */
  write(
    file: ImageFile,
    at: number,
    bytes: Uint8Array,
    timeNs: bigint,
  ): number | 'EFBIG' | 'ENOSPC' {
    if (bytes.length === 0) return 0;
    if (at >= IMAGE_FILE_BYTES_MAX) return 'EFBIG';
    let count = Math.min(bytes.length, IMAGE_FILE_BYTES_MAX - at);
    const growth = Math.max(0, at + count - file.size);
    const free = this.treeBytesMax - this.#usedBytes;
    if (growth > free) count = Math.max(0, file.size + free - at);
    if (count === 0) return 'ENOSPC';
    const before = file.size;
    file.write(at, bytes.subarray(0, count));
    this.#usedBytes += file.size - before;
    file.mtimeNs = timeNs;
    file.ctimeNs = timeNs;
    return count;
  }

  /** truncate/ftruncate/O_TRUNC: sets the size (the caller checked size ≥ 0). */
  truncate(file: ImageFile, size: number, timeNs: bigint): 0 | 'EFBIG' | 'ENOSPC' {
    if (size > IMAGE_FILE_BYTES_MAX) return 'EFBIG';
    if (size - file.size > this.treeBytesMax - this.#usedBytes) return 'ENOSPC';
    this.#usedBytes += size - file.size;
    file.truncate(size);
    file.mtimeNs = timeNs;
    file.ctimeNs = timeNs;
    return 0;
  }

  /**
   * A regular file no directory names (a restarted ghost file: CRIU's
   * unlinked-but-open file). It lives while open descriptions refer to it;
   * `dropOrphan` frees one nobody opened.
   */
  createOrphan(
    bytes: Uint8Array,
    mode: number,
    owner: Owner,
    timeNs: bigint,
  ): ImageFile | TreeErrno {
    if (this.#inodes >= IMAGE_FILES_MAX) return 'ENOSPC';
    if (bytes.length > IMAGE_FILE_BYTES_MAX) return 'EFBIG';
    if (bytes.length > this.treeBytesMax - this.#usedBytes) return 'ENOSPC';
    const file = new ImageFile(this.#init(mode, owner, timeNs), bytes);
    file.nlink = 0;
    this.#inodes++;
    this.#usedBytes += bytes.length;
    return file;
  }

  /** Frees an orphan no open description refers to (a restart that failed before opening it). */
  dropOrphan(file: ImageFile): void {
    if (file.nlink === 0 && file.openCount === 0 && !file.isDiscarded) this.#free(file);
  }

  /** An open file description now refers to `file`. */
  opened(file: ImageFile): void {
    file.openCount++;
  }

  /** An open file description referring to `file` went away: an unlinked file's bytes go with the last. */
  closed(file: ImageFile): void {
    assert(file.openCount > 0, 'closed once per open');
    file.openCount--;
    if (file.openCount === 0 && file.nlink === 0) this.#free(file);
  }

  // --- internals -------------------------------------------------------------

  #init(mode: number, owner: Owner, timeNs: bigint): InodeInit {
    return {
      ino: this.#nextIno++,
      mode: checkedMode(mode),
      uid: owner.uid,
      gid: owner.gid,
      timeNs,
    };
  }

  #roomFor(parent: ImageDirectory): TreeErrno | undefined {
    assert(!parent.isRemoved, 'the caller refused a removed directory');
    if (this.#inodes >= IMAGE_FILES_MAX) return 'ENOSPC';
    if (parent.children.size >= DIRECTORY_ENTRIES_MAX) return 'ENOSPC';
    return undefined;
  }

  #link(parent: ImageDirectory, name: string, node: ImageNode, timeNs: bigint): void {
    assert(!parent.children.has(name), 'a new entry has a free name');
    assert(name.length > 0 && !name.includes('/') && name !== '.' && name !== '..', 'a plain name');
    parent.children.set(name, node);
    this.#inodes++;
    touchChanged(parent, timeNs);
  }

  #dropLink(node: ImageNode, timeNs: bigint): void {
    assert(node.nlink > 0, 'a linked node');
    node.nlink--;
    node.ctimeNs = timeNs;
    if (node.nlink > 0) return;
    if (node.type === 'file' && node.openCount > 0) return; // still open: freed at the last close
    this.#free(node);
  }

  #removeDirectory(dir: ImageDirectory, timeNs: bigint): void {
    dir.isRemoved = true;
    dir.nlink = 0;
    dir.ctimeNs = timeNs;
    this.#inodes--;
  }

  #free(node: ImageNode): void {
    if (node.type === 'file') {
      assert(!node.isDiscarded, 'a file is freed once');
      this.#usedBytes -= node.size;
      node.discard();
    }
    this.#inodes--;
    assert(this.#inodes >= 0 && this.#usedBytes >= 0, 'tree accounting stays non-negative');
  }

  #ensureDirectories(parts: readonly string[], path: string): ImageDirectory {
    let probe: ImageDirectory | undefined = this.root;
    for (const name of parts) {
      const next: ImageNode | undefined = probe?.children.get(name);
      if (next !== undefined && next.type !== 'directory')
        throw new ImageStoreError(`${path}: ${name} is not a directory`);
      probe = next;
    }
    if (this.#inodes + parts.length >= IMAGE_FILES_MAX)
      throw new ImageStoreError(`the tree holds at most ${IMAGE_FILES_MAX} inodes`);
    let dir = this.root;
    for (const name of parts) {
      let next = dir.children.get(name);
      if (next === undefined) {
        const made = this.mkdir(dir, name, 0o755, ROOT_OWNER, this.epochNs);
        assert(typeof made !== 'string', 'room checked above');
        next = made;
      }
      assert(next.type === 'directory', 'checked above');
      dir = next;
    }
    return dir;
  }

  #addNode<T extends ImageNode>(path: string, mode: number, make: (init: InodeInit) => T): T {
    const parts = splitAbsolute(path);
    if (parts === undefined || parts.length === 0)
      throw new ImageStoreError(`not an absolute file path: ${JSON.stringify(path)}`);
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
      throw new ImageStoreError(`bad mode ${mode}`);
    if (this.#inodes + parts.length >= IMAGE_FILES_MAX)
      throw new ImageStoreError(`the tree holds at most ${IMAGE_FILES_MAX} inodes`);
    const leaf = parts[parts.length - 1]!;
    // Check the whole path before creating anything, so a failure adds nothing.
    let probe: ImageDirectory | undefined = this.root;
    for (const name of parts.slice(0, -1)) {
      const next: ImageNode | undefined = probe?.children.get(name);
      if (next !== undefined && next.type !== 'directory')
        throw new ImageStoreError(`${path}: ${name} is not a directory`);
      probe = next;
    }
    if (probe?.children.has(leaf)) throw new ImageStoreError(`${path} already exists`);
    const dir = this.#ensureDirectories(parts.slice(0, -1), path);
    const node = make(this.#init(mode, ROOT_OWNER, this.epochNs));
    this.#link(dir, leaf, node, this.epochNs);
    return node;
  }
}

function joinPath(dir: ImageDirectory, name: string): string {
  const base = dir.path;
  return base === '/' ? `/${name}` : `${base}/${name}`;
}

function touchChanged(dir: ImageDirectory, timeNs: bigint): void {
  dir.changeCount++;
  dir.mtimeNs = timeNs;
  dir.ctimeNs = timeNs;
}

function checkedMode(mode: number): number {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
    throw new ImageStoreError(`bad mode ${mode}`);
  return mode;
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
