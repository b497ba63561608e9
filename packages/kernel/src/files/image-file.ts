// Open files of the cluster's file tree: a regular file with its offset, a
// directory with its listing position (getdents64), a character device.
// A regular file counts its open descriptions, so an unlinked file keeps
// its bytes until the last one closes (Linux's orphan inode).
import type { ImageDevice, ImageDirectory, ImageFile } from './inode.js';
import type { ImageStore } from './image-store.js';
import { OpenFile } from './open-file.js';

export class ImageFileHandle extends OpenFile {
  readonly kind = 'image';
  offset = 0;

  constructor(
    readonly store: ImageStore,
    readonly node: ImageFile,
    /** The path it was opened by (restart reopens by path; a rename is found by search). */
    readonly path: string,
    statusFlags: number,
  ) {
    super(statusFlags);
    store.opened(node);
  }

  override get lockTarget(): object {
    return this.node;
  }

  protected onLastRelease(): void {
    this.store.closed(this.node);
  }
}

/**
 * A directory being listed. Entries come in byte order of their names, and
 * the position is the last name returned, not an index: an entry that
 * stays in the directory while it is listed is returned exactly once,
 * whatever is created or removed meanwhile (Linux's rule for readdir; an
 * entry created during the listing may or may not appear).
 */
export class ImageDirectoryHandle extends OpenFile {
  readonly kind = 'directory';
  /** Entries returned so far (0: `.` is next, 1: `..` is next, then names after `after`). */
  position = 0;
  /** The last name returned, once past `.` and `..`. */
  after: string | undefined;

  constructor(
    readonly node: ImageDirectory,
    readonly path: string,
    statusFlags: number,
  ) {
    super(statusFlags);
  }

  override get lockTarget(): object {
    return this.node;
  }

  rewind(): void {
    this.position = 0;
    this.after = undefined;
  }

  protected onLastRelease(): void {}
}

export class ImageDeviceHandle extends OpenFile {
  readonly kind = 'device';

  constructor(
    readonly node: ImageDevice,
    readonly path: string,
    statusFlags: number,
  ) {
    super(statusFlags);
  }

  override get lockTarget(): object {
    return this.node;
  }

  protected onLastRelease(): void {}
}
