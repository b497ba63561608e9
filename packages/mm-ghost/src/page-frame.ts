// A physical page of guest memory, shareable between address spaces after
// fork: copy-on-write is a frame with more than one sharer, which a write
// fault copies before writing (Linux's do_wp_page).
import { assert } from '@krg/epm-core';
import { PAGE_BYTES } from './limits.js';

export class PageFrame {
  #sharers = 1;

  constructor(readonly bytes: Uint8Array = new Uint8Array(PAGE_BYTES)) {
    assert(bytes.length === PAGE_BYTES, 'a frame is one page');
  }

  /** Address spaces that map this frame; above 1 means copy-on-write. */
  get sharers(): number {
    return this.#sharers;
  }

  share(): this {
    assert(this.#sharers > 0, 'a released frame is not shared again');
    this.#sharers++;
    return this;
  }

  release(): void {
    assert(this.#sharers > 0, 'a frame is released once per sharer');
    this.#sharers--;
  }

  /** A private copy for a writer, dropping this sharer's hold on the original. */
  breakCow(): PageFrame {
    assert(this.#sharers > 1, 'only a shared frame is copied on write');
    this.#sharers--;
    return new PageFrame(this.bytes.slice());
  }
}
