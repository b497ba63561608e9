// An open file description (Linux's `struct file`): what open(2) or pipe(2)
// creates and what dup(2) and fork share. Descriptors point at it; it lives
// until the last descriptor (of any process) that refers to it is closed,
// and then its kind-specific release runs (a pipe end closing wakes the other
// side).
import { assert } from '@krg/epm-core';
import { flockRelease } from './flock.js';
import { O_ACCMODE, O_PATH, O_RDONLY, O_RDWR, O_WRONLY } from './open-flags.js';

export type OpenFileKind = 'console' | 'pipe' | 'image' | 'directory' | 'device';

export abstract class OpenFile {
  abstract readonly kind: OpenFileKind;
  /** Access mode and status flags (O_APPEND, O_NONBLOCK, …) as F_GETFL reports them. */
  statusFlags: number;
  #refs = 1;

  constructor(statusFlags: number) {
    this.statusFlags = statusFlags;
  }

  get refs(): number {
    return this.#refs;
  }

  /** What a flock(2) on this description locks: the file it opens (a tree inode, a pipe). */
  get lockTarget(): object {
    return this;
  }

  // An O_PATH descriptor names a file without opening it for I/O.
  get isReadable(): boolean {
    if ((this.statusFlags & O_PATH) !== 0) return false;
    const mode = this.statusFlags & O_ACCMODE;
    return mode === O_RDONLY || mode === O_RDWR;
  }

  get isWritable(): boolean {
    if ((this.statusFlags & O_PATH) !== 0) return false;
    const mode = this.statusFlags & O_ACCMODE;
    return mode === O_WRONLY || mode === O_RDWR;
  }

  /** Another descriptor now refers to this description. */
  retain(): this {
    assert(this.#refs > 0, 'a released open file is not retained again');
    this.#refs++;
    return this;
  }

  /** A descriptor referring to this description was closed. */
  release(): void {
    assert(this.#refs > 0, 'an open file is released at most once per reference');
    this.#refs--;
    if (this.#refs === 0) {
      flockRelease(this.lockTarget, this);
      this.onLastRelease();
    }
  }

  /** Runs once, when the last reference goes. */
  protected abstract onLastRelease(): void;
}
