// One segment's pages as one node sees them: the node-local side of the
// segment's memory KDDM set (reference §8, ipc/shm_memory_linker.c). A page
// an address space may use without asking KDDM is "mapped" here, read-only
// after a get, writable after a grab; every state change KDDM makes to the
// local copy (another node reads it, takes it, or the segment is removed)
// unmaps it and tells every attached address space, whose CPU then faults
// again on its next access (the hart's `invalidate`). A fault is resolved by
// a get (read) or a grab (write) that the kernel holds until the access that
// needed the page has run (so another node cannot take it back first); the
// page then stays mapped, and cached, until KDDM changes its state, as
// Kerrighed's page-table entries outlive the get/grab that filled them.
import type { AccessKind } from '@krg/arch-riscv';
import { assert } from '@krg/epm-core';
import { PAGE_BYTES } from '../limits.js';
import type { ShmKddmSet } from './kddm-port.js';

/** An address space attached to a segment (AddressSpace implements it). */
export interface ShmAttacher {
  /** Page `segPage` of segment `shmId` changed state: drop what the CPU cached of it. */
  shmPageChanged(shmId: number, segPage: number): void;
}

interface MappedPage {
  readonly bytes: Uint8Array;
  readonly isWritable: boolean;
}

export class ShmPager {
  readonly #mapped = new Map<number, MappedPage>();
  /** Bumped on every change KDDM makes to a page (guards the fast path). */
  readonly #generation = new Map<number, number>();
  readonly #attachers = new Map<ShmAttacher, number>();

  constructor(
    readonly shmId: number,
    readonly sizeBytes: number,
    readonly pages: ShmKddmSet<Uint8Array>,
    /** Attachments of an address space changed by `delta` (shm_nattch). */
    private readonly onAttachDelta: (pager: ShmPager, delta: number) => void,
  ) {}

  /** Pages of the segment (the last one may be partly beyond its size, as on Linux). */
  get pageCount(): number {
    return Math.ceil(this.sizeBytes / PAGE_BYTES);
  }

  /** Address spaces of this node attached now. */
  get attachers(): number {
    return this.#attachers.size;
  }

  /**
   * The page's bytes if this node may `access` it without waiting: mapped
   * already, or the local KDDM copy allows it (the synchronous fast path).
   * undefined: the CPU faults and the kernel calls `fault`.
   */
  page(segPage: number, access: AccessKind): Uint8Array | undefined {
    const isWrite = access === 'write';
    const m = this.#mapped.get(segPage);
    if (m !== undefined && (!isWrite || m.isWritable)) return m.bytes;
    const before = this.#generation.get(segPage) ?? 0;
    const obj = isWrite ? this.pages.tryGrabLocal(segPage) : this.pages.tryGetLocal(segPage);
    if (obj === undefined) return undefined;
    this.pages.put(segPage);
    // A put that let a parked request through changed the page: fault instead.
    if ((this.#generation.get(segPage) ?? 0) !== before) return undefined;
    this.#map(segPage, obj, isWrite);
    return obj;
  }

  /**
   * Resolves a fault: a read fault gets the page, a write fault grabs it
   * (reference §8), and the page is mapped. KDDM keeps it here (frozen)
   * until the returned release puts it: the caller releases once the access
   * that faulted has run, or a request parked on the page could take it
   * back first and two nodes would livelock.
   */
  async hold(segPage: number, access: AccessKind): Promise<() => void> {
    assert(segPage >= 0 && segPage < this.pageCount, 'a fault lies inside the segment');
    const isWrite = access === 'write';
    const obj = isWrite ? await this.pages.grab(segPage) : await this.pages.get(segPage);
    assert(obj !== null, 'a shm page is created on first touch');
    // Map before the put: a request the put lets through unmaps it again.
    this.#map(segPage, obj, isWrite);
    let isReleased = false;
    return () => {
      assert(!isReleased, 'a held page is released once');
      isReleased = true;
      this.pages.put(segPage);
    };
  }

  /** KDDM changed the local copy's state, or dropped it: unmap it everywhere on this node. */
  pageChanged(segPage: number): void {
    this.#generation.set(segPage, (this.#generation.get(segPage) ?? 0) + 1);
    if (!this.#mapped.delete(segPage)) return;
    for (const space of this.#attachers.keys()) space.shmPageChanged(this.shmId, segPage);
  }

  /** An address space's attachments (mapped VMAs) of this segment changed by `delta`. */
  attachDelta(space: ShmAttacher, delta: number): void {
    const now = (this.#attachers.get(space) ?? 0) + delta;
    assert(now >= 0, 'an address space detaches what it attached');
    if (now === 0) this.#attachers.delete(space);
    else this.#attachers.set(space, now);
    if (delta !== 0) this.onAttachDelta(this, delta);
  }

  /** Pages mapped on this node now (tests, counters). */
  get mappedPages(): number {
    return this.#mapped.size;
  }

  #map(segPage: number, bytes: Uint8Array, isWritable: boolean): void {
    assert(bytes.length === PAGE_BYTES, 'a shm page is one page');
    this.#mapped.set(segPage, { bytes, isWritable });
  }
}
