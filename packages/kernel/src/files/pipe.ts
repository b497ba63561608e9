// A pipe: a bounded byte ring shared by its read and write ends, with
// Linux's rules — reads return what is there (0 at EOF once every writer is
// gone), writes of at most PIPE_BUF bytes are atomic, a write with no reader
// left is EPIPE (and SIGPIPE, raised by the syscall layer). Calls never
// block here: they say 'block' and the caller waits on the pipe's queues.
import { assert } from '@krg/epm-core';
import { PIPE_ATOMIC_BYTES, PIPE_CAPACITY_BYTES } from '../limits.js';
import { WaitQueue } from '@krg/epm-core';
import { OpenFile } from './open-file.js';
import { O_NONBLOCK, O_RDONLY, O_WRONLY } from './open-flags.js';

export type PipeRead =
  { readonly kind: 'data'; readonly bytes: Uint8Array } | { readonly kind: 'eof' | 'block' };
export type PipeWrite =
  { readonly kind: 'written'; readonly count: number } | { readonly kind: 'block' | 'epipe' };

export class Pipe {
  readonly #ring = new Uint8Array(PIPE_CAPACITY_BYTES);
  #head = 0;
  #size = 0;
  #readers = 0;
  #writers = 0;
  /** Readers wait here for data or EOF. */
  readonly readable = new WaitQueue();
  /** Writers wait here for room or for the last reader to go. */
  readonly writable = new WaitQueue();

  get bufferedBytes(): number {
    return this.#size;
  }

  get readers(): number {
    return this.#readers;
  }

  get writers(): number {
    return this.#writers;
  }

  /** Takes up to `maxBytes` bytes. */
  read(maxBytes: number): PipeRead {
    assert(Number.isInteger(maxBytes) && maxBytes > 0, 'a pipe read asks for at least one byte');
    if (this.#size === 0) return this.#writers === 0 ? { kind: 'eof' } : { kind: 'block' };
    const count = Math.min(maxBytes, this.#size);
    const bytes = new Uint8Array(count);
    const first = Math.min(count, PIPE_CAPACITY_BYTES - this.#head);
    bytes.set(this.#ring.subarray(this.#head, this.#head + first));
    if (first < count) bytes.set(this.#ring.subarray(0, count - first), first);
    this.#head = (this.#head + count) % PIPE_CAPACITY_BYTES;
    this.#size -= count;
    this.writable.wakeAll();
    return { kind: 'data', bytes };
  }

  /**
   * Puts bytes in: all of them when at most PIPE_BUF (or 'block' when they do
   * not fit), else as many as fit (or 'block' when none do).
   */
  write(bytes: Uint8Array): PipeWrite {
    if (this.#readers === 0) return { kind: 'epipe' };
    const room = PIPE_CAPACITY_BYTES - this.#size;
    if (bytes.length === 0) return { kind: 'written', count: 0 };
    if (room === 0 || (bytes.length <= PIPE_ATOMIC_BYTES && room < bytes.length))
      return { kind: 'block' };
    const count = Math.min(room, bytes.length);
    const tail = (this.#head + this.#size) % PIPE_CAPACITY_BYTES;
    const first = Math.min(count, PIPE_CAPACITY_BYTES - tail);
    this.#ring.set(bytes.subarray(0, first), tail);
    if (first < count) this.#ring.set(bytes.subarray(first, count), 0);
    this.#size += count;
    this.readable.wakeAll();
    return { kind: 'written', count };
  }

  /** Opens both ends (pipe2). */
  open(flags: number): { readonly reader: PipeEnd; readonly writer: PipeEnd } {
    const nonBlocking = flags & O_NONBLOCK;
    return {
      reader: new PipeEnd(this, 'read', O_RDONLY | nonBlocking),
      writer: new PipeEnd(this, 'write', O_WRONLY | nonBlocking),
    };
  }

  /** @internal Bookkeeping of PipeEnd. */
  endOpened(end: 'read' | 'write'): void {
    if (end === 'read') this.#readers++;
    else this.#writers++;
  }

  /** @internal Bookkeeping of PipeEnd: the last reference to an end went. */
  endClosed(end: 'read' | 'write'): void {
    if (end === 'read') {
      assert(this.#readers > 0, 'a pipe has a reader to close');
      this.#readers--;
      if (this.#readers === 0) this.writable.wakeAll();
    } else {
      assert(this.#writers > 0, 'a pipe has a writer to close');
      this.#writers--;
      if (this.#writers === 0) this.readable.wakeAll();
    }
  }
}

/** One end of a pipe as an open file description. */
export class PipeEnd extends OpenFile {
  readonly kind = 'pipe';

  constructor(
    readonly pipe: Pipe,
    readonly end: 'read' | 'write',
    statusFlags: number,
  ) {
    super(statusFlags);
    pipe.endOpened(end);
  }

  override get lockTarget(): object {
    return this.pipe;
  }

  protected onLastRelease(): void {
    this.pipe.endClosed(this.end);
  }
}
