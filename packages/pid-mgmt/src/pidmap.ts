// A pidmap: the bitmap of node-local PID numbers owned by one node id
// (reference §7). Allocation is cyclic as in Linux's alloc_pidmap: it starts
// after the last PID handed out and wraps from pid_max back to the reserved
// low range, so a freed number is not reused at once. Bitmap pages are
// allocated on first use, as Linux does, so a pidmap costs memory only for
// the part of the PID space it has touched.
import { assert } from './assert.js';
import { PidBusy, PidNotAllocated, PidmapExhausted, PidmapImageInvalid } from './errors.js';
import { checkLocalPid, checkNodeId } from './pid-layout.js';
import { PID_LOCAL_LIMIT, PID_MAX_DEFAULT, PID_RESERVED_LOW, PIDS_PER_PAGE } from './limits.js';

/** A pidmap as a plain value: what a pidmap host sends when it hands the map over. */
export interface PidmapImage {
  /** The node id whose PIDs this map owns (not necessarily the node holding it). */
  readonly node: number;
  readonly pidMax: number;
  readonly lastPid: number;
  /** Allocated local PID numbers, ascending. */
  readonly allocated: readonly number[];
}

export interface PidmapOptions {
  /** Wrap point of cyclic allocation (Linux's pid_max). */
  readonly pidMax?: number;
}

export class Pidmap {
  readonly node: number;
  readonly pidMax: number;
  #lastPid: number;
  #count = 0;
  // Page index → bitmap page; absent pages have every bit clear.
  readonly #pages = new Map<number, Uint8Array>();

  constructor(node: number, options: PidmapOptions = {}) {
    this.node = checkNodeId(node);
    const pidMax = options.pidMax ?? PID_MAX_DEFAULT;
    if (!Number.isInteger(pidMax) || pidMax <= PID_RESERVED_LOW || pidMax > PID_LOCAL_LIMIT) {
      throw new PidmapImageInvalid(
        `pid_max ${pidMax} outside ${PID_RESERVED_LOW + 1}..${PID_LOCAL_LIMIT}`,
      );
    }
    this.pidMax = pidMax;
    // Local PID 1 is each node's init, which is node-local and never a
    // cluster PID, so allocation starts after it.
    this.#lastPid = 1;
  }

  /** How many PIDs are allocated or reserved. */
  get count(): number {
    return this.#count;
  }

  get lastPid(): number {
    return this.#lastPid;
  }

  isAllocated(localPid: number): boolean {
    checkLocalPid(localPid);
    const page = this.#pages.get(Math.floor(localPid / PIDS_PER_PAGE));
    if (page === undefined) return false;
    const bit = localPid % PIDS_PER_PAGE;
    return (page[bit >> 3]! & (1 << (bit & 7))) !== 0;
  }

  /** Allocates the next free local PID after the last one, wrapping at pid_max. */
  alloc(): number {
    // Linux scans from last+1 to pid_max, then from RESERVED_PIDS to last.
    const start = this.#lastPid + 1 < this.pidMax ? this.#lastPid + 1 : PID_RESERVED_LOW;
    let pid = start;
    do {
      if (pid !== 1 && !this.isAllocated(pid)) {
        this.#set(pid);
        this.#lastPid = pid;
        return pid;
      }
      pid = pid + 1 < this.pidMax ? pid + 1 : PID_RESERVED_LOW;
    } while (pid !== start);
    throw new PidmapExhausted(this.node, this.pidMax);
  }

  /**
   * Marks a specific local PID as taken: restart's PID reservation (reference
   * §6, `reserve_pidmap`). It may lie above pid_max, as a restarted process
   * keeps the number it had.
   */
  reserve(localPid: number): void {
    checkLocalPid(localPid);
    if (localPid === 1) throw new PidBusy(1);
    if (this.isAllocated(localPid)) throw new PidBusy(localPid);
    this.#set(localPid);
  }

  /** Releases a local PID so it can be handed out again. */
  free(localPid: number): void {
    if (!this.isAllocated(localPid)) throw new PidNotAllocated(localPid);
    const page = this.#pages.get(Math.floor(localPid / PIDS_PER_PAGE));
    assert(page !== undefined, 'an allocated PID has a bitmap page');
    const bit = localPid % PIDS_PER_PAGE;
    page[bit >> 3]! &= ~(1 << (bit & 7));
    this.#count--;
  }

  /** Allocated local PIDs in ascending order (what REQ_AVAILABLE_TGIDS lists). */
  allocated(): number[] {
    const out: number[] = [];
    const pageIndexes = [...this.#pages.keys()].sort((a, b) => a - b);
    for (const index of pageIndexes) {
      const page = this.#pages.get(index)!;
      for (let byte = 0; byte < page.length; byte++) {
        const bits = page[byte]!;
        if (bits === 0) continue;
        for (let b = 0; b < 8; b++) {
          if ((bits & (1 << b)) !== 0) out.push(index * PIDS_PER_PAGE + byte * 8 + b);
        }
      }
    }
    assert(out.length === this.#count, 'the bitmap and the PID count agree');
    return out;
  }

  /** The pidmap as a plain value, for handing it to an adoptive host. */
  toImage(): PidmapImage {
    return {
      node: this.node,
      pidMax: this.pidMax,
      lastPid: this.#lastPid,
      allocated: this.allocated(),
    };
  }

  /** Rebuilds a pidmap from an image received from another node; validates every field. */
  static fromImage(image: unknown): Pidmap {
    if (typeof image !== 'object' || image === null) throw new PidmapImageInvalid('not an object');
    const { node, pidMax, lastPid, allocated } = image as Record<string, unknown>;
    if (typeof node !== 'number' || typeof pidMax !== 'number' || typeof lastPid !== 'number') {
      throw new PidmapImageInvalid('node, pidMax and lastPid must be numbers');
    }
    if (!Array.isArray(allocated)) throw new PidmapImageInvalid('allocated must be an array');
    if (allocated.length >= PID_LOCAL_LIMIT) throw new PidmapImageInvalid('too many PIDs');
    let map: Pidmap;
    try {
      map = new Pidmap(node, { pidMax });
    } catch (e) {
      throw new PidmapImageInvalid((e as Error).message);
    }
    if (!Number.isInteger(lastPid) || lastPid < 1 || lastPid >= PID_LOCAL_LIMIT) {
      throw new PidmapImageInvalid(`lastPid ${lastPid} out of range`);
    }
    let previous = 1;
    for (const pid of allocated) {
      if (
        typeof pid !== 'number' ||
        !Number.isInteger(pid) ||
        pid <= previous ||
        pid >= PID_LOCAL_LIMIT
      ) {
        throw new PidmapImageInvalid(
          `allocated PIDs must be ascending integers in 2..${PID_LOCAL_LIMIT - 1}`,
        );
      }
      map.#set(pid);
      previous = pid;
    }
    map.#lastPid = lastPid;
    return map;
  }

  #set(localPid: number): void {
    const index = Math.floor(localPid / PIDS_PER_PAGE);
    let page = this.#pages.get(index);
    if (page === undefined) {
      page = new Uint8Array(PIDS_PER_PAGE / 8);
      this.#pages.set(index, page);
    }
    const bit = localPid % PIDS_PER_PAGE;
    assert((page[bit >> 3]! & (1 << (bit & 7))) === 0, 'a PID is set only when free');
    page[bit >> 3]! |= 1 << (bit & 7);
    this.#count++;
  }
}
