// The inodes of the cluster's file tree: regular files, directories,
// symbolic links and the two character devices every guest expects
// (/dev/null, /dev/zero). Metadata is Linux's: permission bits, owner,
// link count and three timestamps in simulated ns since the epoch (bigint:
// the epoch alone is past 2^53). A regular file's bytes are dense — a hole
// is stored as zeros — and copy-on-write against the snapshot `bytes` hands
// to exec and mmap, so a mapping never sees a later write.
import { assert } from '@krg/epm-core';

export type ImageNode = ImageFile | ImageDirectory | ImageSymlink | ImageDevice;

export interface InodeInit {
  readonly ino: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly timeNs: bigint;
}

abstract class Inode {
  readonly ino: number;
  /** Permission bits and set-id/sticky bits (07777); the type is the class. */
  mode: number;
  uid: number;
  gid: number;
  /** Directory entries naming this inode (a directory's own `.` and its subdirectories' `..` included). */
  nlink = 1;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;

  constructor(init: InodeInit) {
    assert(Number.isInteger(init.mode) && init.mode >= 0 && init.mode <= 0o7777, 'mode bits');
    this.ino = init.ino;
    this.mode = init.mode;
    this.uid = init.uid;
    this.gid = init.gid;
    this.atimeNs = init.timeNs;
    this.mtimeNs = init.timeNs;
    this.ctimeNs = init.timeNs;
  }
}

export class ImageFile extends Inode {
  readonly type = 'file';
  /** Open file descriptions referring to it: an unlinked file lives until the last closes. */
  openCount = 0;
  /** Made by O_TMPFILE without O_EXCL and not named yet: linkat may give it its first name. */
  isLinkable = false;
  #data: Uint8Array;
  #size: number;
  /** The bytes exec and mmap were given; a write copies the data first. */
  #snapshot: Uint8Array | undefined;
  #isDiscarded = false;

  constructor(init: InodeInit, bytes: Uint8Array) {
    super(init);
    this.#data = bytes;
    this.#size = bytes.length;
    // The caller may keep (and reuse) the array it handed in: never write into it.
    this.#snapshot = bytes;
  }

  get size(): number {
    return this.#size;
  }

  /** The whole contents as they are now; they never change afterwards (writes copy first). */
  get bytes(): Uint8Array {
    this.#snapshot ??= this.#data.subarray(0, this.#size);
    return this.#snapshot;
  }

  /** Up to `count` bytes from `at` (empty at or past the end); valid until the next change. */
  read(at: number, count: number): Uint8Array {
    return this.#data.subarray(Math.min(at, this.#size), Math.min(at + count, this.#size));
  }

  /** Writes `bytes` at `at`, growing the file (a gap reads as zeros). Limits are the caller's. */
  write(at: number, bytes: Uint8Array): void {
    const end = at + bytes.length;
    this.#reserve(end);
    this.#data.set(bytes, at);
    if (end > this.#size) this.#size = end;
  }

  /** Sets the size: bytes past it are dropped, a longer file reads zeros. */
  truncate(size: number): void {
    if (size > this.#size) this.#reserve(size);
    else {
      this.#own();
      this.#data.fill(0, size, this.#size);
    }
    this.#size = size;
  }

  /** Drops the contents (the last link and the last open file are gone). */
  discard(): void {
    this.#data = new Uint8Array(0);
    this.#snapshot = undefined;
    this.#size = 0;
    this.#isDiscarded = true;
  }

  /** Its contents were dropped: no name and no open file refers to it any more. */
  get isDiscarded(): boolean {
    return this.#isDiscarded;
  }

  #own(): void {
    if (this.#snapshot === undefined) return;
    this.#data = this.#data.slice(0, Math.max(this.#size, 0));
    this.#snapshot = undefined;
  }

  #reserve(size: number): void {
    this.#own();
    if (size <= this.#data.length) return;
    const capacity = Math.max(size, Math.min(this.#data.length * 2, size + (1 << 24)), 64);
    const grown = new Uint8Array(capacity);
    grown.set(this.#data.subarray(0, this.#size));
    this.#data = grown;
  }
}

export class ImageDirectory extends Inode {
  readonly type = 'directory';
  /** Children by name; listings sort them by bytes. */
  readonly children = new Map<string, ImageNode>();
  /** The directory holding it (undefined for the root); changes on rename. */
  parent: ImageDirectory | undefined;
  /** Its name in `parent` ('' for the root); changes on rename. */
  name: string;
  /** rmdir'd: it stays valid for open descriptors and cwds, empty and closed to new entries. */
  isRemoved = false;
  /** Bumped at every change of its entries (a listing's sorted names are cached per count). */
  changeCount = 0;

  constructor(init: InodeInit, parent: ImageDirectory | undefined, name: string) {
    super(init);
    this.parent = parent;
    this.name = name;
    this.nlink = 2;
  }

  /** Its absolute path (the root is `/`); a removed directory's last one. */
  get path(): string {
    const names: string[] = [];
    for (let d = this.parent, name = this.name; d !== undefined; name = d.name, d = d.parent)
      names.push(name);
    return `/${names.reverse().join('/')}`;
  }

  /** True when `other` is this directory or lies below it. */
  contains(other: ImageDirectory): boolean {
    for (let d: ImageDirectory | undefined = other; d !== undefined; d = d.parent)
      if (d === this) return true;
    return false;
  }
}

export class ImageSymlink extends Inode {
  readonly type = 'symlink';

  constructor(
    init: InodeInit,
    readonly target: string,
  ) {
    super(init);
  }
}

/**
 * The character devices the tree models: /dev/null (reads EOF), /dev/zero
 * (reads zeros), /dev/full (reads zeros, every write fails with ENOSPC),
 * /dev/random and /dev/urandom (read the cluster's seeded generator, so a
 * run is reproducible; writes are taken and ignored, as Linux mixes them
 * into a pool).
 */
export type DeviceKind = 'null' | 'zero' | 'full' | 'random' | 'urandom';

/** Linux's minor numbers of the memory devices (major 1). */
const MEM_MINOR: Readonly<Record<DeviceKind, number>> = {
  null: 3,
  zero: 5,
  full: 7,
  random: 8,
  urandom: 9,
};

/** Where a random device's bytes come from: the cluster's seeded generator. */
export interface RandomSource {
  nextUint32(): number;
}

export class ImageDevice extends Inode {
  readonly type = 'device';

  constructor(
    init: InodeInit,
    readonly device: DeviceKind,
    /** The generator behind /dev/random and /dev/urandom (undefined for the others). */
    readonly random: RandomSource | undefined = undefined,
  ) {
    super(init);
  }

  /** Linux's device number: major 1 (mem), the device's minor. */
  get rdev(): number {
    return (1 << 8) | MEM_MINOR[this.device];
  }
}
