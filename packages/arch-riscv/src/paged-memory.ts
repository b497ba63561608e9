// A reference `GuestMemory`: a sparse table of 4 KiB pages, each a Uint8Array
// with Linux protection bits. Tests, tools and the kernel's first version use
// it; it knows nothing of harts, so whoever changes a mapping that a hart may
// have cached calls `Hart.invalidate` on the changed range.
import { AddressInvalid, MappingInvalid, PageNotMapped } from './errors.js';
import {
  GUEST_PAGE_INDEX_LIMIT,
  MEMORY_COPY_BYTES_MAX,
  PAGE_SIZE_BYTES,
  PAGED_MEMORY_PAGES_MAX,
} from './limits.js';
import type { AccessKind, GuestMemory } from './memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from './memory.js';

interface MappedPage {
  readonly bytes: Uint8Array;
  prot: number;
}

const ACCESS_PROT: Record<AccessKind, number> = {
  read: PROT_READ,
  write: PROT_WRITE,
  execute: PROT_EXEC,
};

export class PagedMemory implements GuestMemory {
  readonly #pages = new Map<number, MappedPage>();

  /** Number of mapped pages. */
  get pageCount(): number {
    return this.#pages.size;
  }

  page(pageIndex: number, access: AccessKind): Uint8Array | undefined {
    const page = this.#pages.get(pageIndex);
    if (page === undefined) return undefined;
    return (page.prot & ACCESS_PROT[access]) !== 0 ? page.bytes : undefined;
  }

  /**
   * Maps fresh zeroed pages over [address, address + lengthBytes) with `prot`
   * (PROT_* bits). `address` must be page-aligned; the length is rounded up to
   * whole pages. Fails without mapping anything if a page is already mapped.
   */
  map(address: number, lengthBytes: number, prot: number): void {
    const [first, count] = pageSpan(address, lengthBytes, true);
    if (this.#pages.size + count > PAGED_MEMORY_PAGES_MAX) {
      throw new MappingInvalid(address, `more than ${String(PAGED_MEMORY_PAGES_MAX)} pages`);
    }
    for (let i = 0; i < count; i++) {
      if (this.#pages.has(first + i)) {
        throw new MappingInvalid((first + i) * PAGE_SIZE_BYTES, 'page already mapped');
      }
    }
    for (let i = 0; i < count; i++) {
      this.#pages.set(first + i, { bytes: new Uint8Array(PAGE_SIZE_BYTES), prot });
    }
  }

  /** Unmaps every mapped page of the range (page-aligned address). */
  unmap(address: number, lengthBytes: number): void {
    const [first, count] = pageSpan(address, lengthBytes, true);
    for (let i = 0; i < count; i++) this.#pages.delete(first + i);
  }

  /** Changes the protection of every mapped page of the range. */
  protect(address: number, lengthBytes: number, prot: number): void {
    const [first, count] = pageSpan(address, lengthBytes, true);
    for (let i = 0; i < count; i++) {
      const page = this.#pages.get(first + i);
      if (page !== undefined) page.prot = prot;
    }
  }

  /** Whether every page of the range is mapped. */
  isMapped(address: number, lengthBytes: number): boolean {
    const [first, count] = pageSpan(address, lengthBytes, false);
    for (let i = 0; i < count; i++) if (!this.#pages.has(first + i)) return false;
    return true;
  }

  /** Copies guest bytes out, ignoring protection (a kernel-side access). */
  read(address: number, lengthBytes: number): Uint8Array {
    const out = new Uint8Array(checkCopy(address, lengthBytes));
    this.#copy(address, lengthBytes, (page, pageOffset, at, n) => {
      out.set(page.subarray(pageOffset, pageOffset + n), at);
    });
    return out;
  }

  /** Copies bytes into guest memory, ignoring protection (a kernel-side access). */
  write(address: number, bytes: Uint8Array): void {
    checkCopy(address, bytes.length);
    this.#copy(address, bytes.length, (page, pageOffset, at, n) => {
      page.set(bytes.subarray(at, at + n), pageOffset);
    });
  }

  // Checks that the whole range is mapped before copying anything, so a failed
  // copy changes nothing.
  #copy(
    address: number,
    lengthBytes: number,
    step: (page: Uint8Array, pageOffset: number, at: number, n: number) => void,
  ): void {
    if (lengthBytes === 0) return;
    const [first, count] = pageSpan(address, lengthBytes, false);
    for (let i = 0; i < count; i++) {
      if (!this.#pages.has(first + i)) {
        throw new PageNotMapped(Math.max(address, (first + i) * PAGE_SIZE_BYTES));
      }
    }
    let at = 0;
    while (at < lengthBytes) {
      const a = address + at;
      const pageOffset = a % PAGE_SIZE_BYTES;
      const n = Math.min(PAGE_SIZE_BYTES - pageOffset, lengthBytes - at);
      const page = this.#pages.get(Math.floor(a / PAGE_SIZE_BYTES));
      if (page === undefined) throw new PageNotMapped(a);
      step(page.bytes, pageOffset, at, n);
      at += n;
    }
  }
}

function checkCopy(address: number, lengthBytes: number): number {
  if (
    !Number.isSafeInteger(lengthBytes) ||
    lengthBytes < 0 ||
    lengthBytes > MEMORY_COPY_BYTES_MAX
  ) {
    throw new AddressInvalid(
      address,
      lengthBytes,
      `length must be in 0..${String(MEMORY_COPY_BYTES_MAX)}`,
    );
  }
  return lengthBytes;
}

/** [first page index, page count] of a range, validated. */
function pageSpan(address: number, lengthBytes: number, isAligned: boolean): [number, number] {
  if (!Number.isSafeInteger(address) || address < 0) {
    throw new AddressInvalid(address, lengthBytes, 'address must be a non-negative safe integer');
  }
  if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 0) {
    throw new AddressInvalid(address, lengthBytes, 'length must be a non-negative safe integer');
  }
  if (isAligned && address % PAGE_SIZE_BYTES !== 0) {
    throw new AddressInvalid(address, lengthBytes, 'address must be page-aligned');
  }
  const first = Math.floor(address / PAGE_SIZE_BYTES);
  const end = Math.ceil((address + lengthBytes) / PAGE_SIZE_BYTES);
  if (end > GUEST_PAGE_INDEX_LIMIT) {
    throw new AddressInvalid(address, lengthBytes, 'range ends above the 2^47 user address space');
  }
  return [first, end - first];
}
