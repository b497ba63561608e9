// Open files of the read-only image store: a regular file with its offset,
// and a directory with its listing position (getdents64).
import type { ImageDirectory, ImageFile } from './image-store.js';
import { OpenFile } from './open-file.js';

export class ImageFileHandle extends OpenFile {
  readonly kind = 'image';
  offset = 0;

  constructor(
    readonly node: ImageFile,
    /** Absolute path, for /proc/<pid>/fd and restart. */
    readonly path: string,
    statusFlags: number,
  ) {
    super(statusFlags);
  }

  protected onLastRelease(): void {}
}

export class ImageDirectoryHandle extends OpenFile {
  readonly kind = 'directory';
  /** Index of the next entry getdents64 returns. */
  position = 0;

  constructor(
    readonly node: ImageDirectory,
    readonly path: string,
    statusFlags: number,
  ) {
    super(statusFlags);
  }

  protected onLastRelease(): void {}
}
